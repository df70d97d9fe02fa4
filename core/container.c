/* container.c - create / start / kill / delete / run.
 *
 * create: parse config.json once; make ROOT/ID with its lock and exec.fifo; clone the init
 * with the namespace flags (joined namespaces other than user and mount are entered by
 * this process around the clone, so the init inherits them and they stay owned by the
 * right user namespace); write the id maps while the init waits; cgroup; prestart and
 * createRuntime hooks; one message GO -> the init builds the container and answers READY
 * or one error; state.json and the pid file. The init then blocks reading exec.fifo;
 * start writes one byte there and waits until the init's end is closed by execve.
 */
#include "container.h"

#include <fcntl.h>
#include <limits.h>
#include <linux/sched.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "cgroup.h"
#include "hooks.h"
#include "log.h"
#include "process.h"
#include "rootfs.h"
#include "terminal.h"
#include "util.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

enum { SYNC_GO = 1, SYNC_READY, SYNC_ERROR, SYNC_PID };

struct sync_msg {
	int type;
	int exit_code;
	struct ob_err err;
};

/* Everything the init needs, prepared before clone. */
struct init_args {
	const struct ob_create_opts *o;
	const struct ob_spec *spec;
	struct ob_rootfs_ctx rootfs;
	struct ob_proc_ctx proc;
	int sync_fd;
	int fifo_fd;
	int lock_fd;      /* the state lock: the init must not hold it (flock is per file) */
	int console_fd;   /* connected --console-socket, -1 */
	int user_ns_fd;   /* spec user namespace by path, -1 */
	int mount_ns_fd;  /* spec mount namespace by path, -1 */
	int unshare_flags; /* new namespaces to unshare after joining a user ns by path */
	int *idmap_fds;    /* per spec mount: idmapped detached mount received after GO, -1 */
	bool new_userns, new_netns, new_uts;
	char keyring[300];
};

static __attribute__((noreturn)) void init_fail(struct init_args *a, int code, struct ob_err *err)
{
	struct sync_msg m = {.type = SYNC_ERROR, .exit_code = code};
	m.err = *err;
	(void)!write(a->sync_fd, &m, sizeof(m));
	_exit(code ? code : 1);
}

static int recv_json(int fd, char **ret)
{
	uint32_t len;
	if (read(fd, &len, sizeof(len)) != sizeof(len))
		return -EIO;
	char *s = ob_xmalloc(len + 1);
	if (len && ob_read_all(fd, s, len) != (ssize_t)len) {
		free(s);
		return -EIO;
	}
	s[len] = '\0';
	*ret = s;
	return 0;
}

static int lo_up(struct ob_err *err)
{
	_cleanup_close_ int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return ob_error(err, errno, "socket");
	struct ifreq ifr = {0};
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		return ob_error(err, errno, "get flags of lo");
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
		return ob_error(err, errno, "bring lo up");
	return 0;
}

static int write_sysctls(const struct ob_spec *s, struct ob_err *err)
{
	for (size_t i = 0; i < s->linux_.n_sysctl; i++) {
		char path[PATH_MAX];
		int n = snprintf(path, sizeof(path), "/proc/sys/%s", s->linux_.sysctl[i].key);
		for (char *p = path + 10; p < path + n; p++)
			if (*p == '.')
				*p = '/';
		int r = ob_write_string(path, s->linux_.sysctl[i].value, err);
		if (r < 0)
			return ob_error_prefix(err, r, "sysctl `%s`", s->linux_.sysctl[i].key);
	}
	return 0;
}

/* The container's init, from clone to execve. Never returns. */
static __attribute__((noreturn)) void init_main(struct init_args *a)
{
	const struct ob_spec *s = a->spec;
	const struct ob_process *p = &s->process;
	struct ob_err err = {0};
	int r;

	close(a->lock_fd);
	if (a->user_ns_fd >= 0) {
		/* Joined by path: the new namespaces must belong to that user namespace, so
		 * they are made after setns. A new pid namespace only takes effect for a child:
		 * clone it as our sibling (CLONE_PARENT), hand its pid over and leave. */
		if (setns(a->user_ns_fd, CLONE_NEWUSER) < 0)
			init_fail(a, 1, (ob_error(&err, errno, "join the user namespace"), &err));
		if (a->unshare_flags & CLONE_NEWPID) {
			/* clone3(2): exit_signal must be 0 with CLONE_PARENT (ours is inherited) */
			struct clone_args ca = {.flags = (uint64_t)a->unshare_flags | CLONE_PARENT};
			pid_t p2 = (pid_t)syscall(SYS_clone3, &ca, sizeof(ca));
			if (p2 < 0)
				init_fail(a, 1, (ob_error(&err, errno, "clone the container init"), &err));
			if (p2 > 0) {
				struct sync_msg pm = {.type = SYNC_PID, .exit_code = p2};
				(void)!write(a->sync_fd, &pm, sizeof(pm));
				_exit(0);
			}
		} else if (a->unshare_flags && unshare(a->unshare_flags) < 0) {
			init_fail(a, 1, (ob_error(&err, errno, "unshare namespaces"), &err));
		}
	}
	/* If oci-create dies before the container is complete, so do we. */
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (a->mount_ns_fd >= 0 && setns(a->mount_ns_fd, CLONE_NEWNS) < 0)
		init_fail(a, 1, (ob_error(&err, errno, "join the mount namespace"), &err));

	struct sync_msg m;
	if (read(a->sync_fd, &m, sizeof(m)) != sizeof(m) || m.type != SYNC_GO)
		_exit(1);
	_cleanup_free_ char *json_creating = NULL, *json_created = NULL;
	if (recv_json(a->sync_fd, &json_creating) < 0 || recv_json(a->sync_fd, &json_created) < 0)
		_exit(1);
	for (size_t i = 0; i < s->n_mounts; i++) {
		char name[32];
		if ((s->mounts[i].idmap || s->mounts[i].ridmap) &&
		    ob_recv_fd(a->sync_fd, &a->idmap_fds[i], name, sizeof(name)) < 0)
			_exit(1);
	}

	if ((a->new_userns || a->user_ns_fd >= 0) && (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0))
		init_fail(a, 1, (ob_error(&err, errno, "become root in the user namespace"), &err));
	/* Non-dumpable until execve: no container process may open our /proc/PID/exe or
	 * ptrace us (CVE-2019-5736). After the id maps, which need /proc/PID owned by us. */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if (a->keyring[0] && syscall(SYS_keyctl, 1 /* KEYCTL_JOIN_SESSION_KEYRING */, a->keyring) < 0 &&
	    errno != ENOSYS && errno != EACCES)
		init_fail(a, 1, (ob_error(&err, errno, "join a new session keyring"), &err));
	if (s->hostname && sethostname(s->hostname, strlen(s->hostname)) < 0)
		init_fail(a, 1, (ob_error(&err, errno, "sethostname `%s`", s->hostname), &err));
	if (s->domainname && setdomainname(s->domainname, strlen(s->domainname)) < 0)
		init_fail(a, 1, (ob_error(&err, errno, "setdomainname `%s`", s->domainname), &err));
	if (a->new_netns && (r = lo_up(&err)) < 0)
		init_fail(a, 1, &err);

	umask(0);
	if ((r = ob_rootfs_prepare(&a->rootfs, &err)) < 0)
		init_fail(a, 1, &err);
	if ((r = ob_hooks_run(s->hooks.create_container, s->hooks.n_create_container,
			      "createContainer", json_creating, &err)) < 0)
		init_fail(a, 1, &err);
	if ((r = ob_rootfs_pivot(a->rootfs.rootfs, a->o->no_pivot, &err)) < 0)
		init_fail(a, 1, &err);
	if ((r = write_sysctls(s, &err)) < 0)
		init_fail(a, 1, &err);
	if (p->terminal && a->console_fd >= 0) {
		r = ob_terminal_setup(a->console_fd, p, &err);
		a->console_fd = -1;
		if (r < 0)
			init_fail(a, 1, &err);
	}
	if ((r = ob_rootfs_finish(&a->rootfs, &err)) < 0)
		init_fail(a, 1, &err);
	if (s->linux_.has_personality && s->linux_.personality_domain) {
		unsigned long pers = streq(s->linux_.personality_domain, "LINUX32") ? PER_LINUX32 : PER_LINUX;
		if (personality(pers) < 0)
			init_fail(a, 1, (ob_error(&err, errno, "personality %s", s->linux_.personality_domain), &err));
	}
	umask(0022);
	if ((r = ob_process_setup(&a->proc, &err)) < 0)
		init_fail(a, r == -ENOENT || r == -EACCES || r == -ENOTDIR ? ob_process_exit_code(r) : 1, &err);

	prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
	m = (struct sync_msg){.type = SYNC_READY};
	if (write(a->sync_fd, &m, sizeof(m)) != sizeof(m))
		_exit(1);
	close(a->sync_fd);

	/* Wait for oci-start: one byte in exec.fifo. */
	char c;
	ssize_t n;
	do
		n = read(a->fifo_fd, &c, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		_exit(1);
	if (s->hooks.n_start_container &&
	    ob_hooks_run(s->hooks.start_container, s->hooks.n_start_container, "startContainer",
			 json_created, &err) < 0) {
		dprintf(2, "%s\n", err.msg);
		_exit(1);
	}
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	ob_process_exec(&a->proc, &err);
	dprintf(2, "%s\n", err.msg);
	_exit(ob_process_exit_code(err.code));
}

/* ---- parent side ---- */

static int write_id_map(pid_t pid, const char *file, const struct ob_idmap *m, size_t n,
			struct ob_err *err)
{
	char path[64], buf[4096];
	size_t len = 0;
	for (size_t i = 0; i < n && len < sizeof(buf) - 40; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%u %u %u\n", m[i].container_id,
					m[i].host_id, m[i].size);
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	return ob_write_string(path, buf, err);
}

static char *abs_path(const char *base, const char *p)
{
	if (p[0] == '/')
		return ob_xstrdup(p);
	return ob_xasprintf("%s/%s", base, p);
}

/* MSG_NOSIGNAL: an init that died early must not take us down with SIGPIPE. */
static int send_all(int fd, const void *buf, size_t len)
{
	return send(fd, buf, len, MSG_NOSIGNAL) == (ssize_t)len ? 0 : -EIO;
}

static int send_json(int fd, const char *s)
{
	uint32_t len = (uint32_t)strlen(s);
	int r = send_all(fd, &len, sizeof(len));
	return r < 0 ? r : send_all(fd, s, len);
}

/* Kill and reap (when ours) a half-made init. */
static void kill_init(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

/* The container's cgroup: resolved from linux.cgroupsPath, made, checked to hold no other
 * container's processes, limited, all before the init exists (so it never runs
 * unlimited). NULL with --cgroup-manager disabled, or when an unprivileged caller may
 * not make cgroups. */
static int container_cgroup(const struct ob_create_opts *o, const struct ob_spec *spec,
			    struct ob_cgroup **ret, struct ob_err *err)
{
	*ret = NULL;
	if (o->cgroup_manager && streq(o->cgroup_manager, "disabled"))
		return 0;
	struct ob_cgroup *cg = NULL;
	int r = ob_cgroup_open(spec->linux_.cgroups_path, o->id, o->systemd_cgroup, &cg, err);
	if (r < 0)
		return ob_error_prefix(err, r, "linux.cgroupsPath");
	r = ob_cgroup_create(cg, OB_CGROUP_MUST_BE_EMPTY, err);
	if (r < 0 && geteuid() != 0 && (r == -EACCES || r == -EPERM || r == -EROFS)) {
		ob_log_debug("no cgroup for an unprivileged caller: %s", err->msg);
		ob_cgroup_free(cg);
		return 0;
	}
	if (r == 0 && (r = ob_cgroup_apply_spec(cg, spec, err)) < 0)
		ob_cgroup_destroy(cg, 1000, NULL);
	if (r < 0) {
		ob_cgroup_free(cg);
		return r;
	}
	*ret = cg;
	return 0;
}

int ob_container_create(struct ob_create_opts *o, struct ob_err *err)
{
	int r;
	o->pid = 0;
	o->exit_code = 1;
	r = ob_state_validate_id(o->id, err);
	if (r < 0)
		return r;
	char cwd[PATH_MAX];
	if (!getcwd(cwd, sizeof(cwd)))
		return ob_error(err, errno, "getcwd");
	_cleanup_free_ char *bundle_raw = abs_path(cwd, o->bundle ? o->bundle : ".");
	_cleanup_free_ char *bundle = realpath(bundle_raw, NULL);
	if (!bundle)
		return ob_error(err, errno, "bundle `%s`", bundle_raw);
	_cleanup_free_ char *config = ob_xasprintf("%s/config.json", bundle);
	struct ob_spec *spec = NULL;
	r = ob_spec_load(config, &spec, err);
	if (r < 0)
		return r;
	struct init_args a = {.o = o, .spec = spec, .sync_fd = -1, .fifo_fd = -1, .console_fd = -1,
			      .user_ns_fd = -1, .mount_ns_fd = -1};
	struct ob_ns_set own, join; /* ours (to return to after clone), the spec's paths */
	ob_ns_set_init(&own);
	ob_ns_set_init(&join);
	int sv[2] = {-1, -1};
	int lock_fd = -1;
	pid_t pid = 0;
	bool dir_made = false;
	struct ob_state st = {0};
	struct ob_cgroup *cg = NULL;
	_cleanup_free_ char *rootfs = NULL, *json_creating = NULL, *json_created = NULL;

	if (!spec->has_process || !spec->process.args || !spec->process.args[0]) {
		r = ob_error_msg(err, EINVAL, "config.json: process.args must not be empty");
		goto fail;
	}
	if (!spec->root_path) {
		r = ob_error_msg(err, EINVAL, "config.json: root.path is required");
		goto fail;
	}
	rootfs = abs_path(bundle, spec->root_path);
	int clone_flags = 0;
	const struct ob_namespace *userns = ob_spec_namespace(spec, OB_NS_USER);
	for (size_t i = 0; i < spec->linux_.n_namespaces; i++) {
		const struct ob_namespace *ns = &spec->linux_.namespaces[i];
		if (!ns->path) {
			clone_flags |= ob_ns_clone_flag(ns->type);
			continue;
		}
		int fd;
		r = ob_ns_open(ns->path, ns->type, &fd, err);
		if (r < 0) {
			ob_error_prefix(err, r, "linux.namespaces[%zu]", i);
			goto fail;
		}
		if (ns->type == OB_NS_USER)
			a.user_ns_fd = fd;
		else if (ns->type == OB_NS_MOUNT)
			a.mount_ns_fd = fd;
		else
			join.fd[ns->type] = fd;
	}
	if (!ob_spec_namespace(spec, OB_NS_MOUNT)) {
		r = ob_error_msg(err, EINVAL, "config.json: linux.namespaces: a mount namespace is required");
		goto fail;
	}
	if ((spec->hostname || spec->domainname) && !(clone_flags & CLONE_NEWUTS) && !join.fd[OB_NS_UTS]) {
		r = ob_error_msg(err, EINVAL, "config.json: hostname needs a new uts namespace");
		goto fail;
	}
	if (userns && !userns->path && (!spec->linux_.n_uid_mappings || !spec->linux_.n_gid_mappings)) {
		r = ob_error_msg(err, EINVAL, "config.json: a new user namespace needs linux.uidMappings and linux.gidMappings");
		goto fail;
	}
	if (a.user_ns_fd >= 0) {
		/* The new namespaces must belong to the joined user namespace: the init
		 * makes them after setns (see init_main). */
		a.unshare_flags = clone_flags & ~CLONE_NEWTIME;
		clone_flags &= CLONE_NEWTIME;
	}
	a.new_userns = clone_flags & CLONE_NEWUSER;
	a.new_netns = (clone_flags | a.unshare_flags) & CLONE_NEWNET;
	a.rootfs = (struct ob_rootfs_ctx){.spec = spec, .rootfs = rootfs, .bundle = bundle,
					  .userns = a.new_userns || a.user_ns_fd >= 0,
					  .cgroupns = (clone_flags | a.unshare_flags) & CLONE_NEWCGROUP};
	a.idmap_fds = ob_xcalloc(spec->n_mounts + 1, sizeof(int));
	bool any_idmap = false;
	for (size_t i = 0; i < spec->n_mounts; i++) {
		a.idmap_fds[i] = -1;
		if (spec->mounts[i].idmap || spec->mounts[i].ridmap) {
			any_idmap = true;
			if (!spec->mounts[i].bind) {
				r = ob_error_msg(err, EINVAL, "config.json: mounts[%zu]: idmap needs a bind mount", i);
				goto fail;
			}
		}
	}
	a.rootfs.idmap_fds = a.idmap_fds;
	if (!o->no_new_keyring)
		snprintf(a.keyring, sizeof(a.keyring), "_ses.%s", o->id);

	if (spec->process.terminal && !o->console_socket && !o->inherit_terminal) {
		r = ob_error_msg(err, EINVAL, "process.terminal is true: --console-socket is required");
		goto fail;
	}
	if (spec->process.terminal && o->console_socket &&
	    (r = ob_terminal_connect(o->console_socket, &a.console_fd, err)) < 0)
		goto fail;
	if ((r = ob_process_prepare(&spec->process, &a.proc, err)) < 0)
		goto fail;
	if (o->preserve_fds > a.proc.preserve_fds)
		a.proc.preserve_fds = o->preserve_fds;

	/* The state directory and its lock; from here on failure removes it. */
	if ((r = ob_state_create_dir(o->root, o->id, &lock_fd, err)) < 0)
		goto fail;
	dir_made = true;
	if ((r = container_cgroup(o, spec, &cg, err)) < 0)
		goto fail;
	a.lock_fd = lock_fd;
	char fifo[PATH_MAX];
	ob_state_path(o->root, o->id, "exec.fifo", fifo, sizeof(fifo));
	if (mkfifo(fifo, 0600) < 0) {
		r = ob_error(err, errno, "mkfifo `%s`", fifo);
		goto fail;
	}
	/* O_RDWR does not block on a fifo; the init holds the only reader until execve. */
	a.fifo_fd = open(fifo, O_RDWR | O_CLOEXEC);
	if (a.fifo_fd < 0) {
		r = ob_error(err, errno, "open `%s`", fifo);
		goto fail;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		r = ob_error(err, errno, "socketpair");
		goto fail;
	}
	a.sync_fd = sv[1];

	/* Joined namespaces (but user and mount) are entered here around the clone. */
	bool joined = false;
	for (int t = 0; t < OB_NS_COUNT; t++)
		if (join.fd[t] >= 0) {
			if ((r = ob_ns_open_pid(getpid(), t, &own.fd[t], err)) < 0)
				goto fail;
			joined = true;
		}
	if (clone_flags & CLONE_NEWTIME) {
		if (own.fd[OB_NS_TIME] < 0 && (r = ob_ns_open_pid(getpid(), OB_NS_TIME, &own.fd[OB_NS_TIME], err)) < 0)
			goto fail;
		if (unshare(CLONE_NEWTIME) < 0) {
			r = ob_error(err, errno, "unshare the time namespace");
			goto fail;
		}
		const struct ob_time_offsets *to = &spec->linux_.time_offsets;
		char buf[128] = "";
		size_t l = 0;
		if (to->has_monotonic)
			l += (size_t)snprintf(buf + l, sizeof(buf) - l, "monotonic %lld %u\n",
					      (long long)to->monotonic_secs, to->monotonic_nanosecs);
		if (to->has_boottime)
			l += (size_t)snprintf(buf + l, sizeof(buf) - l, "boottime %lld %u\n",
					      (long long)to->boottime_secs, to->boottime_nanosecs);
		if (l && (r = ob_write_string("/proc/self/timens_offsets", buf, err)) < 0)
			goto fail;
		joined = true;
		clone_flags &= ~CLONE_NEWTIME; /* the init enters it as time_for_children */
	}
	if (joined && (r = ob_ns_join(&join, err)) < 0)
		goto restore;

	struct clone_args ca = {.flags = (uint64_t)clone_flags, .exit_signal = SIGCHLD};
	/* v2 (and hybrid's unified part): the init starts in its cgroup (clone3(2)
	 * CLONE_INTO_CGROUP); the v1 hierarchies are joined below, before it runs user code */
	if (cg && ob_cgroup_v2_fd(cg) >= 0) {
		ca.flags |= CLONE_INTO_CGROUP;
		ca.cgroup = (uint64_t)ob_cgroup_v2_fd(cg);
	}
	pid = (pid_t)syscall(SYS_clone3, &ca, sizeof(ca));
	if (pid == 0) {
		close(sv[0]);
		init_main(&a);
	}
	if (pid < 0)
		r = ob_error(err, errno, "clone the container init");
restore:
	if (joined) {
		struct ob_err e2;
		/* back to our own namespaces (setns(2): pid and time affect children only) */
		if (own.fd[OB_NS_TIME] >= 0 && setns(own.fd[OB_NS_TIME], CLONE_NEWTIME) < 0 && r >= 0)
			r = ob_error(err, errno, "return to our time namespace");
		own.fd[OB_NS_TIME] = own.fd[OB_NS_TIME] >= 0 ? (close(own.fd[OB_NS_TIME]), -1) : -1;
		if (ob_ns_join(&own, &e2) < 0 && r >= 0)
			r = ob_error_msg(err, e2.code, "%s", e2.msg);
	}
	if (r < 0 || pid <= 0)
		goto fail;
	close(sv[1]);
	sv[1] = -1;
	if (a.user_ns_fd >= 0 && (a.unshare_flags & CLONE_NEWPID)) {
		/* the first child made the init (our child too, CLONE_PARENT) and left */
		struct sync_msg pm;
		ssize_t pn = read(sv[0], &pm, sizeof(pm));
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		pid = 0;
		if (pn != sizeof(pm) || pm.type != SYNC_PID) {
			if (pn == sizeof(pm) && pm.type == SYNC_ERROR) {
				*err = pm.err;
				r = -(err->code ? err->code : EIO);
			} else {
				r = ob_error_msg(err, EIO, "the container init exited before it was ready");
			}
			goto fail;
		}
		pid = (pid_t)pm.exit_code;
	}
	close(a.fifo_fd);
	a.fifo_fd = -1;
	if (a.console_fd >= 0) {
		close(a.console_fd);
		a.console_fd = -1;
	}

	if (a.new_userns) {
		char sg[64];
		snprintf(sg, sizeof(sg), "/proc/%d/setgroups", (int)pid);
		/* user_namespaces(7): without CAP_SETGID in our own namespace, gid_map can only
		 * be written once setgroups is denied (rootless) */
		if (geteuid() != 0 && (r = ob_write_string(sg, "deny", err)) < 0)
			goto fail;
		if ((r = write_id_map(pid, "uid_map", spec->linux_.uid_mappings,
				      spec->linux_.n_uid_mappings, err)) < 0 ||
		    (r = write_id_map(pid, "gid_map", spec->linux_.gid_mappings,
				      spec->linux_.n_gid_mappings, err)) < 0) {
			ob_error_prefix(err, r, "user namespace");
			goto fail;
		}
	}

	/* The state as hooks and oci-state see it. */
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	char created[64];
	ob_format_time(created, sizeof(created), &now);
	st.root = (char *)o->root;
	st.id = (char *)o->id;
	st.bundle = bundle;
	st.rootfs = rootfs;
	st.pid = pid;
	st.start_time = ob_proc_starttime(pid);
	st.created = created;
	st.owner = getuid();
	st.annotations = spec->annotations;
	st.n_annotations = spec->n_annotations;
	st.systemd_cgroup = o->systemd_cgroup;
	if (spec->hooks.n_poststop)
		ob_state_set_ext(&st, "poststop", "1");
	if (spec->hooks.n_poststart)
		ob_state_set_ext(&st, "poststart", "1");

	/* the init waits for SYNC_GO: it joins its cgroup before any user code runs */
	if (cg) {
		if ((r = ob_cgroup_enter(cg, pid, err)) < 0)
			goto fail;
		st.cgroup_path = (char *)ob_cgroup_path(cg);
		if (ob_cgroup_root())
			ob_state_set_ext(&st, "cgroup_root", ob_cgroup_root());
		if (ob_cgroup_created_top(cg))
			ob_state_set_ext(&st, "cgroup_top", ob_cgroup_created_top(cg));
	}
	/* netDevices: moved into the netns here */

	/* idmapped mounts: made here, where we own the filesystems, moved in by the init */
	if (any_idmap) {
		_cleanup_close_ int uns = -1;
		if (a.new_userns && (r = ob_ns_open_pid(pid, OB_NS_USER, &uns, err)) < 0)
			goto fail;
		for (size_t i = 0; i < spec->n_mounts; i++)
			if ((spec->mounts[i].idmap || spec->mounts[i].ridmap) &&
			    (r = ob_rootfs_idmap_mount(&spec->mounts[i], bundle,
						       uns >= 0 ? uns : a.user_ns_fd, &a.idmap_fds[i], err)) < 0)
				goto fail;
	}

	json_creating = ob_state_json(&st, OB_STATUS_CREATING, false);
	if ((r = ob_hooks_run(spec->hooks.prestart, spec->hooks.n_prestart, "prestart",
			      json_creating, err)) < 0 ||
	    (r = ob_hooks_run(spec->hooks.create_runtime, spec->hooks.n_create_runtime,
			      "createRuntime", json_creating, err)) < 0)
		goto fail;
	json_created = ob_state_json(&st, OB_STATUS_CREATED, false);

	struct sync_msg m = {.type = SYNC_GO};
	if (send_all(sv[0], &m, sizeof(m)) < 0 || send_json(sv[0], json_creating) < 0 ||
	    send_json(sv[0], json_created) < 0) {
		r = ob_error(err, errno ? errno : EIO, "sync with the container init");
		goto fail;
	}
	for (size_t i = 0; any_idmap && i < spec->n_mounts; i++)
		if (a.idmap_fds[i] >= 0 && ob_send_fd(sv[0], a.idmap_fds[i], "idmap") < 0) {
			r = ob_error(err, EIO, "send an idmapped mount to the container init");
			goto fail;
		}
	ssize_t n = read(sv[0], &m, sizeof(m));
	if (n != sizeof(m)) {
		int status = 0;
		waitpid(pid, &status, 0);
		pid = 0;
		r = ob_error_msg(err, EIO, "the container init exited before it was ready (status %d)",
				 WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
		goto fail;
	}
	if (m.type != SYNC_READY) {
		*err = m.err;
		err->msg[sizeof(err->msg) - 1] = '\0';
		r = -(err->code ? err->code : EIO);
		o->exit_code = m.exit_code ? m.exit_code : 1;
		goto fail;
	}

	if ((r = ob_state_save(&st, err)) < 0)
		goto fail;
	if (o->pid_file) {
		char buf[32];
		int len = snprintf(buf, sizeof(buf), "%d", (int)pid);
		_cleanup_free_ char *pf = abs_path(cwd, o->pid_file);
		if ((r = ob_write_file_atomic(pf, buf, (size_t)len, 0644, err)) < 0)
			goto fail;
	}
	o->pid = pid;
	o->exit_code = 0;
	r = 0;
	goto out;

fail:
	kill_init(pid);
	if (cg) {
		ob_cgroup_kill(cg, SIGKILL, NULL);
		ob_cgroup_destroy(cg, 5000, NULL);
	}
	if (dir_made)
		ob_state_remove(o->root, o->id, NULL);
out:
	for (size_t i = 0; i < st.n_ext; i++) {
		free(st.ext[i].key);
		free(st.ext[i].value);
	}
	free(st.ext);
	ob_cgroup_free(cg);
	if (lock_fd >= 0)
		close(lock_fd);
	if (sv[0] >= 0)
		close(sv[0]);
	if (sv[1] >= 0)
		close(sv[1]);
	if (a.fifo_fd >= 0)
		close(a.fifo_fd);
	if (a.console_fd >= 0)
		close(a.console_fd);
	if (a.user_ns_fd >= 0)
		close(a.user_ns_fd);
	if (a.mount_ns_fd >= 0)
		close(a.mount_ns_fd);
	ob_ns_set_close(&join);
	ob_ns_set_close(&own);
	for (size_t i = 0; a.idmap_fds && i < spec->n_mounts; i++)
		if (a.idmap_fds[i] >= 0)
			close(a.idmap_fds[i]);
	free(a.idmap_fds);
	ob_process_ctx_free(&a.proc);
	ob_spec_free(spec);
	return r;
}

/* ---- start, kill, delete ---- */

/* Hooks of a container's config.json, read again only when a hook must run there. */
static int load_spec_of(const struct ob_state *st, struct ob_spec **ret, struct ob_err *err)
{
	_cleanup_free_ char *config = ob_xasprintf("%s/config.json", st->bundle);
	return ob_spec_load(config, ret, err);
}

static int signal_init(const struct ob_state *st, int sig, struct ob_err *err)
{
	int pidfd = (int)syscall(SYS_pidfd_open, st->pid, 0);
	if (pidfd < 0)
		return ob_error(err, errno, "container `%s`: open pid %d", st->id, (int)st->pid);
	/* the pid is pinned by the pidfd: check it is still our init before signalling */
	int r = 0;
	if (!ob_state_init_alive(st))
		r = ob_error_msg(err, ESRCH, "container `%s` is not running", st->id);
	else if (syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0)
		r = ob_error(err, errno, "kill container `%s`", st->id);
	close(pidfd);
	return r;
}

int ob_container_start(const char *root, const char *id, struct ob_err *err)
{
	_cleanup_close_ int lock = -1;
	_cleanup_state_ struct ob_state *st = NULL;
	int r = ob_state_lock(root, id, &lock, err);
	if (r < 0 || (r = ob_state_load(root, id, &st, err)) < 0)
		return r;
	enum ob_status s = ob_state_status(st);
	if (s == OB_STATUS_STOPPED)
		return ob_error_msg(err, EINVAL, "cannot start a container that has stopped");
	if (s == OB_STATUS_RUNNING || s == OB_STATUS_PAUSED)
		return ob_error_msg(err, EINVAL, "cannot start an already running container");
	if (s != OB_STATUS_CREATED)
		return ob_error_msg(err, EINVAL, "cannot start a container in the `%s` state",
				    ob_status_name(s));
	char fifo[PATH_MAX];
	ob_state_path(root, id, "exec.fifo", fifo, sizeof(fifo));
	_cleanup_close_ int fd = open(fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENXIO)
			return ob_error_msg(err, EINVAL, "cannot start a container that has stopped");
		return ob_error(err, errno, "open `%s`", fifo);
	}
	if (write(fd, "0", 1) != 1)
		return ob_error(err, errno, "write `%s`", fifo);
	/* Wait until the init's end of the fifo closes: execve (close-on-exec) or exit. */
	struct pollfd p = {.fd = fd, .events = 0};
	while (poll(&p, 1, -1) < 0 && errno == EINTR)
		;
	unlink(fifo);
	if (!ob_state_init_alive(st))
		return ob_error_msg(err, EIO, "container `%s`: the process exited at start", id);
	/* poststart hooks live in config.json: read it again only when the state says so */
	if (ob_state_get_ext(st, "poststart")) {
		struct ob_spec *spec = NULL;
		if ((r = load_spec_of(st, &spec, err)) < 0)
			return r;
		_cleanup_free_ char *json = ob_state_json(st, OB_STATUS_RUNNING, false);
		r = ob_hooks_run(spec->hooks.poststart, spec->hooks.n_poststart, "poststart", json, err);
		ob_spec_free(spec);
		if (r < 0) {
			/* runtime.md: a failing poststart hook stops the container */
			signal_init(st, SIGKILL, NULL);
			return r;
		}
	}
	return 0;
}

/* Every process whose pid namespace is the init's (when the container has its own). */
static int kill_all(const struct ob_state *st, int sig, struct ob_err *err)
{
	struct ob_cgroup *cg = NULL;
	if (ob_cgroup_open_state(st, &cg, NULL) == 0 && cg) {
		int r = ob_cgroup_kill(cg, sig, err);
		ob_cgroup_free(cg);
		if (r == 0)
			signal_init(st, sig, NULL); /* a fake test tree holds no processes */
		return r;
	}
	char path[64];
	struct stat init_ns, self_ns;
	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)st->pid);
	if (stat(path, &init_ns) < 0 || stat("/proc/self/ns/pid", &self_ns) < 0)
		return signal_init(st, sig, err);
	if (init_ns.st_ino == self_ns.st_ino && init_ns.st_dev == self_ns.st_dev)
		return signal_init(st, sig, err); /* shares our pid namespace: only the init */
	_cleanup_closedir_ DIR *d = opendir("/proc");
	if (!d)
		return ob_error(err, errno, "open /proc");
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		struct stat ns;
		snprintf(path, sizeof(path), "/proc/%s/ns/pid", de->d_name);
		if (stat(path, &ns) == 0 && ns.st_ino == init_ns.st_ino && ns.st_dev == init_ns.st_dev)
			kill((pid_t)atoi(de->d_name), sig);
	}
	return 0;
}

int ob_container_kill(const char *root, const char *id, int sig, bool all, struct ob_err *err)
{
	_cleanup_state_ struct ob_state *st = NULL;
	int r = ob_state_load(root, id, &st, err);
	if (r < 0)
		return r;
	enum ob_status s = ob_state_status(st);
	if (s == OB_STATUS_STOPPED || s == OB_STATUS_CREATING)
		return ob_error_msg(err, EINVAL, "container `%s` is not running", id);
	return all ? kill_all(st, sig, err) : signal_init(st, sig, err);
}

/* Wait (up to timeout_ms) for the init to be gone; an init of a pid namespace exits
 * only after every process of the namespace has. */
static bool wait_gone(const struct ob_state *st, int timeout_ms)
{
	int pidfd = (int)syscall(SYS_pidfd_open, st->pid, 0);
	if (pidfd < 0)
		return true;
	if (!ob_state_init_alive(st)) {
		close(pidfd);
		return true;
	}
	struct pollfd p = {.fd = pidfd, .events = POLLIN};
	int r;
	do
		r = poll(&p, 1, timeout_ms);
	while (r < 0 && errno == EINTR);
	close(pidfd);
	return r > 0;
}

int ob_container_delete(const char *root, const char *id, bool force, struct ob_err *err)
{
	_cleanup_close_ int lock = -1;
	_cleanup_state_ struct ob_state *st = NULL;
	int r = ob_state_lock(root, id, &lock, err);
	if (r < 0 || (r = ob_state_load(root, id, &st, err)) < 0)
		return r;
	enum ob_status s = ob_state_status(st);
	if (s == OB_STATUS_RUNNING || s == OB_STATUS_PAUSED) {
		if (!force)
			return ob_error_msg(err, EBUSY, "cannot delete container `%s` that is not stopped: %s",
					    id, ob_status_name(s));
	}
	if (s != OB_STATUS_STOPPED && s != OB_STATUS_CREATING) {
		/* a created container is destroyed without --force, as runc does */
		kill_all(st, SIGKILL, NULL);
		if (!wait_gone(st, 10000))
			return ob_error_msg(err, ETIMEDOUT, "container `%s`: the init did not exit after SIGKILL", id);
	}
	struct ob_cgroup *cg = NULL;
	if ((r = ob_cgroup_open_state(st, &cg, err)) < 0)
		return r;
	if (cg) {
		const char *top = ob_state_get_ext(st, "cgroup_top");
		if (top)
			ob_cgroup_set_created_top(cg, top);
		/* what is left (a container without its own pid namespace), then the cgroup */
		ob_cgroup_kill(cg, SIGKILL, NULL);
		r = ob_cgroup_destroy(cg, 10000, err);
		ob_cgroup_free(cg);
		if (r < 0)
			return ob_error_prefix(err, r, "delete container `%s`", id);
	}
	if (ob_state_get_ext(st, "poststop")) {
		struct ob_spec *spec = NULL;
		struct ob_err e2 = {0};
		if (load_spec_of(st, &spec, &e2) < 0) {
			ob_log_warn("poststop hooks: %s", e2.msg);
		} else {
			_cleanup_free_ char *json = ob_state_json(st, OB_STATUS_STOPPED, false);
			for (size_t i = 0; i < spec->hooks.n_poststop; i++)
				if (ob_hooks_run(&spec->hooks.poststop[i], 1, "poststop", json, &e2) < 0)
					ob_log_warn("%s", e2.msg);
			ob_spec_free(spec);
		}
	}
	return ob_state_remove(root, id, err);
}

/* ---- run ---- */

int ob_container_run(struct ob_create_opts *o, bool detach, bool keep, int *ret_status,
		     struct ob_err *err)
{
	*ret_status = 0;
	sigset_t fwd, old;
	sigfillset(&fwd);
	sigdelset(&fwd, SIGSEGV);
	sigdelset(&fwd, SIGBUS);
	sigdelset(&fwd, SIGILL);
	sigdelset(&fwd, SIGFPE);
	sigdelset(&fwd, SIGABRT);
	sigdelset(&fwd, SIGTTIN);
	sigdelset(&fwd, SIGTTOU);
	sigdelset(&fwd, SIGTSTP);
	if (!detach)
		sigprocmask(SIG_BLOCK, &fwd, &old);
	int r = ob_container_create(o, err);
	if (r < 0) {
		if (!detach)
			sigprocmask(SIG_SETMASK, &old, NULL);
		*ret_status = o->exit_code;
		return r;
	}
	r = ob_container_start(o->root, o->id, err);
	if (r < 0 || detach) {
		if (r < 0) {
			ob_container_delete(o->root, o->id, true, NULL);
			waitpid(o->pid, NULL, WNOHANG);
		}
		if (!detach)
			sigprocmask(SIG_SETMASK, &old, NULL);
		*ret_status = r < 0 ? 1 : 0;
		return r;
	}
	int sfd = signalfd(-1, &fwd, SFD_CLOEXEC);
	int status = 0;
	for (;;) {
		pid_t w = waitpid(o->pid, &status, WNOHANG);
		if (w == o->pid)
			break;
		if (w < 0 && errno != EINTR) {
			status = 0;
			break;
		}
		struct signalfd_siginfo si;
		if (sfd < 0 || read(sfd, &si, sizeof(si)) != sizeof(si))
			continue;
		if (si.ssi_signo != SIGCHLD)
			kill(o->pid, (int)si.ssi_signo);
	}
	if (sfd >= 0)
		close(sfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	*ret_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	if (!keep)
		return ob_container_delete(o->root, o->id, true, err);
	return 0;
}
