/* exec.c - run another process in a created or running container (oci-exec).
 *
 * One fork, no re-exec: the caller enters the container's pid namespace only (setns(2)
 * CLONE_NEWPID moves children, not the caller), forks, puts the child in the container's
 * cgroup, then lets it go. The child joins the other namespaces (core/ns.c, util-linux's
 * order), applies the process (core/process.c: rlimits, user, cwd, caps, no_new_privs,
 * seccomp last, every fd past stdio and the preserved ones close-on-exec) and execs. Its
 * end of the sync socket is close-on-exec: EOF tells the caller the exec happened, an
 * ob_err tells it why not. All of it runs non-dumpable (CVE-2019-5736).
 */
#include "exec.h"

#include <ctype.h>
#include <fcntl.h>
#include <signal.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "cgroup.h"
#include "lsm.h"
#include "ns.h"
#include "process.h"
#include "seccomp.h"
#include "spec.h"
#include "state.h"
#include "sync.h"
#include "terminal.h"
#include "util.h"

/* -u U[:G]: numbers as they are (a uid need not be in /etc/passwd, as runc); a name
 * must be in the container's /etc/passwd. Runs inside, after the mount namespace. */
static int resolve_user(const char *spec, struct ob_user *u, struct ob_err *err)
{
	char name[256];
	snprintf(name, sizeof(name), "%s", spec);
	char *group = strchr(name, ':');
	if (group)
		*group++ = '\0';
	uint32_t n;
	struct ob_passwd pw;
	if (ob_parse_uint32(name, &n) == 0) {
		u->uid = n;
		u->gid = 0;
	} else if (ob_passwd_lookup("/", name, &pw) == 0) {
		u->uid = pw.uid;
		u->gid = pw.gid;
	} else {
		return ob_error_msg(err, ENOENT,
				    "user `%s` not found in the container's /etc/passwd", name);
	}
	if (group) {
		gid_t g;
		if (ob_parse_uint32(group, &n) == 0)
			u->gid = n;
		else if (ob_group_lookup("/", group, &g) == 0)
			u->gid = g;
		else
			return ob_error_msg(err, ENOENT,
					    "group `%s` not found in the container's /etc/group",
					    group);
	}
	return 0;
}

static int resolve_gids(char **gids, struct ob_user *u, struct ob_err *err)
{
	for (char **g = gids; g && *g; g++) {
		uint32_t n;
		gid_t gid;
		if (ob_parse_uint32(*g, &n) == 0)
			gid = n;
		else if (ob_group_lookup("/", *g, &gid) < 0)
			return ob_error_msg(
			    err, ENOENT, "group `%s` not found in the container's /etc/group", *g);
		u->additional_gids =
		    ob_xrealloc(u->additional_gids, (u->n_additional_gids + 1) * sizeof(uint32_t));
		u->additional_gids[u->n_additional_gids++] = gid;
	}
	return 0;
}

struct child_args {
	int sync;
	int console;
	int root; /* the init's root (/proc/PID/root) when its mount namespace is ours: -1 */
	struct ob_ns_set *ns;
	struct ob_proc_ctx *ctx;
	struct ob_process *proc;
	const struct ob_exec_opts *o;
};

static __attribute__((noreturn)) void exec_child(struct child_args *a)
{
	struct ob_err err = {0};
	/* The parent says go once we are in the container's cgroup. */
	if (ob_sync_expect(a->sync, OB_SYNC_GO, NULL, NULL, &err) < 0)
		_exit(1);
	int r = ob_ns_join(a->ns, &err);
	if (r < 0)
		ob_sync_fail(a->sync, (ob_error_prefix(&err, r, "join the container"), &err));
	ob_ns_set_close(a->ns);
	/* a session of our own: the caller's terminal is not ours (see container-init.c) */
	if ((r = ob_terminal_new_session(&err)) < 0)
		ob_sync_fail(a->sync, &err);
	/* A container without a mount namespace of its own (check_no_mntns) is chrooted:
	 * so is the process. */
	if (a->root >= 0 && (fchdir(a->root) < 0 || chroot(".") < 0 || chdir("/") < 0))
		ob_sync_fail(a->sync, (ob_error(&err, errno, "chroot into the container"), &err));
	if (a->root >= 0)
		close(a->root);
	if (a->o->user && (r = resolve_user(a->o->user, &a->proc->user, &err)) < 0)
		ob_sync_fail(a->sync, &err);
	if ((r = resolve_gids(a->o->additional_gids, &a->proc->user, &err)) < 0)
		ob_sync_fail(a->sync, &err);
	if (a->console >= 0 && (r = ob_terminal_setup_exec(a->console, a->proc, &err)) < 0)
		ob_sync_fail(a->sync, &err);
	/* SCMP_ACT_NOTIFY: the listener fd goes to oci-exec, which hands it to the agent,
	 * as soon as the filter is loaded (our own setup may wait on the agent). */
	a->ctx->seccomp_sync = a->sync;
	a->ctx->keep_open[0] = a->sync; /* every other fd of oci-exec's is closed */
	/* 127/126 only for the program itself (ob_error_exec where the exec fails); a
	 * missing cwd or user is a failure (1). */
	if ((r = ob_process_setup(a->ctx, &err)) < 0)
		ob_sync_fail(a->sync, &err);
	ob_process_exec(a->ctx, &err);
	ob_sync_fail(a->sync, &err);
}

/* ---- the process: the container's or --process FILE's, then the flags ---- */

static void strv_replace(char ***v, char **with)
{
	ob_strv_free(*v);
	*v = NULL;
	char **n = ob_xcalloc(1, sizeof(char *));
	for (char **s = with; s && *s; s++)
		n = ob_strv_push(n, *s);
	*v = n;
}

static void set_str(char **field, const char *value)
{
	free(*field);
	*field = ob_xstrdup(value);
}

static void env_set(char ***env, const char *kv)
{
	size_t klen = strcspn(kv, "=");
	for (char **e = *env; e && *e; e++)
		if (strneq(*e, kv, klen) && (*e)[klen] == '=') {
			free(*e);
			*e = ob_xstrdup(kv);
			return;
		}
	if (!*env)
		*env = ob_xcalloc(1, sizeof(char *));
	*env = ob_strv_push(*env, kv);
}

static void apply_flags(struct ob_process *p, const struct ob_exec_opts *o)
{
	if (o->args && o->args[0])
		strv_replace(&p->args, o->args);
	/* runc: a --process FILE says itself; else only -t makes a terminal process, whatever
	 * the container's config.json says */
	if (o->tty || !o->process_file)
		p->terminal = o->tty;
	if (o->cwd)
		set_str(&p->cwd, o->cwd);
	for (char **e = o->env; e && *e; e++)
		env_set(&p->env, *e);
	if (o->no_new_privs)
		p->no_new_privileges = true;
	if (o->apparmor)
		set_str(&p->apparmor_profile, o->apparmor);
	if (o->label)
		set_str(&p->selinux_label, o->label);
	/* --cap adds to every set, as runc 1.1 does. */
	struct ob_capabilities *c = &p->capabilities;
	char ***sets[] = {&c->bounding, &c->effective, &c->inheritable, &c->permitted, &c->ambient};
	for (char **cap = o->caps; cap && *cap; cap++) {
		char name[64];
		snprintf(name, sizeof(name), "%s%s", strncasecmp(*cap, "CAP_", 4) ? "CAP_" : "",
			 *cap);
		for (char *s = name; *s; s++)
			*s = (char)toupper((unsigned char)*s);
		for (size_t i = 0; i < ARRAY_SIZE(sets); i++) {
			if (!*sets[i])
				*sets[i] = ob_xcalloc(1, sizeof(char *));
			*sets[i] = ob_strv_push(*sets[i], name);
		}
		c->present = true;
	}
}

/* The container's config.json is read in any case (the container's seccomp and the
 * rest of linux.* apply to every process in it); the process is its `process`, or the
 * --process FILE's object. */
static int load_process(const struct ob_state *st, const struct ob_exec_opts *o,
			struct ob_spec **ret_spec, struct ob_process *own, struct ob_process **ret,
			struct ob_err *err)
{
	_cleanup_free_ char *config = ob_xasprintf("%s/config.json", st->bundle);
	int r = ob_spec_load(config, ret_spec, err);
	if (r < 0)
		return ob_error_prefix(err, r, "container `%s`", st->id);
	if (!o->process_file) {
		*ret = &(*ret_spec)->process;
		return 0;
	}
	_cleanup_free_ char *text = NULL;
	size_t len;
	if ((r = ob_read_file(o->process_file, &text, &len, err)) < 0)
		return r;
	if ((r = ob_spec_parse_process(text, len, o->process_file, own, err)) < 0)
		return r;
	*ret = own;
	return 0;
}

/* The init's namespaces, those that are not ours. Opened, then the init checked again:
 * a pid reused between load and open would show another start time. */
static int open_namespaces(const struct ob_state *st, struct ob_ns_set *set, struct ob_err *err)
{
	for (int t = 0; t < OB_NS_COUNT; t++) {
		char self[64];
		snprintf(self, sizeof(self), "/proc/self/ns/%s", ob_ns_proc_name(t));
		if (access(self, F_OK) < 0)
			continue;
		int fd, r = ob_ns_open_pid(st->pid, t, &fd, err);
		if (r < 0)
			return ob_error_prefix(err, r, "container `%s`", st->id);
		if (ob_ns_is_current(fd, t))
			close(fd);
		else
			set->fd[t] = fd;
	}
	if (!ob_state_init_alive(st))
		return ob_error_msg(err, ESRCH, "cannot exec in a stopped container");
	return 0;
}

static int write_pid_file(const char *path, pid_t pid, struct ob_err *err)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%d", (int)pid);
	return ob_write_file_atomic(path, buf, (size_t)n, 0644, err);
}

int ob_container_exec(struct ob_exec_opts *o, int *ret_status, struct ob_err *err)
{
	const char *id = o->id;
	_cleanup_state_ struct ob_state *st = NULL;
	struct ob_spec *spec = NULL;
	struct ob_process own = {0}, *proc = NULL;
	struct ob_proc_ctx ctx = {0};
	struct ob_ns_set set;
	struct ob_cgroup *cg = NULL;
	_cleanup_close_ int console = -1, pty_sock = -1, master = -1, root = -1;
	int sp[2] = {-1, -1};
	sigset_t fwd, old_mask;
	bool masked = false;
	int r;

	*ret_status = 0;
	/* From here our code reaches into the container: nothing there may open our
	 * /proc/PID/exe or memory until the exec (CVE-2019-5736); execve makes the process
	 * dumpable again. */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);

	ob_ns_set_init(&set);
	if ((r = ob_state_load(o->root, id, &st, err)) < 0)
		goto out;
	enum ob_status status = ob_state_status(st);
	if (status == OB_STATUS_STOPPED) {
		r = ob_error_msg(err, EINVAL, "cannot exec in a stopped container");
		goto out;
	}
	if (status == OB_STATUS_CREATING) {
		r = ob_error_msg(err, EINVAL, "cannot exec in a container that is being created");
		goto out;
	}
	if (status == OB_STATUS_PAUSED && !o->ignore_paused) {
		r = ob_error_msg(
		    err, EINVAL,
		    "cannot exec in a paused container (use --ignore-paused to override)");
		goto out;
	}
	if ((r = load_process(st, o, &spec, &own, &proc, err)) < 0)
		goto out;
	apply_flags(proc, o);
	if (!proc->args || !proc->args[0]) {
		r = ob_error_msg(err, EINVAL, "process.args must not be empty");
		goto out;
	}
	if (proc->terminal) {
		if (o->console_socket) {
			if ((r = ob_terminal_connect(o->console_socket, &console, err)) < 0)
				goto out;
		} else if (o->detach) {
			r = ob_error_msg(err, EINVAL, "--tty --detach needs --console-socket");
			goto out;
		} else {
			/* the foreground: the pty's master comes back to us, we copy (the
			 * caller's terminal is never the process's) */
			int ps[2];
			if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ps) < 0) {
				r = ob_error(err, errno, "socketpair");
				goto out;
			}
			pty_sock = ps[0];
			console = ps[1];
			ob_terminal_caller_size(proc);
		}
	}
	if ((r = ob_process_prepare(proc, &ctx, err)) < 0)
		goto out;
	ctx.seccomp = &spec->linux_.seccomp; /* the container's filter binds every process in it */
	/* Refused before anything runs: an LSM label the host cannot apply (config.md MUST),
	 * a filter that does not build. */
	if ((r = ob_lsm_check(proc, NULL, "process", err)) < 0 ||
	    (r = ob_seccomp_prepare(ctx.seccomp, &ctx.seccomp_prog, err)) < 0)
		goto out;
	if (o->preserve_fds > ctx.preserve_fds)
		ctx.preserve_fds = o->preserve_fds;
	if ((r = open_namespaces(st, &set, err)) < 0)
		goto out;
	if (set.fd[OB_NS_MOUNT] < 0) {
		char path[64];
		snprintf(path, sizeof(path), "/proc/%d/root", (int)st->pid);
		root = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (root < 0 || !ob_state_init_alive(st)) {
			r = ob_error(err, root < 0 ? errno : ESRCH, "container `%s`: open %s", id,
				     path);
			goto out;
		}
	}
	/* its cgroup, in the tree its state records (NULL when it has none) */
	if ((r = ob_cgroup_open_state(st, &cg, err)) < 0) {
		ob_error_prefix(err, r, "container `%s`", id);
		goto out;
	}

	/* Our fds must not sit in the preserved range (3 .. 3+N-1): move them above it. */
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0) {
		r = ob_error(err, errno, "socketpair");
		goto out;
	}
	int above = 3 + ctx.preserve_fds;
	int *mine[OB_NS_COUNT + 5];
	size_t nmine = 0;
	for (int t = 0; t < OB_NS_COUNT; t++)
		mine[nmine++] = &set.fd[t];
	mine[nmine++] = &sp[0];
	mine[nmine++] = &sp[1];
	mine[nmine++] = &console;
	mine[nmine++] = &pty_sock;
	mine[nmine++] = &root;
	for (size_t i = 0; i < nmine; i++)
		if (*mine[i] >= 0 && *mine[i] < above) {
			int n = fcntl(*mine[i], F_DUPFD_CLOEXEC, above);
			if (n < 0) {
				r = ob_error(err, errno, "fcntl(F_DUPFD_CLOEXEC)");
				goto out;
			}
			close(*mine[i]);
			*mine[i] = n;
		}

	/* setns(2) CLONE_NEWPID: our children are born in the container's pid namespace. */
	if ((r = ob_ns_join_one(&set, OB_NS_PID, err)) < 0)
		goto out;

	/* Held from before the fork (a signal for us would orphan the process) until the
	 * foreground forwards them (the child restores its mask: it survives execve). */
	ob_terminal_fg_signals(&fwd);
	sigprocmask(SIG_BLOCK, &fwd, &old_mask);
	masked = true;
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		r = ob_error(err, errno, "fork");
		goto out;
	}
	if (pid == 0) {
		sigprocmask(SIG_SETMASK, &old_mask, NULL);
		close(sp[0]);
		if (pty_sock >= 0)
			close(pty_sock);
		struct child_args a = {.sync = sp[1],
				       .console = TAKE_FD(console),
				       .root = TAKE_FD(root),
				       .ns = &set,
				       .ctx = &ctx,
				       .proc = proc,
				       .o = o};
		exec_child(&a);
	}
	close(sp[1]);
	sp[1] = -1;
	if (o->detach) {
		sigprocmask(SIG_SETMASK, &old_mask, NULL);
		masked = false;
	}
	ob_ns_set_close(&set);
	close(console);
	console = -1;

	/* The process is counted in the container's cgroup before it runs any code of its
	 * own: the child waits for the go below. */
	if (cg && (r = ob_cgroup_enter(cg, pid, err)) < 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		r = ob_error_prefix(err, r, "container `%s`", id);
		goto out;
	}
	/* EOF once it executed (its end is close-on-exec), its error when it failed; with
	 * SCMP_ACT_NOTIFY first the listener fd, on to linux.seccomp.listenerPath (runc does so
	 * for exec too). */
	struct ob_seccomp_forward notify = {st, status, pid, &spec->linux_.seccomp};
	struct ob_sync_fd_sink sink = {ob_seccomp_forward_fd, &notify};
	struct ob_sync_in m;
	if ((r = ob_sync_send(sp[0], OB_SYNC_GO, 0, -1, NULL, 0)) == 0)
		r = ob_sync_expect(sp[0], OB_SYNC_EOF, &sink, &m, err);
	else
		m.m.kind = -1;
	close(sp[0]);
	sp[0] = -1;
	if (r < 0 && m.m.kind == OB_SYNC_FD) {
		/* the agent was not reached: the process must not run without it */
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		r = ob_error_prefix(err, r, "container `%s`", id);
		goto out;
	}
	if (r < 0) {
		/* It failed before exec: its error, its exit code; nothing is left running. */
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		if (m.m.kind != OB_SYNC_ERROR)
			r = ob_error(err, r, "exec in container `%s`", id);
		goto out;
	}
	o->pid = pid;
	if (o->pid_file && (r = write_pid_file(o->pid_file, pid, err)) < 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		goto out;
	}
	/* sent before the exec, so it is there */
	if (pty_sock >= 0) {
		if ((r = ob_terminal_recv_master(pty_sock, &master, err)) < 0) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			goto out;
		}
	}
	/* signals forwarded; a pty copied to and from our stdio */
	r = o->detach ? 0 : ob_terminal_foreground(pid, master, ret_status, err);

out:
	if (masked)
		sigprocmask(SIG_SETMASK, &old_mask, NULL);
	if (sp[0] >= 0)
		close(sp[0]);
	if (sp[1] >= 0)
		close(sp[1]);
	ob_ns_set_close(&set);
	if (cg)
		ob_cgroup_free(cg);
	ob_process_ctx_free(&ctx);
	ob_process_free(&own);
	ob_spec_free(spec);
	return r;
}
