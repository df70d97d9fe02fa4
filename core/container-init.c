/* container-init.c - the container's init, from clone to execve.
 *
 * Joins the namespaces given by path that only it can enter, waits for GO (id maps,
 * cgroup and the runtime hooks are done by then), builds the container (hostname, lo,
 * rootfs, createContainer hooks, pivot_root, sysctl, terminal, masked/readonly paths,
 * personality, the process: user, caps, no_new_privs, seccomp), answers READY or one
 * error, then blocks on exec.fifo until oci-start, runs startContainer hooks and execs.
 */
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
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

#include "mempolicy.h"
#include "container-internal.h"
#include "hooks.h"
#include "sync.h"
#include "terminal.h"
#include "util.h"

/* Before GO and READY: the error goes back over the sync socket. */
static __attribute__((noreturn)) void init_fail(struct init_args *a, struct ob_err *err)
{
	ob_sync_fail(a->sync_fd, err);
}

/* After oci-start's byte: the failure goes back through exec.fifo, the same message, where
 * oci-start reads it once our end is closed (nothing there = exec'd). */
static __attribute__((noreturn)) void start_fail(struct init_args *a, struct ob_err *err)
{
	ob_sync_fail(a->fifo_fd, err);
}

/* GO and the two state JSON texts after it (creating, then created at m.value); -EIO when
 * the parent is gone. */
static int recv_go(int fd, char **ret_creating, char **ret_created)
{
	struct ob_sync_in in;
	struct ob_err err;
	if (ob_sync_expect(fd, OB_SYNC_GO, NULL, &in, &err) < 0)
		return -EIO;
	size_t split = (size_t)in.m.value;
	if (split > in.len) {
		free(in.data);
		return -EIO;
	}
	if (!in.data) /* no hook reads them */
		in.data = ob_xstrdup("");
	*ret_created = ob_xstrdup(in.data + split);
	in.data[split] = '\0';
	*ret_creating = in.data;
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

/* Cgroups first (before any user code), the cgroup namespace, then the namespaces only
 * the init can enter: a user namespace by path (and the pid namespace under it), the mount
 * namespace by path. */
static void init_join(struct init_args *a)
{
	struct ob_err err = {0};
	/* Our cgroups before anything else (DESIGN: before any user code; the parent waits
	 * for OB_SYNC_JOINED when its hooks come first). A task moving itself needs no RCU grace
	 * period, a pid written by the parent does (see ob_cgroup_open_tasks). */
	for (size_t i = 0; i < a->n_cg_fds; i++) {
		if (write(a->cg_fds[i], "0", 1) != 1)
			init_fail(
			    a, (ob_error(&err, errno, "join cgroup `%s`: set tasks to `0` in `%s`",
					 a->cg_path, a->cg_dirs[i]),
				&err));
		close(a->cg_fds[i]);
	}
	/* the cgroup namespace after the join, so that its root is the container's own
	 * cgroup in every hierarchy (made at clone it would be the runtime's) */
	if (a->late_cgroupns && unshare(CLONE_NEWCGROUP) < 0)
		init_fail(a, (ob_error(&err, errno, "unshare the cgroup namespace"), &err));
	if (a->cg_ack && ob_sync_send(a->sync_fd, OB_SYNC_JOINED, 0, -1, NULL, 0) < 0)
		_exit(1);
	if (a->user_ns_fd >= 0) {
		/* Joined by path: the new namespaces must belong to that user namespace, so
		 * they are made after setns. A new pid namespace only takes effect for a child:
		 * clone it as our sibling (CLONE_PARENT), hand its pid over and leave. */
		if (setns(a->user_ns_fd, CLONE_NEWUSER) < 0)
			init_fail(a, (ob_error(&err, errno, "join the user namespace"), &err));
		if (a->unshare_flags & CLONE_NEWPID) {
			/* clone3(2): exit_signal must be 0 with CLONE_PARENT (ours is inherited) */
			struct clone_args ca = {.flags = (uint64_t)a->unshare_flags | CLONE_PARENT};
			pid_t p2 = (pid_t)syscall(SYS_clone3, &ca, sizeof(ca));
			if (p2 < 0)
				init_fail(
				    a, (ob_error(&err, errno, "clone the container init"), &err));
			if (p2 > 0) {
				(void)ob_sync_send(a->sync_fd, OB_SYNC_PID, p2, -1, NULL, 0);
				_exit(0);
			}
		} else if (a->unshare_flags && unshare(a->unshare_flags) < 0) {
			init_fail(a, (ob_error(&err, errno, "unshare namespaces"), &err));
		}
	}
	/* If oci-create dies before the container is complete, so do we. */
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	/* A session of our own before any code of the container runs (createContainer and
	 * startContainer hooks, the process): the caller's terminal is never our
	 * controlling terminal, so TIOCSTI on the stdio we may share with the caller fails
	 * (CVE-2017-5226 class; runc's nsexec does the same). */
	if (ob_terminal_new_session(&err) < 0)
		init_fail(a, &err);
	if (a->mount_ns_fd >= 0 && setns(a->mount_ns_fd, CLONE_NEWNS) < 0)
		init_fail(a, (ob_error(&err, errno, "join the mount namespace"), &err));
}

/* Root in a new user namespace, the session keyring, hostname, domainname, lo. */
static void init_identity(struct init_args *a)
{
	const struct ob_spec *s = a->spec;
	struct ob_err err = {0};
	if ((a->new_userns || a->user_ns_fd >= 0) &&
	    (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0))
		init_fail(a, (ob_error(&err, errno, "become root in the user namespace"), &err));
	/* a change of credentials resets dumpability to fs.suid_dumpable: again */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if (a->keyring[0] &&
	    syscall(SYS_keyctl, 1 /* KEYCTL_JOIN_SESSION_KEYRING */, a->keyring) < 0 &&
	    errno != ENOSYS && errno != EACCES)
		init_fail(a, (ob_error(&err, errno, "join a new session keyring"), &err));
	if (s->hostname && sethostname(s->hostname, strlen(s->hostname)) < 0)
		init_fail(a, (ob_error(&err, errno, "sethostname `%s`", s->hostname), &err));
	if (s->domainname && setdomainname(s->domainname, strlen(s->domainname)) < 0)
		init_fail(a, (ob_error(&err, errno, "setdomainname `%s`", s->domainname), &err));
	if (a->new_netns && lo_up(&err) < 0)
		init_fail(a, &err);
}

/* The container itself: rootfs, createContainer hooks, pivot_root, sysctls, terminal,
 * masked/readonly paths, personality, memory policy. */
static void init_build(struct init_args *a, const char *json_creating)
{
	const struct ob_spec *s = a->spec;
	const struct ob_process *p = &s->process;
	struct ob_err err = {0};
	int r;

	umask(0);
	if (!a->no_mntns && (r = ob_rootfs_prepare(&a->rootfs, &err)) < 0)
		init_fail(a, &err);
	/* createContainer hooks run with the container's root as their cwd (runc chdirs to
	 * the rootfs before them) */
	if (s->hooks.n_create_container && chdir(a->rootfs.rootfs) < 0)
		init_fail(a, (ob_error(&err, errno, "chdir `%s`", a->rootfs.rootfs), &err));
	if ((r = ob_hooks_run(s->hooks.create_container, s->hooks.n_create_container,
			      "createContainer", json_creating, &err)) < 0)
		init_fail(a, &err);
	if (a->no_mntns) {
		/* the runtime's mount namespace (check_no_mntns): the sysctls through its
		 * /proc, then only a chroot; nothing is mounted, pivoted or detached */
		if ((r = write_sysctls(s, &err)) < 0)
			init_fail(a, &err);
		if (chroot(a->rootfs.rootfs) < 0 || chdir("/") < 0)
			init_fail(a,
				  (ob_error(&err, errno, "chroot `%s`", a->rootfs.rootfs), &err));
	} else {
		if (a->o->no_pivot &&
		    (r = ob_rootfs_hide_host_pseudo_fs(a->rootfs.rootfs, &err)) < 0)
			init_fail(a, &err);
		if ((r = ob_rootfs_pivot(a->rootfs.rootfs, a->o->no_pivot, &err)) < 0)
			init_fail(a, &err);
		if ((r = write_sysctls(s, &err)) < 0)
			init_fail(a, &err);
	}
	if (p->terminal && a->console_fd >= 0) {
		r = ob_terminal_setup(a->console_fd, p, &err);
		a->console_fd = -1;
		if (r < 0)
			init_fail(a, &err);
	}
	if (!a->no_mntns && (r = ob_rootfs_finish(&a->rootfs, &err)) < 0)
		init_fail(a, &err);
	if (s->linux_.has_personality && s->linux_.personality_domain) {
		unsigned long pers =
		    streq(s->linux_.personality_domain, "LINUX32") ? PER_LINUX32 : PER_LINUX;
		if (personality(pers) < 0)
			init_fail(a, (ob_error(&err, errno, "personality %s",
					       s->linux_.personality_domain),
				      &err));
	}
	/* linux.memoryPolicy: the task policy survives execve (set_mempolicy(2)). */
	if ((r = ob_mempolicy_apply(&s->linux_.memory_policy, &err)) < 0)
		init_fail(a, &err);
	umask(0022);
}

/* The container's init, from clone to execve. Never returns. */
__attribute__((noreturn)) void ob_init_main(struct init_args *a)
{
	const struct ob_spec *s = a->spec;
	struct ob_err err = {0};
	int r;

	/* Non-dumpable from the first instruction to execve: no process (of a joined pid
	 * namespace, a hook, the container's) may ptrace us or open our /proc/PID/exe, mem,
	 * environ (CVE-2019-5736). The one exception: an unprivileged caller writes the id
	 * maps of a new user namespace into our /proc/PID, which must then be its own; we
	 * stay dumpable until GO (the maps are written by then), in namespaces all new. */
	if (!a->maps_by_owner)
		prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	close(a->lock_fd);
	init_join(a);

	_cleanup_free_ char *json_creating = NULL, *json_created = NULL;
	if (recv_go(a->sync_fd, &json_creating, &json_created) < 0)
		_exit(1);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	for (size_t i = 0; i < s->n_mounts; i++) {
		struct ob_sync_in in;
		if (!s->mounts[i].idmap && !s->mounts[i].ridmap &&
		    !(a->bind_src_fds && s->mounts[i].bind))
			continue;
		if (ob_sync_expect(a->sync_fd, OB_SYNC_FD, NULL, &in, &err) < 0 || in.fd < 0)
			_exit(1);
		a->idmap_fds[i] = in.fd;
	}

	init_identity(a);
	init_build(a, json_creating);
	/* 127/126 only for the program itself (util-linux, runc); a missing cwd, user or
	 * rlimit is a setup failure (1), as in oci-exec. */
	if (s->has_process && (r = ob_process_setup(&a->proc, &err)) < 0)
		init_fail(a, &err);

	prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
	if (ob_sync_send(a->sync_fd, OB_SYNC_READY, 0, -1, NULL, 0) < 0)
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
	if (!s->has_process)
		start_fail(
		    a, (ob_error_msg(&err, EINVAL, "config.json has no process: nothing to start"),
			&err));
	if (s->hooks.n_start_container &&
	    ob_hooks_run(s->hooks.start_container, s->hooks.n_start_container, "startContainer",
			 json_created, &err) < 0)
		start_fail(a, &err);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	ob_process_exec(&a->proc, &err);
	start_fail(a, &err);
}
