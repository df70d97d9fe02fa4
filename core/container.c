/* container.c - create: the parent side of the container's birth.
 *
 * Parse config.json once; make ROOT/ID with its lock and exec.fifo; clone the init with
 * the namespace flags (joined namespaces other than user and mount are entered by this
 * process around the clone, so the init inherits them and they stay owned by the right
 * user namespace); write the id maps while the init waits; cgroup; idmapped mounts;
 * prestart and createRuntime hooks; one message GO -> the init (container-init.c) builds
 * the container and answers READY or one error; state.json and the pid file.
 */
#include <time.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "../netutil/netutil.h"
#include "cgroup.h"
#include "cgroup/systemd.h"
#include "container-internal.h"
#include "fault.h"
#include "hooks.h"
#include "log.h"
#include "lsm.h"
#include "seccomp.h"
#include "sync.h"
#include "terminal.h"
#include "userns.h"
#include "util.h"

/* ---- parent side ---- */

static char *abs_path(const char *base, const char *p)
{
	if (p[0] == '/')
		return ob_xstrdup(p);
	return ob_xasprintf("%s/%s", base, p);
}

/* GO and both state texts in one packet (creating, then created at m.value): one send,
 * one wake-up. */
static int send_go(int fd, const char *creating, const char *created)
{
	_cleanup_free_ char *both = ob_xasprintf("%s%s", creating, created);
	return ob_sync_send(fd, OB_SYNC_GO, (int)strlen(creating), -1, both, strlen(both));
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

/* Bind sources of a container with a new user namespace, opened (O_PATH) by us, root of
 * the host, inside the container's new mount namespace before the init, root only of its
 * user namespace, mounts them: a source under a directory only the host's root may
 * enter (0700) is reached all the same, as runc's mount fds. A mount of the container's
 * namespace (the init binds /proc/self/fd/N); the kernel keeps its locks. */
static int open_bind_sources(pid_t pid, const struct ob_spec *spec, const char *bundle,
			     const char *cwd, int *fds, struct ob_err *err)
{
	_cleanup_close_ int own = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	if (own < 0)
		return ob_error(err, errno, "open /proc/self/ns/mnt");
	_cleanup_close_ int theirs = -1;
	int r = ob_ns_open_pid(pid, OB_NS_MOUNT, &theirs, err);
	if (r < 0)
		return r;
	if (setns(theirs, CLONE_NEWNS) < 0)
		return ob_error(err, errno, "join the container's mount namespace");
	for (size_t i = 0; i < spec->n_mounts && r >= 0; i++) {
		const struct ob_mount *m = &spec->mounts[i];
		if (!m->bind || m->idmap || m->ridmap)
			continue;
		_cleanup_free_ char *src = abs_path(bundle, m->source ? m->source : "");
		fds[i] = open(src, O_PATH | O_CLOEXEC);
		if (fds[i] < 0)
			r = ob_error(err, errno, "mount `%s` on `%s`", src, m->destination);
	}
	/* back home (setns(2) also moved our root and cwd) */
	if (setns(own, CLONE_NEWNS) < 0)
		return ob_error(err, errno, "return to our mount namespace");
	if (chdir(cwd) < 0 && r >= 0)
		r = ob_error(err, errno, "chdir `%s`", cwd);
	return r;
}

/* The init died before READY: reap it and say why. Killed while its cgroup counts an OOM
 * kill: the memory limit was too low for it (runc: "container init was OOM-killed"). */
static int init_died(pid_t *pid, const struct ob_cgroup *cg, struct ob_err *err)
{
	int status = 0;
	while (waitpid(*pid, &status, 0) < 0 && errno == EINTR)
		;
	*pid = 0;
	uint64_t ooms = 0;
	if (cg && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL &&
	    ob_cgroup_oom_kills(cg, &ooms, NULL) == 0 && ooms > 0)
		return ob_error_msg(err, ENOMEM,
				    "the container init was OOM-killed: the memory limit of cgroup "
				    "`%s` was hit (%llu OOM kill%s): "
				    "linux.resources.memory.limit is too low",
				    ob_cgroup_path(cg), (unsigned long long)ooms,
				    ooms > 1 ? "s" : "");
	return ob_error_msg(err, EIO, "the container init exited before it was ready (status %d)",
			    WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

/* The container's cgroup, resolved from linux.cgroupsPath: nothing is made yet (its path
 * is recorded in the state before it exists). NULL with --cgroup-manager disabled. */
static int container_cgroup_open(const struct ob_create_opts *o, const struct ob_spec *spec,
				 struct ob_cgroup **ret, struct ob_err *err)
{
	*ret = NULL;
	if (o->cgroup_manager && streq(o->cgroup_manager, "disabled"))
		return 0;
	int r = ob_cgroup_open(spec->linux_.cgroups_path, o->id, o->systemd_cgroup, ret, err);
	return r < 0 ? ob_error_prefix(err, r, "linux.cgroupsPath") : 0;
}

/* The resolved cgroup *cgp made, checked to hold no other container's processes, limited,
 * all before the init exists (so it never runs unlimited). *cgp becomes NULL when an
 * unprivileged caller may not make cgroups, and on failure (what this made is removed
 * again). With --systemd-cgroup systemd makes it: a transient scope (sc) whose holder
 * process leaves, and whose pids limit is set, once the init is in. */
static int container_cgroup_make(const struct ob_create_opts *o, const struct ob_spec *spec,
				 struct ob_cgroup **cgp, struct ob_systemd_scope *sc,
				 struct ob_err *err)
{
	struct ob_cgroup *cg = *cgp;
	int r;
	struct ob_spec first = *spec; /* shallow; with systemd, pids after the holder */
	if (o->systemd_cgroup) {
		_cleanup_free_ struct ob_device_cgroup *devs = NULL;
		struct ob_resources res = ob_cgroup_spec_resources(spec, &devs);
		if ((r = ob_systemd_scope_begin(sc, spec->linux_.cgroups_path, o->id, &res, err)) <
		    0) {
			ob_error_prefix(err, r, "linux.cgroupsPath");
			goto none;
		}
		first.linux_.resources.has_pids = false;
	}
	/* a scope systemd just made holds only its holder: reused, not checked empty */
	r = ob_cgroup_create(cg, o->systemd_cgroup ? 0 : OB_CGROUP_MUST_BE_EMPTY, err);
	if (r < 0 && geteuid() != 0 && (r == -EACCES || r == -EPERM || r == -EROFS) &&
	    !o->systemd_cgroup) {
		ob_log_debug("no cgroup for an unprivileged caller: %s", err->msg);
		r = 0;
		goto none;
	}
	/* A frozen cgroup (its own, or inherited from a frozen parent) would hold the init
	 * in the refrigerator before its first instruction, and us waiting for it forever:
	 * refused before the init exists, as runc does. */
	enum ob_freezer_state fs = OB_FREEZER_THAWED;
	if (r == 0) {
		if (ob_cgroup_freezer_state(cg, &fs, NULL) == 0 && fs != OB_FREEZER_THAWED)
			r = ob_error_msg(
			    err, EBUSY,
			    "linux.cgroupsPath: the container's cgroup `%s` is unexpectedly "
			    "frozen (%s): thaw it (or its parent) first",
			    ob_cgroup_path(cg), fs == OB_FREEZER_FROZEN ? "FROZEN" : "FREEZING");
		else
			r = ob_cgroup_apply_spec(cg, &first, err);
		if (r < 0 && !o->systemd_cgroup)
			ob_cgroup_destroy(cg, 1000, NULL);
	}
	if (r == 0)
		return 0;
	ob_systemd_scope_abort(sc);
none:
	ob_cgroup_free(cg);
	*cgp = NULL;
	return r;
}

int ob_container_cgroup(const struct ob_create_opts *o, const struct ob_spec *spec,
			struct ob_cgroup **ret, struct ob_systemd_scope *sc, struct ob_err *err)
{
	int r = container_cgroup_open(o, spec, ret, err);
	if (r < 0 || !*ret)
		return r;
	return container_cgroup_make(o, spec, ret, sc, err);
}

/* The init is in the scope: its holder goes, the pids limit follows (unit and file). */
static int container_cgroup_settle(const struct ob_spec *spec, struct ob_cgroup *cg,
				   struct ob_systemd_scope *sc, struct ob_err *err)
{
	const struct ob_resources *res = &spec->linux_.resources;
	int r = ob_systemd_scope_settle(sc, res, err);
	if (r < 0 || !res->has_pids)
		return r;
	struct ob_resources pids = {.has_pids = true, .pids_limit = res->pids_limit};
	return ob_cgroup_apply(cg, &pids, err);
}

/* A namespace of the container's own: new, or joined by a path that is not ours (the
 * host's, from where oci-create runs). */
static bool private_ns(int clone_flags, const struct ob_ns_set *join, enum ob_ns_type t)
{
	if (clone_flags & ob_ns_clone_flag(t))
		return true;
	return join->fd[t] >= 0 && !ob_ns_is_current(join->fd[t], t);
}

/* ---- create, in named steps over one context ----
 * validate -> prepare (fds, console, seccomp BPF, state dir, cgroup, fifo, socket) ->
 * spawn (clone in the joined namespaces) -> configure (id maps, cgroup join, devices,
 * idmapped mounts, hooks) -> handshake (GO, fds, READY) -> record (state, pid file). A
 * failing step returns; create_undo removes what the steps made, create_free the rest.
 *
 * What create makes is recorded before it is made (DESIGN.md "State"): the state
 * directory appears with its lock and a first record holding the cgroup path and systemd
 * unit (ob_state_create), the init's pid and start time are saved right after clone, a
 * step before net devices move in; until record the step reached stays in the state
 * (OB_STATE_CREATING), so a create killed anywhere leaves an entry that `list` shows half
 * made and `delete --force` finishes. ob_fault_point() marks the steps test/faults.bats
 * kills it at. */

struct create_ctx {
	struct ob_create_opts *o;
	const struct ob_fd_keep *keep;
	char cwd[PATH_MAX];
	char *bundle, *rootfs;
	struct ob_spec *spec;
	struct init_args a;
	struct ob_ns_set own, join; /* ours (to return to after clone), the spec's paths */
	int clone_flags;
	bool any_idmap;
	int sv[2];
	int lock_fd;
	bool dir_made;
	pid_t pid;
	int devs_nsfd; /* linux.netDevices moved into it (to undo on failure) */
	int pty_sock;  /* keep_pty: the init sends the pty master to it */
	struct ob_cgroup *cg;
	bool cg_made;		    /* by this create (resolved only: an id that exists) */
	struct ob_systemd_scope sc; /* --systemd-cgroup: the transient unit */
	int *cg_fds;		    /* v1 `tasks` files the init joins through */
	size_t n_cg;
	char **cg_dirs;
	bool cg_self; /* the init joins by itself (else ob_cgroup_enter) */
	struct ob_state st;
	char created[64];
	char *json_creating, *json_created;
};

/* Spec namespaces: new ones into clone_flags, joined ones opened (user and mount for the
 * init, the others for us to enter around the clone). */
static int create_namespaces(struct create_ctx *c, struct ob_err *err)
{
	const struct ob_spec *spec = c->spec;
	for (size_t i = 0; i < spec->linux_.n_namespaces; i++) {
		const struct ob_namespace *ns = &spec->linux_.namespaces[i];
		if (!ns->path) {
			c->clone_flags |= ob_ns_clone_flag(ns->type);
			continue;
		}
		int fd;
		int r = ob_ns_open(ns->path, ns->type, &fd, err);
		if (r < 0)
			return ob_error_prefix(err, r, "linux.namespaces[%zu]", i);
		if (ns->type == OB_NS_USER)
			c->a.user_ns_fd = fd;
		else if (ns->type == OB_NS_MOUNT)
			c->a.mount_ns_fd = fd;
		else
			c->join.fd[ns->type] = fd;
	}
	return 0;
}

/* ob_spec_check's question for create: a namespace of the container's own (new, or joined
 * by a path that is not the caller's: the host's, where nothing may be written). */
static bool create_private_ns(enum ob_ns_type t, void *ctx)
{
	const struct create_ctx *c = ctx;
	return private_ns(c->clone_flags, &c->join, t);
}

/* Everything refused before anything exists. */
static int create_validate(struct create_ctx *c, struct ob_err *err)
{
	struct ob_create_opts *o = c->o;
	int r = ob_state_validate_id(o->id, err);
	if (r < 0)
		return r;
	if (!getcwd(c->cwd, sizeof(c->cwd)))
		return ob_error(err, errno, "getcwd");
	_cleanup_free_ char *bundle_raw = abs_path(c->cwd, o->bundle ? o->bundle : ".");
	c->bundle = realpath(bundle_raw, NULL);
	if (!c->bundle)
		return ob_error(err, errno, "bundle `%s`", bundle_raw);
	_cleanup_free_ char *config = ob_xasprintf("%s/config.json", c->bundle);
	if ((r = ob_spec_load(config, &c->spec, err)) < 0)
		return r;
	const struct ob_spec *spec = c->spec;
	c->a.spec = spec;
	/* config.md: process is REQUIRED only when start is called; without it the init is
	 * created and waits, and start fails (see ob_init_main). */
	if (spec->has_process && (!spec->process.args || !spec->process.args[0]))
		return ob_error_msg(err, EINVAL, "config.json: process.args must not be empty");
	if (!spec->root_path)
		return ob_error_msg(err, EINVAL, "config.json: root.path is required");
	c->rootfs = abs_path(c->bundle, spec->root_path);
	/* A rootfs that is the host's / (root.path a symlink to /, or "/") would have the
	 * container's /proc, /sys and cgroups mounted over the host's tree (runc: "invalid
	 * rootfs"). */
	struct stat rs, hs;
	if (stat(c->rootfs, &rs) == 0 && stat("/", &hs) == 0 && rs.st_dev == hs.st_dev &&
	    rs.st_ino == hs.st_ino)
		return ob_error_msg(err, EINVAL,
				    "config.json: root.path: invalid rootfs: `%s` is the host's /",
				    spec->root_path);
	if ((r = create_namespaces(c, err)) < 0)
		return r;
	/* the one validation oci-spec --validate runs too (core/spec/check.c) */
	if ((r = ob_spec_check(spec, "config.json", create_private_ns, c, err)) < 0)
		return r;
	c->a.no_mntns = !ob_spec_namespace(spec, OB_NS_MOUNT);
	if (c->a.no_mntns && (spec->n_mounts || spec->linux_.n_devices))
		ob_log_debug("no mount namespace: %zu mounts and %zu devices of config.json are "
			     "not made",
			     spec->n_mounts, spec->linux_.n_devices);
	if (spec->process.terminal && !o->console_socket && !o->keep_pty)
		return ob_error_msg(err, EINVAL,
				    "process.terminal is true: --console-socket is required");
	return 0;
}

/* The init's arguments that follow from the spec: namespace flags, rootfs, idmap slots. */
static void create_init_args(struct create_ctx *c)
{
	struct init_args *a = &c->a;
	const struct ob_spec *spec = c->spec;
	if (a->user_ns_fd >= 0) {
		/* The new namespaces must belong to the joined user namespace: the init
		 * makes them after setns (see init_main). */
		a->unshare_flags = c->clone_flags & ~CLONE_NEWTIME;
		c->clone_flags &= CLONE_NEWTIME;
	}
	a->new_userns = c->clone_flags & CLONE_NEWUSER;
	/* decided here, not in the init: there geteuid() turns 0 as soon as we have written
	 * uid_map, a race the init would lose before we write gid_map */
	a->maps_by_owner = a->new_userns && geteuid() != 0;
	a->new_netns = (c->clone_flags | a->unshare_flags) & CLONE_NEWNET;
	a->rootfs = (struct ob_rootfs_ctx){.spec = spec,
					   .rootfs = c->rootfs,
					   .bundle = c->bundle,
					   .userns = a->new_userns || a->user_ns_fd >= 0,
					   .cgroupns = (c->clone_flags | a->unshare_flags) &
						       CLONE_NEWCGROUP};
	a->idmap_fds = ob_xcalloc(spec->n_mounts + 1, sizeof(int));
	for (size_t i = 0; i < spec->n_mounts; i++) {
		a->idmap_fds[i] = -1;
		if (spec->mounts[i].idmap || spec->mounts[i].ridmap)
			c->any_idmap = true;
	}
	a->rootfs.idmap_fds = a->idmap_fds;
	/* not for an unprivileged caller (setns into the container's mount namespace needs
	 * CAP_SYS_ADMIN in ours), nor for a mount namespace joined by path */
	a->bind_src_fds = a->new_userns && geteuid() == 0 && a->mount_ns_fd < 0;
	for (size_t i = 0; a->bind_src_fds && i < spec->n_mounts; i++)
		if (spec->mounts[i].bind)
			c->any_idmap = true; /* mount fds to send */
	if (!c->o->no_new_keyring)
		snprintf(a->keyring, sizeof(a->keyring), "_ses.%s", c->o->id);
}

/* The console, the process (seccomp BPF built here, once), the host checks. */
static int create_prepare_process(struct create_ctx *c, struct ob_err *err)
{
	struct init_args *a = &c->a;
	struct ob_spec *spec = c->spec;
	int r;
	if (spec->process.terminal && c->o->console_socket &&
	    (r = ob_terminal_connect(c->o->console_socket, &a->console_fd, err)) < 0)
		return r;
	if (spec->process.terminal && !c->o->console_socket) {
		/* keep_pty: the init sends the master to our end, as to a console socket */
		int ps[2];
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ps) < 0)
			return ob_error(err, errno, "socketpair");
		c->pty_sock = ps[0];
		a->console_fd = ps[1];
		ob_terminal_caller_size(&spec->process);
	}
	if ((r = ob_process_prepare(&spec->process, &a->proc, err)) < 0)
		return r;
	a->proc.seccomp = &spec->linux_.seccomp;
	/* Refused before anything exists: an LSM label the host cannot apply (config.md
	 * MUST), a seccomp filter that does not build, id maps that cannot be written. */
	if ((r = ob_lsm_check(&spec->process, spec->linux_.mount_label, "process", err)) < 0 ||
	    (r = ob_seccomp_prepare(a->proc.seccomp, &a->proc.seccomp_prog, err)) < 0 ||
	    (a->new_userns && (r = ob_userns_check_maps(&spec->linux_, err)) < 0))
		return ob_error_prefix(err, r, "config.json");
	a->proc.preserve_fds = c->keep->n;
	a->proc.keep = c->keep;
	return 0;
}

/* The cgroup (resolved and recorded already), made and limited; the init joins its v1
 * cgroups itself (no RCU grace period per create), then makes its cgroup namespace; not
 * when it first joins a user namespace by path. */
static int create_prepare_cgroup(struct create_ctx *c, struct ob_err *err)
{
	struct init_args *a = &c->a;
	if (!c->cg)
		return 0;
	int r = container_cgroup_make(c->o, c->spec, &c->cg, &c->sc, err);
	c->cg_made = c->cg != NULL;
	c->st.cgroup_path = c->cg ? (char *)ob_cgroup_path(c->cg) : NULL;
	ob_fault_point("create-cgroup");
	if (r < 0 || !c->cg || a->user_ns_fd >= 0)
		return r;
	if ((r = ob_cgroup_open_tasks(c->cg, &c->cg_fds, &c->cg_dirs, &c->n_cg, err)) < 0)
		return r;
	c->cg_self = r > 0;
	a->cg_fds = c->cg_fds;
	a->cg_dirs = c->cg_dirs;
	a->n_cg_fds = c->n_cg;
	a->cg_path = ob_cgroup_path(c->cg);
	if (c->cg_self && (c->clone_flags & CLONE_NEWCGROUP)) {
		c->clone_flags &= ~CLONE_NEWCGROUP;
		a->late_cgroupns = true;
	}
	a->cg_ack = c->cg_self && (c->spec->hooks.n_prestart || c->spec->hooks.n_create_runtime);
	return 0;
}

/* The state as hooks and oci-state see it, first without the init: what create will make
 * (the cgroup path, the systemd unit), recorded before it is made. */
static int create_state(struct create_ctx *c, struct ob_err *err)
{
	struct ob_state *st = &c->st;
	const struct ob_spec *spec = c->spec;
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	ob_format_time(c->created, sizeof(c->created), &now);
	st->root = (char *)c->o->root;
	st->id = (char *)c->o->id;
	st->bundle = c->bundle;
	st->rootfs = c->rootfs;
	st->created = c->created;
	st->owner = getuid();
	st->annotations = spec->annotations;
	st->n_annotations = spec->n_annotations;
	st->systemd_cgroup = c->o->systemd_cgroup;
	if (spec->hooks.n_poststop)
		ob_state_set_ext(st, "poststop", "1");
	if (spec->hooks.n_poststart)
		ob_state_set_ext(st, "poststart", "1");
	ob_state_set_ext(st, OB_STATE_CREATING, "dir");
	if (!c->cg)
		return 0;
	st->cgroup_path = (char *)ob_cgroup_path(c->cg);
	if (ob_cgroup_root())
		ob_state_set_ext(st, "cgroup_root", ob_cgroup_root());
	if (c->o->systemd_cgroup) {
		/* the unit's name, so that delete --force stops it whenever create was killed */
		struct ob_systemd_unit u;
		int r = ob_systemd_unit_parse(spec->linux_.cgroups_path, c->o->id, &u, err);
		if (r < 0)
			return ob_error_prefix(err, r, "linux.cgroupsPath");
		ob_state_set_ext(st, "systemd_unit", u.unit);
	}
	return 0;
}

/* The step create reached, saved (see "What create makes is recorded" above). */
static int create_save_step(struct create_ctx *c, const char *step, struct ob_err *err)
{
	ob_state_set_ext(&c->st, OB_STATE_CREATING, step);
	return ob_state_save(&c->st, err);
}

/* The state directory with its lock and first record (from here on failure removes it),
 * the cgroup, exec.fifo and the sync socket. */
static int create_prepare(struct create_ctx *c, struct ob_err *err)
{
	struct init_args *a = &c->a;
	struct ob_create_opts *o = c->o;
	int r;
	create_init_args(c);
	if ((r = create_prepare_process(c, err)) < 0)
		return r;
	if ((r = container_cgroup_open(o, c->spec, &c->cg, err)) < 0 ||
	    (r = create_state(c, err)) < 0 || (r = ob_state_create(&c->st, &c->lock_fd, err)) < 0)
		return r;
	c->dir_made = true;
	ob_fault_point("create-dir");
	if ((r = create_prepare_cgroup(c, err)) < 0)
		return r;
	a->lock_fd = c->lock_fd;
	char fifo[PATH_MAX];
	ob_state_path(o->root, o->id, "exec.fifo", fifo, sizeof(fifo));
	if (mkfifo(fifo, 0600) < 0)
		return ob_error(err, errno, "mkfifo `%s`", fifo);
	/* O_RDWR does not block on a fifo; the init holds the only reader until execve. */
	a->fifo_fd = open(fifo, O_RDWR | O_CLOEXEC);
	if (a->fifo_fd < 0)
		return ob_error(err, errno, "open `%s`", fifo);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, c->sv) < 0)
		return ob_error(err, errno, "socketpair");
	a->sync_fd = c->sv[1];
	/* a NOTIFY listener fd comes back the moment the filter is loaded (before READY) */
	a->proc.seccomp_sync = c->sv[1];
	/* the init's own fds past setup; every other is closed before the user process */
	a->proc.keep_open[0] = c->sv[1];
	a->proc.keep_open[1] = a->fifo_fd;
	return 0;
}

/* A new time namespace for our children, with the spec's offsets. */
static int enter_time_ns(struct create_ctx *c, struct ob_err *err)
{
	int r;
	if (c->own.fd[OB_NS_TIME] < 0 &&
	    (r = ob_ns_open_pid(getpid(), OB_NS_TIME, &c->own.fd[OB_NS_TIME], err)) < 0)
		return r;
	if (unshare(CLONE_NEWTIME) < 0)
		return ob_error(err, errno, "unshare the time namespace");
	const struct ob_time_offsets *to = &c->spec->linux_.time_offsets;
	char buf[128] = "";
	size_t l = 0;
	if (to->has_monotonic)
		l += (size_t)snprintf(buf + l, sizeof(buf) - l, "monotonic %lld %u\n",
				      (long long)to->monotonic_secs, to->monotonic_nanosecs);
	if (to->has_boottime)
		l += (size_t)snprintf(buf + l, sizeof(buf) - l, "boottime %lld %u\n",
				      (long long)to->boottime_secs, to->boottime_nanosecs);
	if (l && (r = ob_write_string("/proc/self/timens_offsets", buf, err)) < 0)
		return r;
	c->clone_flags &= ~CLONE_NEWTIME; /* the init enters it as time_for_children */
	return 0;
}

/* clone3 the init; v2 (and hybrid's unified part): it starts in its cgroup (clone3(2)
 * CLONE_INTO_CGROUP); the v1 hierarchies are joined before it runs user code. */
static int clone_init(struct create_ctx *c, struct ob_err *err)
{
	struct clone_args ca = {.flags = (uint64_t)c->clone_flags, .exit_signal = SIGCHLD};
	if (c->cg && ob_cgroup_v2_fd(c->cg) >= 0) {
		ca.flags |= CLONE_INTO_CGROUP;
		ca.cgroup = (uint64_t)ob_cgroup_v2_fd(c->cg);
	}
	c->pid = (pid_t)syscall(SYS_clone3, &ca, sizeof(ca));
	if (c->pid == 0) {
		close(c->sv[0]);
		ob_init_main(&c->a);
	}
	int r = c->pid < 0 ? ob_error(err, errno, "clone the container init") : 0;
	if (c->pid < 0)
		c->pid = 0;
	for (size_t i = 0; i < c->n_cg; i++)
		close(c->cg_fds[i]);
	c->n_cg = 0; /* the init's now */
	return r;
}

/* A user namespace joined by path with a new pid namespace: the first child made the
 * init (our child too, CLONE_PARENT), sent its pid and left. */
static int await_init_pid(struct create_ctx *c, struct ob_err *err)
{
	struct ob_sync_in pm;
	int r = ob_sync_expect(c->sv[0], OB_SYNC_PID, NULL, &pm, err);
	while (waitpid(c->pid, NULL, 0) < 0 && errno == EINTR)
		;
	c->pid = 0;
	if (r < 0 && pm.m.kind != OB_SYNC_ERROR)
		r = ob_error_msg(err, EIO, "the container init exited before it was ready");
	if (r < 0)
		return r;
	c->pid = (pid_t)pm.m.value;
	return 0;
}

/* The init is there: its pid and start time (a reused pid is never taken for it) and the
 * cgroup parents made for it, saved before anything is done to it. */
static int create_record_init(struct create_ctx *c, struct ob_err *err)
{
	c->st.pid = c->pid;
	c->st.start_time = ob_proc_starttime(c->pid);
	if (c->cg && ob_cgroup_created_top(c->cg))
		ob_state_set_ext(&c->st, "cgroup_top", ob_cgroup_created_top(c->cg));
	int r = create_save_step(c, "init", err);
	ob_fault_point("create-pid");
	return r;
}

/* Joined namespaces (but user and mount) are entered here around the clone, then left;
 * the init's pid recorded. */
static int create_spawn(struct create_ctx *c, struct ob_err *err)
{
	int r = 0;
	bool joined = false;
	for (int t = 0; t < OB_NS_COUNT; t++)
		if (c->join.fd[t] >= 0) {
			if ((r = ob_ns_open_pid(getpid(), t, &c->own.fd[t], err)) < 0)
				return r;
			joined = true;
		}
	if (c->clone_flags & CLONE_NEWTIME) {
		if ((r = enter_time_ns(c, err)) < 0)
			return r;
		joined = true;
	}
	if (!joined || (r = ob_ns_join(&c->join, err)) >= 0)
		r = clone_init(c, err);
	if (joined) {
		struct ob_err e2;
		int *tfd = &c->own.fd[OB_NS_TIME];
		/* back to our own namespaces (setns(2): pid and time affect children only) */
		if (*tfd >= 0 && setns(*tfd, CLONE_NEWTIME) < 0 && r >= 0)
			r = ob_error(err, errno, "return to our time namespace");
		*tfd = *tfd >= 0 ? (close(*tfd), -1) : -1;
		if (ob_ns_join(&c->own, &e2) < 0 && r >= 0)
			r = ob_error_msg(err, e2.code, "%s", e2.msg);
	}
	if (r < 0)
		return r;
	ob_fault_point("create-clone");
	close(c->sv[1]);
	c->sv[1] = -1;
	if (c->a.user_ns_fd >= 0 && (c->a.unshare_flags & CLONE_NEWPID) &&
	    (r = await_init_pid(c, err)) < 0)
		return r;
	return create_record_init(c, err);
}

/* The init waits for GO: it is in its cgroup before any user code runs. */
static int create_join_cgroup(struct create_ctx *c, struct ob_err *err)
{
	struct ob_cgroup *cg = c->cg;
	int r;
	if (!cg)
		return 0;
	if (!c->cg_self && (r = ob_cgroup_enter(cg, c->pid, err)) < 0)
		return r;
	struct ob_sync_in jm;
	if (c->a.cg_ack && (r = ob_sync_expect(c->sv[0], OB_SYNC_JOINED, NULL, &jm, err)) < 0) {
		if (jm.m.kind == OB_SYNC_EOF)
			r = init_died(&c->pid, cg, err);
		else if (jm.m.kind != OB_SYNC_ERROR)
			r = ob_error_msg(err, EIO,
					 "the container init exited before it joined its cgroup");
		return r;
	}
	if (c->o->systemd_cgroup && (r = container_cgroup_settle(c->spec, cg, &c->sc, err)) < 0)
		return r;
	return 0;
}

/* linux.netDevices (config-linux.md "Network Devices"): into the container's netns,
 * renamed, permanent addresses kept, up - before the hooks, which may configure them. */
static int create_net_devices(struct create_ctx *c, struct ob_err *err)
{
	const struct ob_linux *l = &c->spec->linux_;
	if (!l->n_net_devices)
		return 0;
	_cleanup_close_ int nsfd = -1;
	int r = ob_ns_open_pid(c->pid, OB_NS_NETWORK, &nsfd, err);
	if (r < 0)
		return r;
	if (ob_ns_is_current(nsfd, OB_NS_NETWORK))
		return ob_error_msg(
		    err, EINVAL,
		    "linux.netDevices: the container has no network namespace of its own");
	/* recorded before they move: killed from here on, delete --force kills the init and
	 * with its namespace the devices go as at any container's end (config-linux.md:
	 * physical ones back to the host, virtual ones destroyed) */
	if ((r = create_save_step(c, "netdevices", err)) < 0 ||
	    (r = ob_net_devices_move_in(nsfd, l->net_devices, l->n_net_devices, err)) < 0)
		return r;
	c->devs_nsfd = TAKE_FD(nsfd);
	ob_fault_point("create-netdevices");
	return 0;
}

/* idmapped mounts: made here, where we own the filesystems, moved in by the init. */
static int create_idmap_mounts(struct create_ctx *c, struct ob_err *err)
{
	const struct ob_spec *spec = c->spec;
	if (!c->any_idmap)
		return 0;
	_cleanup_close_ int uns = -1;
	int r;
	if (c->a.bind_src_fds &&
	    (r = open_bind_sources(c->pid, spec, c->bundle, c->cwd, c->a.idmap_fds, err)) < 0)
		return r;
	if (c->a.new_userns && (r = ob_ns_open_pid(c->pid, OB_NS_USER, &uns, err)) < 0)
		return r;
	for (size_t i = 0; i < spec->n_mounts; i++)
		if ((spec->mounts[i].idmap || spec->mounts[i].ridmap) &&
		    (r = ob_rootfs_idmap_mount(&spec->mounts[i], c->bundle,
					       uns >= 0 ? uns : c->a.user_ns_fd, &c->a.idmap_fds[i],
					       err)) < 0)
			return r;
	return 0;
}

/* The init is there, waiting for GO: id maps, cgroup, devices, idmapped mounts, the
 * runtime's hooks. */
static int create_configure(struct create_ctx *c, struct ob_err *err)
{
	struct init_args *a = &c->a;
	const struct ob_hooks *hk = &c->spec->hooks;
	int r;
	close(a->fifo_fd);
	a->fifo_fd = -1;
	if (a->console_fd >= 0) {
		close(a->console_fd);
		a->console_fd = -1;
	}
	/* As root directly; as an ordinary user directly for its own ids (setgroups denied)
	 * and through newuidmap/newgidmap beyond them (core/userns.c). */
	if (a->new_userns && (r = ob_userns_write_maps(c->pid, &c->spec->linux_, err)) < 0)
		return ob_error_prefix(err, r, "user namespace");
	if ((r = create_join_cgroup(c, err)) < 0 || (r = create_net_devices(c, err)) < 0 ||
	    (r = create_idmap_mounts(c, err)) < 0)
		return r;
	/* the state JSON is only built when a hook will read it. Its status is `created`:
	 * runtime.md defines `creating` as "step 2 in the lifecycle" (the environment being
	 * made) and `created` as "after step 2"; prestart, createRuntime and createContainer
	 * are steps 3 to 5 (crun sends `created` too, runc `creating`; README, Conformance) */
	c->json_creating = hk->n_prestart || hk->n_create_runtime || hk->n_create_container
			       ? ob_state_json(&c->st, OB_STATUS_CREATED, false)
			       : ob_xstrdup("");
	if ((r = ob_hooks_run(hk->prestart, hk->n_prestart, "prestart", c->json_creating, err)) <
		0 ||
	    (r = ob_hooks_run(hk->create_runtime, hk->n_create_runtime, "createRuntime",
			      c->json_creating, err)) < 0)
		return r;
	ob_fault_point("create-hooks");
	c->json_created = hk->n_start_container ? ob_state_json(&c->st, OB_STATUS_CREATED, false)
						: ob_xstrdup("");
	return 0;
}

/* GO (with the state texts), the idmapped mounts, then READY or the init's error; before
 * it, with SCMP_ACT_NOTIFY, the listener fd (on to the agent, ob_seccomp_forward_fd). */
static int create_handshake(struct create_ctx *c, struct ob_err *err)
{
	const struct ob_spec *spec = c->spec;
	int sock = c->sv[0];
	struct ob_sync_in m;
	int r = send_go(sock, c->json_creating, c->json_created);
	if (r < 0) {
		/* an init that failed before GO (joining its cgroup) left its error queued */
		int e = -r;
		fcntl(sock, F_SETFL, O_NONBLOCK); /* a live init would wait for GO forever */
		if (ob_sync_expect(sock, OB_SYNC_READY, NULL, &m, err) >= 0 ||
		    m.m.kind != OB_SYNC_ERROR)
			r = ob_error(err, e, "sync with the container init");
		return r;
	}
	for (size_t i = 0; c->any_idmap && i < spec->n_mounts; i++)
		if (c->a.idmap_fds[i] >= 0 &&
		    ob_sync_send(sock, OB_SYNC_FD,
				 spec->mounts[i].idmap || spec->mounts[i].ridmap ? OB_SYNC_FD_IDMAP
										 : OB_SYNC_FD_MOUNT,
				 c->a.idmap_fds[i], NULL, 0) < 0)
			return ob_error(err, EIO, "send a mount to the container init");
	struct ob_seccomp_forward fwd = {&c->st, OB_STATUS_CREATING, c->pid, &spec->linux_.seccomp};
	struct ob_sync_fd_sink sink = {ob_seccomp_forward_fd, &fwd};
	if ((r = ob_sync_expect(sock, OB_SYNC_READY, &sink, &m, err)) < 0 &&
	    m.m.kind == OB_SYNC_EOF)
		r = init_died(&c->pid, c->cg, err);
	if (r >= 0)
		ob_fault_point("create-ready");
	return r;
}

/* state.json, the pid file; the lock and state handed to oci-run when it asks. */
static int create_record(struct create_ctx *c, struct ob_err *err)
{
	struct ob_create_opts *o = c->o;
	int r;
	/* sent before READY, so it is there; the init's end is closed */
	if (c->pty_sock >= 0 && (r = ob_terminal_recv_master(c->pty_sock, &o->pty_master, err)) < 0)
		return r;
	ob_state_unset_ext(&c->st, OB_STATE_CREATING);
	if ((r = ob_state_save(&c->st, err)) < 0)
		return r;
	ob_fault_point("create-saved");
	if (o->pid_file) {
		char buf[32];
		int len = snprintf(buf, sizeof(buf), "%d", (int)c->pid);
		_cleanup_free_ char *pf = abs_path(c->cwd, o->pid_file);
		if ((r = ob_write_file_atomic(pf, buf, (size_t)len, 0644, err)) < 0)
			return ob_error_prefix(err, r, "--pid-file");
	}
	o->pid = c->pid;
	if (o->ret_lock_fd && o->ret_state) {
		*o->ret_state = ob_state_dup(&c->st);
		*o->ret_lock_fd = TAKE_FD(c->lock_fd);
	}
	return 0;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* What the steps made, undone: devices back, the init killed, the cgroup and the state
 * directory removed. */
static void create_undo(struct create_ctx *c)
{
	/* Devices go back under their host names before the namespace dies (the kernel would
	 * return only physical ones, under the container's names, and destroy virtual ones). */
	if (c->devs_nsfd >= 0) {
		struct ob_err e2;
		const struct ob_linux *l = &c->spec->linux_;
		ob_net_devices_move_out(c->devs_nsfd, l->net_devices, l->n_net_devices, &e2);
	}
	close_fd(&c->o->pty_master);
	kill_init(c->pid);
	if (c->cg_made) { /* only resolved (an id that exists): another container's, not ours */
		ob_cgroup_kill(c->cg, SIGKILL, NULL);
		if (c->sc.started)
			ob_systemd_scope_abort(&c->sc); /* systemd removes the scope's cgroup */
		ob_cgroup_destroy(c->cg, 5000, NULL);
	}
	ob_systemd_scope_abort(&c->sc);
	if (c->dir_made)
		ob_state_remove(c->o->root, c->o->id, NULL);
}

static void create_free(struct create_ctx *c)
{
	struct init_args *a = &c->a;
	for (size_t i = 0; i < c->st.n_ext; i++) {
		free(c->st.ext[i].key);
		free(c->st.ext[i].value);
	}
	free(c->st.ext);
	close_fd(&c->devs_nsfd);
	for (size_t i = 0; i < c->n_cg; i++)
		close(c->cg_fds[i]);
	free(c->cg_fds);
	ob_strv_free(c->cg_dirs);
	ob_cgroup_free(c->cg);
	int *fds[] = {&c->lock_fd,    &c->sv[0],      &c->sv[1],       &a->fifo_fd,
		      &a->console_fd, &a->user_ns_fd, &a->mount_ns_fd, &c->pty_sock};
	for (size_t i = 0; i < ARRAY_SIZE(fds); i++)
		close_fd(fds[i]);
	ob_ns_set_close(&c->join);
	ob_ns_set_close(&c->own);
	for (size_t i = 0; a->idmap_fds && i < c->spec->n_mounts; i++)
		close_fd(&a->idmap_fds[i]);
	free(a->idmap_fds);
	ob_process_ctx_free(&a->proc);
	ob_spec_free(c->spec);
	free(c->bundle);
	free(c->rootfs);
	free(c->json_creating);
	free(c->json_created);
}

static int create_kept(struct ob_create_opts *o, const struct ob_fd_keep *keep, struct ob_err *err)
{
	struct create_ctx c = {.o = o,
			       .keep = keep,
			       .sv = {-1, -1},
			       .lock_fd = -1,
			       .devs_nsfd = -1,
			       .pty_sock = -1,
			       .a = {.o = o,
				     .sync_fd = -1,
				     .fifo_fd = -1,
				     .console_fd = -1,
				     .user_ns_fd = -1,
				     .mount_ns_fd = -1}};
	ob_ns_set_init(&c.own);
	ob_ns_set_init(&c.join);
	int r;
	if ((r = create_validate(&c, err)) < 0 || (r = create_prepare(&c, err)) < 0 ||
	    (r = create_spawn(&c, err)) < 0 || (r = create_configure(&c, err)) < 0 ||
	    (r = create_handshake(&c, err)) < 0 || (r = create_record(&c, err)) < 0)
		create_undo(&c);
	create_free(&c);
	return r < 0 ? r : 0;
}

int ob_container_create(struct ob_create_opts *o, struct ob_err *err)
{
	int r;
	o->pid = 0;
	o->pty_master = -1;
	/* First, before any fd of ours exists: which of fds 3.. the caller passes on. */
	struct ob_fd_keep keep;
	int n_keep = ob_process_listen_fds();
	if (o->preserve_fds > n_keep)
		n_keep = o->preserve_fds;
	r = ob_process_keep_fds(n_keep, &keep, err);
	if (r < 0)
		return r;
	r = create_kept(o, &keep, err);
	ob_process_keep_fds_release(&keep);
	return r;
}
