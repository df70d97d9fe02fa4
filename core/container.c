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

/* The container's cgroup: resolved from linux.cgroupsPath, made, checked to hold no other
 * container's processes, limited, all before the init exists (so it never runs
 * unlimited). NULL with --cgroup-manager disabled, or when an unprivileged caller may
 * not make cgroups. With --systemd-cgroup systemd makes it: a transient scope (sc) whose
 * holder process leaves, and whose pids limit is set, once the init is in. */
static int container_cgroup(const struct ob_create_opts *o, const struct ob_spec *spec,
			    struct ob_cgroup **ret, struct ob_systemd_scope *sc, struct ob_err *err)
{
	*ret = NULL;
	if (o->cgroup_manager && streq(o->cgroup_manager, "disabled"))
		return 0;
	struct ob_cgroup *cg = NULL;
	int r = ob_cgroup_open(spec->linux_.cgroups_path, o->id, o->systemd_cgroup, &cg, err);
	if (r < 0)
		return ob_error_prefix(err, r, "linux.cgroupsPath");
	struct ob_spec first = *spec; /* shallow; with systemd, pids after the holder */
	if (o->systemd_cgroup) {
		_cleanup_free_ struct ob_device_cgroup *devs = NULL;
		struct ob_resources res = ob_cgroup_spec_resources(spec, &devs);
		if ((r = ob_systemd_scope_begin(sc, spec->linux_.cgroups_path, o->id, &res, err)) <
		    0) {
			ob_cgroup_free(cg);
			return ob_error_prefix(err, r, "linux.cgroupsPath");
		}
		first.linux_.resources.has_pids = false;
	}
	/* a scope systemd just made holds only its holder: reused, not checked empty */
	r = ob_cgroup_create(cg, o->systemd_cgroup ? 0 : OB_CGROUP_MUST_BE_EMPTY, err);
	if (r < 0 && geteuid() != 0 && (r == -EACCES || r == -EPERM || r == -EROFS) &&
	    !o->systemd_cgroup) {
		ob_log_debug("no cgroup for an unprivileged caller: %s", err->msg);
		ob_cgroup_free(cg);
		return 0;
	}
	if (r == 0 && (r = ob_cgroup_apply_spec(cg, &first, err)) < 0 && !o->systemd_cgroup)
		ob_cgroup_destroy(cg, 1000, NULL);
	if (r < 0) {
		ob_systemd_scope_abort(sc);
		ob_cgroup_free(cg);
		return r;
	}
	*ret = cg;
	return 0;
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

static int ob_container_create_kept(struct ob_create_opts *o, const struct ob_fd_keep *keep,
				    struct ob_err *err);

/* A namespace of the container's own: new, or joined by a path that is not ours (the
 * host's, from where oci-create runs). */
static bool private_ns(int clone_flags, const struct ob_ns_set *join, enum ob_ns_type t)
{
	if (clone_flags & ob_ns_clone_flag(t))
		return true;
	return join->fd[t] >= 0 && !ob_ns_is_current(join->fd[t], t);
}

/* hostname, domainname (config.md: they need a new UTS namespace) and linux.sysctl
 * (config-linux.md: only namespaced ones, in a namespace of the container's own), as
 * runc validates them: nothing may be written into a namespace shared with the host. */
/* config-linux.md: a namespace type that is not listed is inherited from the runtime,
 * the mount namespace too. The init then only chroots into root.path (as runc and crun)
 * and makes no mount: what is mounted in the runtime's namespace stays there after the
 * container (runc and crun leave the spec's mounts behind so). What cannot apply without
 * mounts is refused with the reason; the spec's mounts and linux.devices are not made
 * (debug log). */
static int check_no_mntns(const struct ob_spec *spec, struct ob_err *err)
{
	static const char why[] = "needs a mount namespace (linux.namespaces has none: the "
				  "runtime's is inherited and no mount is made in it)";
	const char *what = NULL;
	if (spec->linux_.masked_paths && spec->linux_.masked_paths[0])
		what = "linux.maskedPaths";
	else if (spec->linux_.readonly_paths && spec->linux_.readonly_paths[0])
		what = "linux.readonlyPaths";
	else if (spec->root_readonly)
		what = "root.readonly";
	else if (spec->linux_.rootfs_propagation)
		what = "linux.rootfsPropagation";
	else if (spec->process.terminal)
		what = "process.terminal (the container's /dev/pts)";
	if (what)
		return ob_error_msg(err, EINVAL, "config.json: %s %s", what, why);
	if (spec->n_mounts || spec->linux_.n_devices)
		ob_log_debug("no mount namespace: %zu mounts and %zu devices of config.json are "
			     "not made",
			     spec->n_mounts, spec->linux_.n_devices);
	return 0;
}

static int check_private_ns(const struct ob_spec *spec, int clone_flags,
			    const struct ob_ns_set *join, struct ob_err *err)
{
	bool uts = private_ns(clone_flags, join, OB_NS_UTS);
	if (spec->hostname && !uts)
		return ob_error_msg(err, EINVAL,
				    "config.json: hostname `%s`: unable to set the hostname "
				    "without a private uts namespace",
				    spec->hostname);
	if (spec->domainname && !uts)
		return ob_error_msg(err, EINVAL,
				    "config.json: domainname `%s`: unable to set the domainname "
				    "without a private uts namespace",
				    spec->domainname);
	for (size_t i = 0; i < spec->linux_.n_sysctl; i++) {
		char key[256];
		snprintf(key, sizeof(key), "%s", spec->linux_.sysctl[i].key);
		for (char *c = key; *c; c++)
			if (*c == '/')
				*c = '.';
		enum ob_ns_type t;
		if (startswith(key, "kernel.msg") || streq(key, "kernel.sem") ||
		    streq(key, "kernel.sem_next_id") || startswith(key, "kernel.shm") ||
		    startswith(key, "fs.mqueue."))
			t = OB_NS_IPC;
		else if (startswith(key, "net."))
			t = OB_NS_NETWORK;
		else if (streq(key, "kernel.hostname") || streq(key, "kernel.domainname"))
			t = OB_NS_UTS;
		else
			return ob_error_msg(err, EINVAL,
					    "config.json: linux.sysctl: sysctl `%s` is not in a "
					    "separate kernel namespace",
					    spec->linux_.sysctl[i].key);
		if (!private_ns(clone_flags, join, t))
			return ob_error_msg(err, EINVAL,
					    "config.json: linux.sysctl: sysctl `%s` needs a "
					    "private %s namespace (it would change the host's)",
					    spec->linux_.sysctl[i].key, ob_ns_type_name(t));
	}
	return 0;
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
	r = ob_container_create_kept(o, &keep, err);
	ob_process_keep_fds_release(&keep);
	return r;
}

static int ob_container_create_kept(struct ob_create_opts *o, const struct ob_fd_keep *keep,
				    struct ob_err *err)
{
	int r = ob_state_validate_id(o->id, err);
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
	struct init_args a = {.o = o,
			      .spec = spec,
			      .sync_fd = -1,
			      .fifo_fd = -1,
			      .console_fd = -1,
			      .user_ns_fd = -1,
			      .mount_ns_fd = -1};
	struct ob_ns_set own, join; /* ours (to return to after clone), the spec's paths */
	ob_ns_set_init(&own);
	ob_ns_set_init(&join);
	int sv[2] = {-1, -1};
	int lock_fd = -1;
	pid_t pid = 0;
	bool dir_made = false;
	int devs_nsfd = -1; /* linux.netDevices moved into it (to undo on failure) */
	int pty_sock = -1;  /* keep_pty: the master comes back on it */
	struct ob_state st = {0};
	struct ob_cgroup *cg = NULL;
	struct ob_systemd_scope sc = {0}; /* --systemd-cgroup: the transient unit */
	int *cg_fds = NULL;		  /* v1 `tasks` files the init joins through */
	size_t n_cg = 0;
	bool cg_self = false; /* the init joins by itself (else ob_cgroup_enter) */
	_cleanup_strv_ char **cg_dirs = NULL;
	_cleanup_free_ char *rootfs = NULL, *json_creating = NULL, *json_created = NULL;

	/* config.md: process is REQUIRED only when start is called; without it the init is
	 * created and waits, and start fails (see ob_init_main). */
	if (spec->has_process && (!spec->process.args || !spec->process.args[0])) {
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
	if (!ob_spec_namespace(spec, OB_NS_MOUNT) && (r = check_no_mntns(spec, err)) < 0)
		goto fail;
	a.no_mntns = !ob_spec_namespace(spec, OB_NS_MOUNT);
	if ((r = check_private_ns(spec, clone_flags, &join, err)) < 0)
		goto fail;
	if (userns && !userns->path &&
	    (!spec->linux_.n_uid_mappings || !spec->linux_.n_gid_mappings)) {
		r = ob_error_msg(err, EINVAL,
				 "config.json: a new user namespace needs linux.uidMappings and "
				 "linux.gidMappings");
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
	a.rootfs =
	    (struct ob_rootfs_ctx){.spec = spec,
				   .rootfs = rootfs,
				   .bundle = bundle,
				   .userns = a.new_userns || a.user_ns_fd >= 0,
				   .cgroupns = (clone_flags | a.unshare_flags) & CLONE_NEWCGROUP};
	a.idmap_fds = ob_xcalloc(spec->n_mounts + 1, sizeof(int));
	bool any_idmap = false;
	for (size_t i = 0; i < spec->n_mounts; i++) {
		a.idmap_fds[i] = -1;
		if (spec->mounts[i].idmap || spec->mounts[i].ridmap) {
			any_idmap = true;
			if (!spec->mounts[i].bind) {
				r = ob_error_msg(
				    err, EINVAL,
				    "config.json: mounts[%zu]: idmap needs a bind mount", i);
				goto fail;
			}
		}
	}
	a.rootfs.idmap_fds = a.idmap_fds;
	if (!o->no_new_keyring)
		snprintf(a.keyring, sizeof(a.keyring), "_ses.%s", o->id);

	if (spec->process.terminal && !o->console_socket && !o->keep_pty) {
		r = ob_error_msg(err, EINVAL,
				 "process.terminal is true: --console-socket is required");
		goto fail;
	}
	if (spec->process.terminal && o->console_socket &&
	    (r = ob_terminal_connect(o->console_socket, &a.console_fd, err)) < 0)
		goto fail;
	if (spec->process.terminal && !o->console_socket) {
		/* the init sends the master to our end, as to a console socket */
		int ps[2];
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ps) < 0) {
			r = ob_error(err, errno, "socketpair");
			goto fail;
		}
		pty_sock = ps[0];
		a.console_fd = ps[1];
		ob_terminal_caller_size(&spec->process);
	}
	if ((r = ob_process_prepare(&spec->process, &a.proc, err)) < 0)
		goto fail;
	a.proc.seccomp = &spec->linux_.seccomp;
	/* Refused before anything exists: an LSM label the host cannot apply (config.md
	 * MUST), a seccomp filter that does not build, id maps that cannot be written. */
	if ((r = ob_lsm_check(&spec->process, spec->linux_.mount_label, "process", err)) < 0 ||
	    (r = ob_seccomp_prepare(a.proc.seccomp, &a.proc.seccomp_prog, err)) < 0 ||
	    (a.new_userns && (r = ob_userns_check_maps(&spec->linux_, err)) < 0)) {
		ob_error_prefix(err, r, "config.json");
		goto fail;
	}
	/* linux.intelRdt has MUSTs (config-linux.md "IntelRdt") this runtime does not carry out
	 * (resctrl groups); refusing beats running without the isolation asked for. */
	if (spec->linux_.intel_rdt.present) {
		r = ob_error_msg(
		    err, ENOTSUP,
		    "config.json: linux.intelRdt: Intel RDT (resctrl) is not supported by ocibox");
		goto fail;
	}
	a.proc.preserve_fds = keep->n;
	a.proc.keep = keep;

	/* The state directory and its lock; from here on failure removes it. */
	if ((r = ob_state_create_dir(o->root, o->id, &lock_fd, err)) < 0)
		goto fail;
	dir_made = true;
	if ((r = container_cgroup(o, spec, &cg, &sc, err)) < 0)
		goto fail;
	/* The init joins its v1 cgroups itself (no RCU grace period per create), then makes
	 * its cgroup namespace; not when it first joins a user namespace by path. */
	if (cg && a.user_ns_fd < 0) {
		if ((r = ob_cgroup_open_tasks(cg, &cg_fds, &cg_dirs, &n_cg, err)) < 0)
			goto fail;
		cg_self = r > 0;
		r = 0;
		a.cg_fds = cg_fds;
		a.cg_dirs = cg_dirs;
		a.n_cg_fds = n_cg;
		a.cg_path = ob_cgroup_path(cg);
		if (cg_self && (clone_flags & CLONE_NEWCGROUP)) {
			clone_flags &= ~CLONE_NEWCGROUP;
			a.late_cgroupns = true;
		}
		a.cg_ack = cg_self && (spec->hooks.n_prestart || spec->hooks.n_create_runtime);
	}
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
	/* a NOTIFY listener fd comes back the moment the filter is loaded (before READY) */
	a.proc.seccomp_sync = sv[1];
	/* the init's own fds past setup; every other is closed before the user process */
	a.proc.keep_open[0] = sv[1];
	a.proc.keep_open[1] = a.fifo_fd;

	/* Joined namespaces (but user and mount) are entered here around the clone. */
	bool joined = false;
	for (int t = 0; t < OB_NS_COUNT; t++)
		if (join.fd[t] >= 0) {
			if ((r = ob_ns_open_pid(getpid(), t, &own.fd[t], err)) < 0)
				goto fail;
			joined = true;
		}
	if (clone_flags & CLONE_NEWTIME) {
		if (own.fd[OB_NS_TIME] < 0 &&
		    (r = ob_ns_open_pid(getpid(), OB_NS_TIME, &own.fd[OB_NS_TIME], err)) < 0)
			goto fail;
		if (unshare(CLONE_NEWTIME) < 0) {
			r = ob_error(err, errno, "unshare the time namespace");
			goto fail;
		}
		const struct ob_time_offsets *to = &spec->linux_.time_offsets;
		char buf[128] = "";
		size_t l = 0;
		if (to->has_monotonic)
			l +=
			    (size_t)snprintf(buf + l, sizeof(buf) - l, "monotonic %lld %u\n",
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
		ob_init_main(&a);
	}
	if (pid < 0)
		r = ob_error(err, errno, "clone the container init");
	for (size_t i = 0; i < n_cg; i++)
		close(cg_fds[i]);
	n_cg = 0; /* the init's now */
restore:
	if (joined) {
		struct ob_err e2;
		/* back to our own namespaces (setns(2): pid and time affect children only) */
		if (own.fd[OB_NS_TIME] >= 0 && setns(own.fd[OB_NS_TIME], CLONE_NEWTIME) < 0 &&
		    r >= 0)
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
		struct ob_sync_in pm;
		r = ob_sync_expect(sv[0], OB_SYNC_PID, NULL, &pm, err);
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		pid = 0;
		if (r < 0 && pm.m.kind != OB_SYNC_ERROR)
			r = ob_error_msg(err, EIO, "the container init exited before it was ready");
		if (r < 0)
			goto fail;
		pid = (pid_t)pm.m.value;
	}
	close(a.fifo_fd);
	a.fifo_fd = -1;
	if (a.console_fd >= 0) {
		close(a.console_fd);
		a.console_fd = -1;
	}

	/* As root directly; as an ordinary user directly for its own ids (setgroups denied)
	 * and through newuidmap/newgidmap beyond them (core/userns.c). */
	if (a.new_userns && (r = ob_userns_write_maps(pid, &spec->linux_, err)) < 0) {
		ob_error_prefix(err, r, "user namespace");
		goto fail;
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

	/* the init waits for GO: it joins its cgroup before any user code runs */
	if (cg) {
		if (!cg_self && (r = ob_cgroup_enter(cg, pid, err)) < 0)
			goto fail;
		struct ob_sync_in jm;
		if (a.cg_ack && (r = ob_sync_expect(sv[0], OB_SYNC_JOINED, NULL, &jm, err)) < 0) {
			if (jm.m.kind != OB_SYNC_ERROR)
				r = ob_error_msg(
				    err, EIO,
				    "the container init exited before it joined its cgroup");
			goto fail;
		}
		if (o->systemd_cgroup && (r = container_cgroup_settle(spec, cg, &sc, err)) < 0)
			goto fail;
		st.cgroup_path = (char *)ob_cgroup_path(cg);
		if (sc.started)
			ob_state_set_ext(&st, "systemd_unit", sc.u.unit);
		if (ob_cgroup_root())
			ob_state_set_ext(&st, "cgroup_root", ob_cgroup_root());
		if (ob_cgroup_created_top(cg))
			ob_state_set_ext(&st, "cgroup_top", ob_cgroup_created_top(cg));
	}
	/* linux.netDevices (config-linux.md "Network Devices"): into the container's netns,
	 * renamed, permanent addresses kept, up - before the hooks, which may configure them. */
	if (spec->linux_.n_net_devices) {
		int nsfd = -1;
		if ((r = ob_ns_open_pid(pid, OB_NS_NETWORK, &nsfd, err)) < 0)
			goto fail;
		if (ob_ns_is_current(nsfd, OB_NS_NETWORK)) {
			close(nsfd);
			r = ob_error_msg(
			    err, EINVAL,
			    "linux.netDevices: the container has no network namespace of its own");
			goto fail;
		}
		if ((r = ob_net_devices_move_in(nsfd, spec->linux_.net_devices,
						spec->linux_.n_net_devices, err)) < 0) {
			close(nsfd);
			goto fail;
		}
		devs_nsfd = nsfd;
	}

	/* idmapped mounts: made here, where we own the filesystems, moved in by the init */
	if (any_idmap) {
		_cleanup_close_ int uns = -1;
		if (a.new_userns && (r = ob_ns_open_pid(pid, OB_NS_USER, &uns, err)) < 0)
			goto fail;
		for (size_t i = 0; i < spec->n_mounts; i++)
			if ((spec->mounts[i].idmap || spec->mounts[i].ridmap) &&
			    (r = ob_rootfs_idmap_mount(&spec->mounts[i], bundle,
						       uns >= 0 ? uns : a.user_ns_fd,
						       &a.idmap_fds[i], err)) < 0)
				goto fail;
	}

	/* the state JSON is only built when a hook will read it. Its status is `created`:
	 * runtime.md defines `creating` as "step 2 in the lifecycle" (the environment being
	 * made) and `created` as "after step 2"; prestart, createRuntime and createContainer
	 * are steps 3 to 5 (crun sends `created` too, runc `creating`; README, Conformance) */
	const struct ob_hooks *hk = &spec->hooks;
	json_creating = hk->n_prestart || hk->n_create_runtime || hk->n_create_container
			    ? ob_state_json(&st, OB_STATUS_CREATED, false)
			    : ob_xstrdup("");
	if ((r = ob_hooks_run(spec->hooks.prestart, spec->hooks.n_prestart, "prestart",
			      json_creating, err)) < 0 ||
	    (r = ob_hooks_run(spec->hooks.create_runtime, spec->hooks.n_create_runtime,
			      "createRuntime", json_creating, err)) < 0)
		goto fail;
	json_created =
	    hk->n_start_container ? ob_state_json(&st, OB_STATUS_CREATED, false) : ob_xstrdup("");

	struct ob_sync_in m;
	if ((r = send_go(sv[0], json_creating, json_created)) < 0) {
		/* an init that failed before GO (joining its cgroup) left its error queued */
		int e = -r;
		fcntl(sv[0], F_SETFL, O_NONBLOCK); /* a live init would wait for GO forever */
		if (ob_sync_expect(sv[0], OB_SYNC_READY, NULL, &m, err) >= 0 ||
		    m.m.kind != OB_SYNC_ERROR)
			r = ob_error(err, e, "sync with the container init");
		goto fail;
	}
	for (size_t i = 0; any_idmap && i < spec->n_mounts; i++)
		if (a.idmap_fds[i] >= 0 && ob_sync_send(sv[0], OB_SYNC_FD, OB_SYNC_FD_IDMAP,
							a.idmap_fds[i], NULL, 0) < 0) {
			r = ob_error(err, EIO, "send an idmapped mount to the container init");
			goto fail;
		}
	/* READY or the error; before it, with SCMP_ACT_NOTIFY, the listener fd (on to the
	 * agent, see ob_seccomp_forward_fd). */
	struct ob_seccomp_forward fwd = {&st, OB_STATUS_CREATING, pid, &spec->linux_.seccomp};
	struct ob_sync_fd_sink sink = {ob_seccomp_forward_fd, &fwd};
	if ((r = ob_sync_expect(sv[0], OB_SYNC_READY, &sink, &m, err)) < 0) {
		if (m.m.kind == OB_SYNC_EOF) {
			int status = 0;
			waitpid(pid, &status, 0);
			pid = 0;
			r = ob_error_msg(
			    err, EIO, "the container init exited before it was ready (status %d)",
			    WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
		}
		goto fail;
	}
	/* sent before READY, so it is there; the init's end is closed */
	if (pty_sock >= 0) {
		if ((r = ob_terminal_recv_master(pty_sock, &o->pty_master, err)) < 0)
			goto fail;
	}
	if ((r = ob_state_save(&st, err)) < 0)
		goto fail;
	if (o->pid_file) {
		char buf[32];
		int len = snprintf(buf, sizeof(buf), "%d", (int)pid);
		_cleanup_free_ char *pf = abs_path(cwd, o->pid_file);
		if ((r = ob_write_file_atomic(pf, buf, (size_t)len, 0644, err)) < 0) {
			ob_error_prefix(err, r, "--pid-file");
			goto fail;
		}
	}
	o->pid = pid;
	if (o->ret_lock_fd && o->ret_state) {
		*o->ret_state = ob_state_dup(&st);
		*o->ret_lock_fd = lock_fd;
		lock_fd = -1;
	}
	r = 0;
	goto out;

fail:
	if (o->pty_master >= 0) {
		close(o->pty_master);
		o->pty_master = -1;
	}
	/* Devices go back under their host names before the namespace dies (the kernel would
	 * return only physical ones, under the container's names, and destroy virtual ones). */
	if (devs_nsfd >= 0) {
		struct ob_err e2;
		ob_net_devices_move_out(devs_nsfd, spec->linux_.net_devices,
					spec->linux_.n_net_devices, &e2);
	}
	kill_init(pid);
	if (cg) {
		ob_cgroup_kill(cg, SIGKILL, NULL);
		if (sc.started)
			ob_systemd_scope_abort(&sc); /* systemd removes the scope's cgroup */
		ob_cgroup_destroy(cg, 5000, NULL);
	}
	ob_systemd_scope_abort(&sc);
	if (dir_made)
		ob_state_remove(o->root, o->id, NULL);
out:
	for (size_t i = 0; i < st.n_ext; i++) {
		free(st.ext[i].key);
		free(st.ext[i].value);
	}
	free(st.ext);
	if (devs_nsfd >= 0)
		close(devs_nsfd);
	for (size_t i = 0; i < n_cg; i++)
		close(cg_fds[i]);
	free(cg_fds);
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
	if (pty_sock >= 0)
		close(pty_sock);
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
