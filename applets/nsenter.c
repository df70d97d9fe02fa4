/* nsenter - run a program in the namespaces of another process (util-linux compatible).
 *
 * Options, order of work and error words follow util-linux's nsenter(1): the namespace
 * files and the -r/-w directories are opened first (in the caller's namespaces), then
 * the namespaces are joined (core/ns.c, util-linux's two passes), then chroot/chdir,
 * then a fork when a pid namespace was entered (setns(2) moves only children), then
 * setgroups/setgid/setuid, then exec. Beyond util-linux: --env (as util-linux 2.40) and
 * --container ID (an ocibox container's init, all its namespaces).
 */
#include <fcntl.h>
#include <grp.h>
#include <libgen.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "version.h"
#include "applet.h"
#include "../core/ns.h"
#include "../core/state.h"

const char nsenter_usage[] =
    "Usage: nsenter [options] [PROGRAM [ARG...]]\n"
    "\n"
    "Run a program with namespaces of other processes (util-linux compatible).\n"
    "PROGRAM defaults to $SHELL, or /bin/sh.\n"
    "\n"
    "Options:\n"
    " -a, --all               enter all namespaces of the target (not its user\n"
    "                         namespace when it is the caller's own)\n"
    " -t, --target PID        target process to get namespaces from\n"
    " -m, --mount[=FILE]      enter mount namespace\n"
    " -u, --uts[=FILE]        enter UTS namespace (hostname etc)\n"
    " -i, --ipc[=FILE]        enter System V IPC namespace\n"
    " -n, --net[=FILE]        enter network namespace\n"
    " -p, --pid[=FILE]        enter pid namespace\n"
    " -C, --cgroup[=FILE]     enter cgroup namespace\n"
    " -U, --user[=FILE]       enter user namespace\n"
    " -T, --time[=FILE]       enter time namespace\n"
    "                         (short forms take FILE attached: -n/run/netns/x)\n"
    " -S, --setuid UID|follow set uid in entered namespace (follow: the target's)\n"
    " -G, --setgid GID|follow set gid in entered namespace (follow: the target's)\n"
    "     --preserve-credentials  do not touch uids or gids\n"
    " -r, --root[=DIR]        set the root directory (opened before entering)\n"
    " -w, --wd[=DIR]          set the working directory (opened before entering)\n"
    " -W, --wdns DIR          set the working directory in the namespace\n"
    " -e, --env               take the environment of the target (/proc/PID/environ)\n"
    " -F, --no-fork           do not fork before exec'ing PROGRAM\n"
    " -Z, --follow-context    set the SELinux context of the target (needs SELinux)\n"
    "     --container ID      target an ocibox container's init (state under the global\n"
    "                         --root: `ocibox --root DIR nsenter --container ID`);\n"
    "                         implies --all\n"
    " -V, --version           print the version\n"
    "\n"
    "Exit status: PROGRAM's; 126 when it cannot run, 127 when it is not found,\n"
    "1 on failure, 2 on usage errors.\n";

/* The namespace options, in util-linux's table order. */
static const struct {
	char opt;
	enum ob_ns_type type;
} ns_opts[] = {
    {'U', OB_NS_USER},	  {'C', OB_NS_CGROUP}, {'i', OB_NS_IPC},   {'u', OB_NS_UTS},
    {'n', OB_NS_NETWORK}, {'p', OB_NS_PID},    {'m', OB_NS_MOUNT}, {'T', OB_NS_TIME},
};

static volatile pid_t child_pid;

/* A signal sent to nsenter by a process (kill(1), a supervisor) goes on to the program.
 * One the terminal raised (si_code SI_KERNEL) already reached the program through the
 * foreground process group: forwarding it would deliver it twice. */
static void forward_signal(int sig, siginfo_t *info, void *ctx)
{
	if (child_pid > 0 && info->si_code <= 0)
		kill(child_pid, sig);
}

static const int forwarded[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};

/* The parent after the fork: wait for the program, give its status as ours. The
 * forwarded signals were blocked before the fork (one arriving before the handlers
 * would kill us and orphan the program); old is the mask to go back to. */
static int wait_child(pid_t pid, const sigset_t *old)
{
	struct sigaction sa = {.sa_sigaction = forward_signal, .sa_flags = SA_SIGINFO | SA_RESTART};
	sigemptyset(&sa.sa_mask);
	child_pid = pid;
	for (size_t i = 0; i < ARRAY_SIZE(forwarded); i++)
		sigaction(forwarded[i], &sa, NULL);
	sigprocmask(SIG_SETMASK, old, NULL);

	int status;
	for (;;) {
		pid_t r = waitpid(pid, &status, WUNTRACED);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			ob_log_error("waitpid: %s", strerror(errno));
			return OB_EXIT_FAIL;
		}
		if (!WIFSTOPPED(status))
			break;
		/* The program was suspended (^Z): suspend too, so the shell sees it. */
		kill(getpid(), SIGSTOP);
		kill(pid, SIGCONT);
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	int sig = WTERMSIG(status);
	signal(sig, SIG_DFL);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
	return 128 + sig;
}

/* exec PROGRAM, or the login shell util-linux runs: $SHELL (or /bin/sh) as "-sh". */
static int run_program(char **args)
{
	const char *file;
	if (args && args[0]) {
		file = args[0];
		execvp(file, args);
	} else {
		const char *shell = getenv("SHELL");
		if (!shell || !*shell)
			shell = "/bin/sh";
		_cleanup_free_ char *copy = ob_xstrdup(shell);
		_cleanup_free_ char *arg0 = ob_xasprintf("-%s", basename(copy));
		file = shell;
		execl(shell, arg0, (char *)NULL);
	}
	return ob_exec_failed(file);
}

/* Open a directory or namespace file the util-linux way: FILE when given, else
 * /proc/PID/<what>. -2 after a usage error, -1 after an error. */
static int open_target(const char *file, pid_t target, const char *what, int flags)
{
	char buf[64];
	if (!file && target > 0) {
		snprintf(buf, sizeof(buf), "/proc/%d/%s", (int)target, what);
		file = buf;
	}
	if (!file) {
		ob_usage_error("neither filename nor target pid supplied for %s", what);
		return -2;
	}
	int fd = open(file, flags | O_CLOEXEC);
	if (fd < 0)
		ob_log_error("cannot open %s: %s", file, strerror(errno));
	return fd;
}

/* The target's environment, /proc/PID/environ split into a vector pointing into *buf. */
static char **read_environ(pid_t target, char **ret_buf)
{
	struct ob_err err = {0};
	char path[64];
	char *buf;
	size_t len;
	snprintf(path, sizeof(path), "/proc/%d/environ", (int)target);
	if (ob_read_file(path, &buf, &len, &err) < 0) {
		ob_log_error("%s", err.msg);
		return NULL;
	}
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		n += buf[i] == '\0';
	char **env = ob_xcalloc(n + 2, sizeof(char *));
	size_t k = 0;
	for (size_t i = 0; i < len; i += strlen(buf + i) + 1)
		if (buf[i])
			env[k++] = buf + i;
	env[k] = NULL;
	*ret_buf = buf;
	return env;
}

static int parse_id(const char *s, const char *what, uint32_t *ret, bool *ret_follow)
{
	if (streq(s, "follow")) {
		*ret_follow = true;
		return 0;
	}
	if (ob_parse_uint32(s, ret) < 0 || *ret == (uint32_t)-1)
		return ob_usage_error("failed to parse %s: '%s'", what, s);
	return 0;
}

static bool selinux_enabled(void)
{
	return access("/sys/fs/selinux/enforce", F_OK) == 0;
}

/* -Z: the target's SELinux label for our next execve (/proc/self/attr/exec). Written
 * before the namespaces are joined, while /proc/self is still ours; it survives fork. */
static int follow_context(pid_t target)
{
	struct ob_err err = {0};
	char path[64];
	_cleanup_free_ char *label = NULL;
	snprintf(path, sizeof(path), "/proc/%d/attr/current", (int)target);
	if (ob_read_file(path, &label, NULL, &err) < 0 ||
	    ob_write_string("/proc/self/attr/exec", label, &err) < 0) {
		ob_log_error("failed to follow the SELinux context: %s", err.msg);
		return -1;
	}
	return 0;
}

int nsenter_main(int argc, char **argv)
{
	enum { OPT_PRESERVE = 256, OPT_CONTAINER };
	static const struct option longopts[] = {
	    {"all", no_argument, NULL, 'a'},
	    {"target", required_argument, NULL, 't'},
	    {"mount", optional_argument, NULL, 'm'},
	    {"uts", optional_argument, NULL, 'u'},
	    {"ipc", optional_argument, NULL, 'i'},
	    {"net", optional_argument, NULL, 'n'},
	    {"pid", optional_argument, NULL, 'p'},
	    {"cgroup", optional_argument, NULL, 'C'},
	    {"user", optional_argument, NULL, 'U'},
	    {"time", optional_argument, NULL, 'T'},
	    {"setuid", required_argument, NULL, 'S'},
	    {"setgid", required_argument, NULL, 'G'},
	    {"preserve-credentials", no_argument, NULL, OPT_PRESERVE},
	    {"root", optional_argument, NULL, 'r'},
	    {"wd", optional_argument, NULL, 'w'},
	    {"wdns", required_argument, NULL, 'W'},
	    {"env", no_argument, NULL, 'e'},
	    {"no-fork", no_argument, NULL, 'F'},
	    {"follow-context", no_argument, NULL, 'Z'},
	    {"container", required_argument, NULL, OPT_CONTAINER},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	bool want[OB_NS_COUNT] = {false};
	const char *ns_file[OB_NS_COUNT] = {NULL};
	pid_t target = 0;
	bool all = false, preserve = false, no_fork = false, follow_ctx = false, do_env = false;
	bool do_root = false, do_wd = false, force_uid = false, force_gid = false;
	bool follow_uid = false, follow_gid = false;
	const char *root_dir = NULL, *wd_dir = NULL, *wdns = NULL, *container = NULL;
	uint32_t uid = 0, gid = 0;
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:hVat:m::u::i::n::p::C::U::T::S:G:r::w::W:eFZ",
				longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			return ob_print_usage();
		case 'V':
			printf("nsenter from ocibox %s\n", OB_VERSION);
			return 0;
		case 'a':
			all = true;
			break;
		case 't': {
			int64_t v;
			if (ob_parse_int64(optarg, &v) < 0 || v <= 0 || v > INT32_MAX)
				return ob_usage_error("failed to parse pid: '%s'", optarg);
			target = (pid_t)v;
			break;
		}
		case 'S':
			if (parse_id(optarg, "uid", &uid, &follow_uid) != 0)
				return OB_EXIT_USAGE;
			force_uid = true;
			break;
		case 'G':
			if (parse_id(optarg, "gid", &gid, &follow_gid) != 0)
				return OB_EXIT_USAGE;
			force_gid = true;
			break;
		case OPT_PRESERVE:
			preserve = true;
			break;
		case 'r':
			do_root = true;
			root_dir = optarg;
			break;
		case 'w':
			do_wd = true;
			wd_dir = optarg;
			break;
		case 'W':
			wdns = optarg;
			break;
		case 'e':
			do_env = true;
			break;
		case 'F':
			no_fork = true;
			break;
		case 'Z':
			follow_ctx = true;
			break;
		case OPT_CONTAINER:
			container = optarg;
			break;
		case ':':
			if (startswith(argv[optind - 1], "--"))
				return ob_usage_error("option '%s' requires an argument",
						      argv[optind - 1]);
			return ob_usage_error("option requires an argument -- '%c'", optopt);
		case '?':
			if (startswith(argv[optind - 1], "--"))
				return ob_usage_error("unrecognized option '%s'", argv[optind - 1]);
			return ob_usage_error("invalid option -- '%c'", optopt);
		default: {
			size_t i;
			for (i = 0; i < ARRAY_SIZE(ns_opts) && ns_opts[i].opt != c; i++)
				;
			if (i == ARRAY_SIZE(ns_opts))
				return ob_usage_error("invalid option -- '%c'", c);
			want[ns_opts[i].type] = true;
			ns_file[ns_opts[i].type] = optarg;
		}
		}
	}
	/* --container ID: the init of an ocibox container, all its namespaces. */
	_cleanup_state_ struct ob_state *st = NULL;
	if (container) {
		struct ob_err e = {0};
		if (target > 0)
			return ob_usage_error("--container and --target are mutually exclusive");
		if (ob_state_load(ob_opts.root, container, &st, &e) < 0) {
			ob_log_error("%s", e.msg);
			return OB_EXIT_FAIL;
		}
		if (!ob_state_init_alive(st)) {
			ob_log_error("container `%s` is not running", container);
			return OB_EXIT_FAIL;
		}
		target = st->pid;
		all = true;
	}
	if (do_wd && wdns)
		return ob_usage_error("--wd and --wdns are mutually exclusive");
	if (all && target <= 0)
		return ob_usage_error("no target PID specified for --all");
	if ((follow_uid || follow_gid) && target <= 0)
		return ob_usage_error("no target PID specified for --setuid/--setgid follow");
	if (follow_ctx) {
		if (!selinux_enabled()) {
			ob_log_error("--follow-context: SELinux is not enabled on this system");
			return OB_EXIT_FAIL;
		}
		if (target <= 0)
			return ob_usage_error("no target PID specified for --follow-context");
	}

	/* From here on our code works inside namespaces someone else owns: no one there may
	 * open /proc/PID/exe or our memory (CVE-2019-5736); execve makes the program dumpable
	 * again. */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);

	struct ob_ns_set set;
	ob_ns_set_init(&set);
	int rc = OB_EXIT_FAIL;
	_cleanup_close_ int root_fd = -1;
	_cleanup_close_ int wd_fd = -1;
	_cleanup_free_ char *env_buf = NULL;
	_cleanup_free_ char **env = NULL;
	struct ob_err err = {0};
	int setgroups_errors = 0;
	bool forked = false;

	if (all) {
		/* Every namespace the kernel has, the user one only when it is not ours
		 * (setns(2) refuses the caller's own). Explicit FILEs win. */
		for (int t = 0; t < OB_NS_COUNT; t++) {
			char self[64];
			snprintf(self, sizeof(self), "/proc/self/ns/%s", ob_ns_proc_name(t));
			if (want[t] || access(self, F_OK) < 0)
				continue;
			if (t == OB_NS_USER) {
				int fd;
				if (ob_ns_open_pid(target, OB_NS_USER, &fd, &err) < 0)
					goto fail;
				bool same = ob_ns_is_current(fd, OB_NS_USER);
				close(fd);
				if (same)
					continue;
			}
			want[t] = true;
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(ns_opts); i++) {
		enum ob_ns_type t = ns_opts[i].type;
		if (!want[t])
			continue;
		if (!ns_file[t] && target <= 0) {
			ob_ns_set_close(&set);
			return ob_usage_error("neither filename nor target pid supplied for ns/%s",
					      ob_ns_proc_name(t));
		}
		int r = ns_file[t] ? ob_ns_open(ns_file[t], t, &set.fd[t], &err)
				   : ob_ns_open_pid(target, t, &set.fd[t], &err);
		if (r < 0)
			goto fail;
	}
	/* The fds are the init's only if it is still the same process (pid reuse). */
	if (st && !ob_state_init_alive(st)) {
		ob_log_error("container `%s` is not running", container);
		goto out;
	}
	/* -r/-w directories are opened now, in our namespaces: they are "tunnels" from here. */
	if (do_root && (root_fd = open_target(root_dir, target, "root", O_RDONLY)) < 0) {
		rc = root_fd == -2 ? OB_EXIT_USAGE : OB_EXIT_FAIL;
		goto out;
	}
	if (do_wd && (wd_fd = open_target(wd_dir, target, "cwd", O_RDONLY)) < 0) {
		rc = wd_fd == -2 ? OB_EXIT_USAGE : OB_EXIT_FAIL;
		goto out;
	}
	if (do_env) {
		if (target <= 0) {
			rc = ob_usage_error("neither filename nor target pid supplied for environ");
			goto out;
		}
		if (!(env = read_environ(target, &env_buf)))
			goto out;
	}
	if (follow_uid || follow_gid) {
		char path[64];
		struct stat st;
		snprintf(path, sizeof(path), "/proc/%d", (int)target);
		if (stat(path, &st) < 0) {
			ob_log_error("stat of %s failed: %s", path, strerror(errno));
			goto out;
		}
		if (follow_uid)
			uid = st.st_uid;
		if (follow_gid)
			gid = st.st_gid;
	}
	if (follow_ctx && follow_context(target) < 0)
		goto out;

	/* Entering a user namespace sets uid and gid 0 there unless told otherwise, and drops
	 * the supplementary groups: try that before too, and complain only when both fail
	 * (setgroups may be denied inside, user_namespaces(7)). */
	if (set.fd[OB_NS_USER] >= 0 && !preserve) {
		force_uid = force_gid = true;
		if (setgroups(0, NULL) != 0)
			setgroups_errors++;
	}
	bool enter_pid = set.fd[OB_NS_PID] >= 0;

	if (ob_ns_join(&set, &err) < 0)
		goto fail;
	ob_ns_set_close(&set);

	/* Keep the working directory across the chroot when no -w was given. */
	if (root_fd >= 0 && wd_fd < 0 && (wd_fd = open(".", O_RDONLY | O_CLOEXEC)) < 0) {
		ob_log_error("cannot open current working directory: %s", strerror(errno));
		goto out;
	}
	if (root_fd >= 0) {
		if (fchdir(root_fd) < 0) {
			ob_log_error("change directory by root file descriptor failed: %s",
				     strerror(errno));
			goto out;
		}
		if (chroot(".") < 0) {
			ob_log_error("chroot failed: %s", strerror(errno));
			goto out;
		}
		if (chdir("/") < 0) {
			ob_log_error("cannot change directory to /: %s", strerror(errno));
			goto out;
		}
	}
	if (wd_fd >= 0 && fchdir(wd_fd) < 0) {
		ob_log_error("change directory by working directory file descriptor failed: %s",
			     strerror(errno));
		goto out;
	}
	if (wdns && chdir(wdns) < 0) {
		ob_log_error("cannot change directory to %s: %s", wdns, strerror(errno));
		goto out;
	}

	/* setns(2) into a pid namespace moves only our children: fork so the program is in it. */
	if (enter_pid && !no_fork) {
		sigset_t fwd, old;
		sigemptyset(&fwd);
		for (size_t i = 0; i < ARRAY_SIZE(forwarded); i++)
			sigaddset(&fwd, forwarded[i]);
		sigprocmask(SIG_BLOCK, &fwd, &old);
		fflush(NULL);
		pid_t pid = fork();
		if (pid < 0) {
			ob_log_error("fork failed: %s", strerror(errno));
			sigprocmask(SIG_SETMASK, &old, NULL);
			goto out;
		}
		if (pid > 0)
			return wait_child(pid, &old);
		sigprocmask(SIG_SETMASK, &old, NULL); /* a mask survives execve */
		forked = true;
	}

	if (force_gid && setgroups(0, NULL) != 0 && setgroups_errors) {
		ob_log_error("setgroups failed: %s", strerror(errno));
		goto out;
	}
	if (force_gid && setgid(gid) < 0) {
		ob_log_error("setgid failed: %s", strerror(errno));
		goto out;
	}
	if (force_uid && setuid(uid) < 0) {
		ob_log_error("setuid failed: %s", strerror(errno));
		goto out;
	}
	if (env)
		environ = env;
	rc = run_program(argv + optind); /* every fd we opened is O_CLOEXEC */
	goto out;

fail:
	ob_log_error("%s", err.msg);
	rc = OB_EXIT_FAIL;
out:
	ob_ns_set_close(&set);
	if (forked)
		_exit(rc); /* a forked child never runs the parent's atexit/stdio teardown */
	return rc;
}
