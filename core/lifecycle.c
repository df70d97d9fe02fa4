/* lifecycle.c - start, kill, delete and run of an existing container.
 *
 * start writes one byte into exec.fifo and waits until the init's end of it is closed by
 * execve (close-on-exec), then runs poststart hooks; delete runs poststop hooks (read
 * from config.json again only when the state says there are some).
 */
#include <sys/signalfd.h>
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

#include "cgroup.h"
#include "cgroup/systemd.h"
#include "container-internal.h"
#include "fault.h"
#include "hooks.h"
#include "log.h"
#include "sync.h"
#include "terminal.h"
#include "util.h"

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

/* start with the lock held and the state loaded; err->exit_code: the init's exit code when
 * it failed after oci-start's byte (exec, startContainer hooks), else 0 */
static int start_locked(const struct ob_state *st, struct ob_err *err)
{
	const char *root = st->root, *id = st->id;
	int r;
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
			return ob_error_msg(err, EINVAL,
					    "cannot start a container that has stopped");
		return ob_error(err, errno, "open `%s`", fifo);
	}
	ob_fault_point("start-opened");
	if (write(fd, "0", 1) != 1)
		return ob_error(err, errno, "write `%s`", fifo);
	/* Wait until the init's end of the fifo closes: execve (close-on-exec) or exit. */
	struct pollfd p = {.fd = fd, .events = 0};
	while (poll(&p, 1, -1) < 0 && errno == EINTR)
		;
	ob_fault_point("start-written");
	/* A failure (exec, startContainer hook) was written into the fifo before the init
	 * exited; our write end keeps the pipe and its data. Nothing there: the process was
	 * exec'd (it may well have exited already). */
	_cleanup_close_ int rfd = open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (rfd >= 0) {
		struct ob_sync_in in;
		r = ob_sync_expect(rfd, OB_SYNC_EOF, NULL, &in, err);
		if (r < 0 && in.m.kind != OB_SYNC_ERROR && in.m.kind != -1)
			ob_error_msg(err, EIO, "the process failed at start");
		if (r < 0 && in.m.kind != -1) {
			unlink(fifo);
			return r; /* err->exit_code: the init's */
		}
	}
	unlink(fifo);
	/* poststart hooks live in config.json: read it again only when the state says so */
	if (ob_state_get_ext(st, "poststart")) {
		struct ob_spec *spec = NULL;
		if ((r = load_spec_of(st, &spec, err)) < 0)
			return r;
		_cleanup_free_ char *json = ob_state_json(st, OB_STATUS_RUNNING, false);
		r = ob_hooks_run(spec->hooks.poststart, spec->hooks.n_poststart, "poststart", json,
				 err);
		ob_spec_free(spec);
		if (r < 0) {
			/* runtime.md: a failing poststart hook stops the container */
			signal_init(st, SIGKILL, NULL);
			return r;
		}
	}
	return 0;
}

int ob_container_start(const char *root, const char *id, struct ob_err *err)
{
	_cleanup_close_ int lock = -1;
	_cleanup_state_ struct ob_state *st = NULL;
	int r = ob_state_lock(root, id, &lock, err);
	if (r < 0 || (r = ob_state_load(root, id, &st, err)) < 0)
		return r;
	return start_locked(st, err);
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
		if (stat(path, &ns) == 0 && ns.st_ino == init_ns.st_ino &&
		    ns.st_dev == init_ns.st_dev)
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
	if (sig == 0) {
		/* kill(2)'s signal 0: is it alive (engines probe with it)? Nothing is sent, so
		 * --all has nothing to freeze and signal: the init stands for the container,
		 * and --all on a stopped one is no error, as with any signal. */
		if (s == OB_STATUS_STOPPED && all)
			return 0;
		if (s == OB_STATUS_STOPPED || s == OB_STATUS_CREATING)
			return ob_error_msg(err, ESRCH, "container `%s` is not running", id);
		return signal_init(st, 0, err);
	}
	if (s == OB_STATUS_STOPPED && all) {
		/* runc: --all on a stopped container signals what its cgroup still holds (the
		 * children of an init without its own pid namespace); none left is no error */
		struct ob_cgroup *cg = NULL;
		if ((r = ob_cgroup_open_state(st, &cg, err)) < 0)
			return r;
		if (cg)
			r = ob_cgroup_kill(cg, sig, err);
		ob_cgroup_free(cg);
		return r;
	}
	if (s == OB_STATUS_STOPPED || s == OB_STATUS_CREATING)
		return ob_error_msg(err, EINVAL, "container `%s` is not running", id);
	if (all)
		return kill_all(st, sig, err);
	if ((r = signal_init(st, sig, err)) < 0 || sig != SIGKILL || s != OB_STATUS_PAUSED)
		return r;
	/* A frozen task dies of SIGKILL only once thawed (cgroup v1 freezer; v2 likewise):
	 * thaw, as runc does, or the container stays paused with its init unkillable. */
	struct ob_cgroup *cg = NULL;
	if ((r = ob_cgroup_open_state(st, &cg, err)) < 0)
		return r;
	if (cg)
		r = ob_cgroup_thaw(cg, err);
	ob_cgroup_free(cg);
	return r < 0 ? ob_error_prefix(err, r, "kill container `%s`: thaw", id) : 0;
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
	/* the init of a half-made entry lives on when its create was killed (the lock we
	 * hold says nobody works on it): that one is not stopped either */
	bool alive = s != OB_STATUS_STOPPED && ob_state_init_alive(st);
	/* runtime.md, delete: "Attempting to delete a container that is not stopped MUST
	 * generate an error" -- a created one too (runc and crun destroy it; engines pass
	 * --force or kill first: README, Differences from runc) */
	if (!force && (s == OB_STATUS_CREATED || s == OB_STATUS_RUNNING || s == OB_STATUS_PAUSED ||
		       (s == OB_STATUS_CREATING && alive)))
		return ob_error_msg(err, EBUSY,
				    "cannot delete container `%s` that is not stopped: %s", id,
				    ob_status_name(s));
	if (alive) {
		kill_all(st, SIGKILL, NULL);
		if (!wait_gone(st, 10000))
			return ob_error_msg(err, ETIMEDOUT,
					    "container `%s`: the init did not exit after SIGKILL",
					    id);
	}
	ob_fault_point("delete-killed");
	struct ob_cgroup *cg = NULL;
	if ((r = ob_cgroup_open_state(st, &cg, err)) < 0)
		return r;
	if (cg) {
		const char *top = ob_state_get_ext(st, "cgroup_top");
		if (top)
			ob_cgroup_set_created_top(cg, top);
		/* what is left (a container without its own pid namespace), then the cgroup;
		 * without an init recorded the cgroup was never checked to be empty (create was
		 * killed before it): what it may hold is not ours to kill */
		if (st->pid > 0)
			ob_cgroup_kill(cg, SIGKILL, NULL);
		/* a systemd scope goes with its unit: systemd removes the cgroup it made */
		const char *unit = ob_state_get_ext(st, "systemd_unit");
		if (unit) {
			struct ob_systemd_unit u = {0};
			snprintf(u.unit, sizeof(u.unit), "%s", unit);
			if ((r = ob_systemd_stop(&u, err)) < 0) {
				ob_cgroup_free(cg);
				return ob_error_prefix(err, r, "delete container `%s`", id);
			}
		}
		r = ob_cgroup_destroy(cg, 10000, err);
		ob_cgroup_free(cg);
		if (r < 0)
			return ob_error_prefix(err, r, "delete container `%s`", id);
	}
	ob_fault_point("delete-cgroup");
	/* poststop hooks belong to a container that was made; a half-made one never was */
	if (ob_state_get_ext(st, "poststop") && !ob_state_get_ext(st, OB_STATE_CREATING)) {
		struct ob_spec *spec = NULL;
		struct ob_err e2 = {0};
		if (load_spec_of(st, &spec, &e2) < 0) {
			ob_log_warn("poststop hooks: %s", e2.msg);
		} else {
			_cleanup_free_ char *json = ob_state_json(st, OB_STATUS_STOPPED, false);
			for (size_t i = 0; i < spec->hooks.n_poststop; i++)
				if (ob_hooks_run(&spec->hooks.poststop[i], 1, "poststop", json,
						 &e2) < 0)
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
	ob_terminal_fg_signals(&fwd);
	if (!detach)
		sigprocmask(SIG_BLOCK, &fwd, &old);
	/* create hands its lock and state to start: no second lock, read and parse */
	int lock = -1;
	struct ob_state *st = NULL;
	o->ret_lock_fd = &lock;
	o->ret_state = &st;
	int r = ob_container_create(o, err);
	o->ret_lock_fd = NULL;
	o->ret_state = NULL;
	if (r < 0) {
		if (!detach)
			sigprocmask(SIG_SETMASK, &old, NULL);
		*ret_status = ob_err_exit_code(err);
		return r;
	}
	_cleanup_close_ int master = o->pty_master;
	o->pty_master = -1;
	ob_fault_point("run-created");
	r = start_locked(st, err);
	ob_state_free(st);
	/* released before the wait: a delete --force from elsewhere must not block on us */
	close(lock);
	if (r < 0 || detach) {
		if (r < 0) {
			ob_container_delete(o->root, o->id, true, NULL);
			waitpid(o->pid, NULL, WNOHANG);
		}
		if (!detach)
			sigprocmask(SIG_SETMASK, &old, NULL);
		*ret_status = r < 0 ? ob_err_exit_code(err) : 0;
		return r;
	}
	ob_fault_point("run-started");
	/* signals forwarded; a terminal process's pty copied to and from our stdio */
	r = ob_terminal_foreground(o->pid, master, ret_status, err);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (r < 0)
		return r;
	if (!keep)
		return ob_container_delete(o->root, o->id, true, err);
	return 0;
}
