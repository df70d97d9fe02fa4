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
#include "fault.h"
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
	/* A container without a mount namespace of its own (check_no_mntns) is chrooted:
	 * so is the process. */
	if (a->root >= 0 && (fchdir(a->root) < 0 || chroot(".") < 0 || chdir("/") < 0))
		ob_sync_fail(a->sync, (ob_error(&err, errno, "chroot into the container"), &err));
	if (a->root >= 0)
		close(a->root);
	/* a session of our own: the caller's terminal is not ours (see container-init.c) */
	if (ob_terminal_new_session(&err) < 0)
		ob_sync_fail(a->sync, &err);
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
	if ((r = ob_read_json_file(o->process_file, &text, &len, err)) < 0)
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

/* --cgroup [CONTROLLER[,CONTROLLER...]:]PATH (runc 1.1): PATH is a sub-cgroup of the
 * container's, which must exist; one without a controller prefix stands alone and means
 * every hierarchy. A PATH that climbs out of the container's cgroup is refused. */
static int check_sub_cgroup(const char *arg, const char *sub, struct ob_err *err)
{
	int depth = 0;
	for (const char *c = sub; *c;) {
		size_t len = strcspn(c, "/");
		if (len == 2 && strneq(c, "..", 2))
			depth--;
		else if (len && !(len == 1 && *c == '.'))
			depth++;
		if (depth < 0)
			return ob_error_msg(err, EINVAL,
					    "--cgroup `%s`: `%s` leaves the container's cgroup",
					    arg, sub);
		c += len;
		c += *c == '/';
	}
	return 0;
}

/* Move pid from the container's cgroup cg into the --cgroup sub-cgroups. */
static int enter_sub_cgroups(const struct ob_cgroup *cg, char **args, pid_t pid, struct ob_err *err)
{
	size_t n = ob_strv_len(args);
	for (char **a = args; a && *a; a++) {
		const char *colon = strchr(*a, ':');
		_cleanup_free_ char *ctrls =
		    colon ? ob_xasprintf("%.*s", (int)(colon - *a), *a) : ob_xstrdup("*");
		const char *sub = colon ? colon + 1 : *a;
		if (!colon && n > 1)
			return ob_error_msg(
			    err, EINVAL,
			    "--cgroup `%s`: missing CONTROLLER: prefix (needed when "
			    "--cgroup is given more than once)",
			    *a);
		if (colon && (strchr(sub, ':') || !*ctrls || strstr(ctrls, ",,") ||
			      ctrls[0] == ',' || ctrls[strlen(ctrls) - 1] == ','))
			return ob_error_msg(
			    err, EINVAL, "--cgroup `%s`: not [CONTROLLER[,CONTROLLER]:]PATH", *a);
		int r = check_sub_cgroup(*a, sub, err);
		if (r < 0)
			return r;
		_cleanup_free_ char *path = ob_xasprintf("%s/%s", ob_cgroup_path(cg), sub);
		_cleanup_(ob_cgroup_freep) struct ob_cgroup *sc = NULL;
		if ((r = ob_cgroup_open_controllers(ctrls, path, &sc, err)) < 0)
			return ob_error_prefix(err, r, "--cgroup `%s`", *a);
		if (!ob_cgroup_exists(sc))
			return ob_error_msg(err, ENOENT,
					    "--cgroup `%s`: cgroup `%s` does not exist (in every "
					    "hierarchy of `%s`)",
					    *a, ob_cgroup_path(sc), ctrls);
		if ((r = ob_cgroup_enter(sc, pid, err)) < 0)
			return ob_error_prefix(err, r, "--cgroup `%s`", *a);
	}
	return 0;
}

static int write_pid_file(const char *path, pid_t pid, struct ob_err *err)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%d", (int)pid);
	return ob_write_file_atomic(path, buf, (size_t)n, 0644, err);
}

/* ---- exec, in steps over one context: check -> prepare -> spawn -> handshake -> wait */

struct exec_ctx {
	struct ob_exec_opts *o;
	struct ob_state *st;
	enum ob_status status;
	struct ob_spec *spec;
	struct ob_process own, *proc;
	struct ob_proc_ctx ctx;
	struct ob_ns_set set;
	struct ob_cgroup *cg;
	int console;
	int pty_sock; /* the foreground's pty: its master comes back on it */
	int master;
	int root; /* the init's root (/proc/PID/root) when its mount namespace is ours: -1 */
	int sp[2];
	sigset_t old_mask;
	bool masked;
	pid_t pid;
};

/* Only into a created or running container (paused with --ignore-paused). */
static int exec_check(struct exec_ctx *c, struct ob_err *err)
{
	int r = ob_state_load(c->o->root, c->o->id, &c->st, err);
	if (r < 0)
		return r;
	c->status = ob_state_status(c->st);
	if (c->status == OB_STATUS_STOPPED)
		return ob_error_msg(err, EINVAL, "cannot exec in a stopped container");
	if (c->status == OB_STATUS_CREATING)
		return ob_error_msg(err, EINVAL,
				    "cannot exec in a container that is being created");
	if (c->status == OB_STATUS_PAUSED && !c->o->ignore_paused)
		return ob_error_msg(
		    err, EINVAL,
		    "cannot exec in a paused container (use --ignore-paused to override)");
	return 0;
}

/* The process (with the flags), its terminal, the container's seccomp filter built, its
 * namespaces and cgroup opened. */
static int exec_prepare(struct exec_ctx *c, struct ob_err *err)
{
	struct ob_exec_opts *o = c->o;
	int r = load_process(c->st, o, &c->spec, &c->own, &c->proc, err);
	if (r < 0)
		return r;
	struct ob_process *proc = c->proc;
	apply_flags(proc, o);
	if (!proc->args || !proc->args[0])
		return ob_error_msg(err, EINVAL, "process.args must not be empty");
	if (proc->terminal) {
		if (o->console_socket) {
			if ((r = ob_terminal_connect(o->console_socket, &c->console, err)) < 0)
				return r;
		} else if (o->detach) {
			return ob_error_msg(err, EINVAL, "--tty --detach needs --console-socket");
		} else {
			/* the foreground: the pty's master comes back to us, we copy (the
			 * caller's terminal is never the process's) */
			int ps[2];
			if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ps) < 0)
				return ob_error(err, errno, "socketpair");
			c->pty_sock = ps[0];
			c->console = ps[1];
			ob_terminal_caller_size(proc);
		}
	}
	if ((r = ob_process_prepare(proc, &c->ctx, err)) < 0)
		return r;
	/* the container's filter binds every process in it */
	c->ctx.seccomp = &c->spec->linux_.seccomp;
	/* Refused before anything runs: an LSM label the host cannot apply (config.md MUST),
	 * a filter that does not build. */
	if ((r = ob_lsm_check(proc, NULL, "process", err)) < 0 ||
	    (r = ob_seccomp_prepare(c->ctx.seccomp, &c->ctx.seccomp_prog, err)) < 0)
		return r;
	if (o->preserve_fds > c->ctx.preserve_fds)
		c->ctx.preserve_fds = o->preserve_fds;
	if ((r = open_namespaces(c->st, &c->set, err)) < 0)
		return r;
	if (c->set.fd[OB_NS_MOUNT] < 0) {
		char path[64];
		snprintf(path, sizeof(path), "/proc/%d/root", (int)c->st->pid);
		c->root = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (c->root < 0 || !ob_state_init_alive(c->st))
			return ob_error(err, c->root < 0 ? errno : ESRCH, "container `%s`: open %s",
					o->id, path);
	}
	/* its cgroup, in the tree its state records (NULL when it has none) */
	if ((r = ob_cgroup_open_state(c->st, &c->cg, err)) < 0)
		return ob_error_prefix(err, r, "container `%s`", o->id);
	if (!c->cg && o->cgroups && o->cgroups[0])
		return ob_error_msg(err, ENOENT, "--cgroup: container `%s` has no cgroup", o->id);
	return 0;
}

/* The sync socket; our fds must not sit in the preserved range (3 .. 3+N-1): moved above. */
static int exec_fds(struct exec_ctx *c, struct ob_err *err)
{
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, c->sp) < 0)
		return ob_error(err, errno, "socketpair");
	int above = 3 + c->ctx.preserve_fds;
	int *mine[OB_NS_COUNT + 5];
	size_t nmine = 0;
	for (int t = 0; t < OB_NS_COUNT; t++)
		mine[nmine++] = &c->set.fd[t];
	mine[nmine++] = &c->sp[0];
	mine[nmine++] = &c->sp[1];
	mine[nmine++] = &c->console;
	mine[nmine++] = &c->pty_sock;
	mine[nmine++] = &c->root;
	for (size_t i = 0; i < nmine; i++)
		if (*mine[i] >= 0 && *mine[i] < above) {
			int n = fcntl(*mine[i], F_DUPFD_CLOEXEC, above);
			if (n < 0)
				return ob_error(err, errno, "fcntl(F_DUPFD_CLOEXEC)");
			close(*mine[i]);
			*mine[i] = n;
		}
	return 0;
}

/* Fork in the container's pid namespace; the child waits for GO. */
static int exec_spawn(struct exec_ctx *c, struct ob_err *err)
{
	/* setns(2) CLONE_NEWPID: our children are born in the container's pid namespace. */
	int r = ob_ns_join_one(&c->set, OB_NS_PID, err);
	if (r < 0)
		return r;
	/* Held from before the fork (a signal for us would orphan the process) until the
	 * foreground forwards them (the child restores its mask: it survives execve). */
	sigset_t fwd;
	ob_terminal_fg_signals(&fwd);
	sigprocmask(SIG_BLOCK, &fwd, &c->old_mask);
	c->masked = true;
	fflush(NULL);
	c->pid = fork();
	if (c->pid < 0) {
		c->pid = 0;
		return ob_error(err, errno, "fork");
	}
	if (c->pid == 0) {
		sigprocmask(SIG_SETMASK, &c->old_mask, NULL);
		close(c->sp[0]);
		if (c->pty_sock >= 0)
			close(c->pty_sock);
		struct child_args a = {.sync = c->sp[1],
				       .console = TAKE_FD(c->console),
				       .root = TAKE_FD(c->root),
				       .ns = &c->set,
				       .ctx = &c->ctx,
				       .proc = c->proc,
				       .o = c->o};
		exec_child(&a);
	}
	close(c->sp[1]);
	c->sp[1] = -1;
	ob_fault_point("exec-forked");
	if (c->o->detach) {
		sigprocmask(SIG_SETMASK, &c->old_mask, NULL);
		c->masked = false;
	}
	ob_ns_set_close(&c->set);
	close(c->console);
	c->console = -1;
	return 0;
}

static void kill_child(struct exec_ctx *c)
{
	kill(c->pid, SIGKILL);
	waitpid(c->pid, NULL, 0);
	c->pid = 0;
}

/* Into the container's cgroup before it runs any code of its own, then GO; EOF once it
 * executed (its end is close-on-exec), its error when it failed. With SCMP_ACT_NOTIFY
 * first the listener fd, on to linux.seccomp.listenerPath (runc does so for exec too). */
static int exec_handshake(struct exec_ctx *c, struct ob_err *err)
{
	const char *id = c->o->id;
	int r;
	if (c->cg && ((r = ob_cgroup_enter(c->cg, c->pid, err)) < 0 ||
		      (r = enter_sub_cgroups(c->cg, c->o->cgroups, c->pid, err)) < 0)) {
		kill_child(c);
		return ob_error_prefix(err, r, "container `%s`", id);
	}
	ob_fault_point("exec-joined");
	struct ob_seccomp_forward notify = {c->st, c->status, c->pid, &c->spec->linux_.seccomp};
	struct ob_sync_fd_sink sink = {ob_seccomp_forward_fd, &notify};
	struct ob_sync_in m = {.m.kind = -1};
	if ((r = ob_sync_send(c->sp[0], OB_SYNC_GO, 0, -1, NULL, 0)) == 0)
		r = ob_sync_expect(c->sp[0], OB_SYNC_EOF, &sink, &m, err);
	close(c->sp[0]);
	c->sp[0] = -1;
	if (r < 0 && m.m.kind == OB_SYNC_FD) {
		/* the agent was not reached: the process must not run without it */
		kill_child(c);
		return ob_error_prefix(err, r, "container `%s`", id);
	}
	if (r < 0) {
		/* It failed before exec: its error, its exit code; nothing is left running. */
		while (waitpid(c->pid, NULL, 0) < 0 && errno == EINTR)
			;
		c->pid = 0;
		if (m.m.kind != OB_SYNC_ERROR)
			r = ob_error(err, r, "exec in container `%s`", id);
		return r;
	}
	return 0;
}

int ob_container_exec(struct ob_exec_opts *o, int *ret_status, struct ob_err *err)
{
	struct exec_ctx c = {
	    .o = o, .console = -1, .pty_sock = -1, .master = -1, .root = -1, .sp = {-1, -1}};
	int r;
	*ret_status = 0;
	/* From here our code reaches into the container: nothing there may open our
	 * /proc/PID/exe or memory until the exec (CVE-2019-5736); execve makes the process
	 * dumpable again. */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	ob_ns_set_init(&c.set);
	if ((r = exec_check(&c, err)) >= 0 && (r = exec_prepare(&c, err)) >= 0 &&
	    (r = exec_fds(&c, err)) >= 0 && (r = exec_spawn(&c, err)) >= 0 &&
	    (r = exec_handshake(&c, err)) >= 0) {
		ob_fault_point("exec-started");
		o->pid = c.pid;
		if ((o->pid_file && (r = write_pid_file(o->pid_file, c.pid, err)) < 0) ||
		    /* sent before the exec, so it is there */
		    (c.pty_sock >= 0 &&
		     (r = ob_terminal_recv_master(c.pty_sock, &c.master, err)) < 0))
			kill_child(&c);
		else if (!o->detach)
			/* signals forwarded; a pty copied to and from our stdio */
			r = ob_terminal_foreground(c.pid, c.master, ret_status, err);
	}
	if (c.masked)
		sigprocmask(SIG_SETMASK, &c.old_mask, NULL);
	int *fds[] = {&c.sp[0], &c.sp[1], &c.console, &c.pty_sock, &c.master, &c.root};
	for (size_t i = 0; i < ARRAY_SIZE(fds); i++)
		if (*fds[i] >= 0)
			close(*fds[i]);
	ob_ns_set_close(&c.set);
	ob_cgroup_free(c.cg);
	ob_process_ctx_free(&c.ctx);
	ob_process_free(&c.own);
	ob_spec_free(c.spec);
	ob_state_free(c.st);
	return r < 0 ? r : 0;
}
