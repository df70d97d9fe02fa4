/* ns.c - namespace types; opening and joining namespaces. */
#include "ns.h"

#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include "util.h"

#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/lsan_interface.h>
#endif

/* make SANITIZE=1: LeakSanitizer's check at exit stops the world through a task it
 * clones, which after setns(CLONE_NEWPID) is born in the joined pid namespace, cannot
 * find its parent's threads there and spins forever (nsenter, oci-exec, a create that
 * joins a pid namespace). The check runs now instead, before the join, and the one at
 * exit is then skipped: detect_leaks=0 from here on, for this process only. */
static void leak_check_before_pidns(void)
{
#ifdef __SANITIZE_ADDRESS__
	__lsan_do_leak_check();
#endif
}

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const struct {
	const char *spec, *proc;
	int flag;
} ns_types[OB_NS_COUNT] = {
    [OB_NS_PID] = {"pid", "pid", CLONE_NEWPID},
    [OB_NS_NETWORK] = {"network", "net", CLONE_NEWNET},
    [OB_NS_MOUNT] = {"mount", "mnt", CLONE_NEWNS},
    [OB_NS_IPC] = {"ipc", "ipc", CLONE_NEWIPC},
    [OB_NS_UTS] = {"uts", "uts", CLONE_NEWUTS},
    [OB_NS_USER] = {"user", "user", CLONE_NEWUSER},
    [OB_NS_CGROUP] = {"cgroup", "cgroup", CLONE_NEWCGROUP},
    [OB_NS_TIME] = {"time", "time", CLONE_NEWTIME},
};

const char *ob_ns_type_name(enum ob_ns_type t)
{
	return t < OB_NS_COUNT ? ns_types[t].spec : "?";
}
const char *ob_ns_proc_name(enum ob_ns_type t)
{
	return t < OB_NS_COUNT ? ns_types[t].proc : "?";
}
int ob_ns_clone_flag(enum ob_ns_type t)
{
	return t < OB_NS_COUNT ? ns_types[t].flag : 0;
}

int ob_ns_type_from_name(const char *name)
{
	for (int t = 0; t < OB_NS_COUNT; t++)
		if (streq(ns_types[t].spec, name))
			return t;
	return -EINVAL;
}

int ob_ns_open(const char *path, enum ob_ns_type t, int *ret_fd, struct ob_err *err)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ob_error(err, errno, "cannot open %s", path); /* util-linux's words */
	/* NS_GET_NSTYPE (ioctl_ns(2)) fails with ENOTTY on anything but an nsfs file. */
	int type = ioctl(fd, NS_GET_NSTYPE);
	if (type < 0)
		return ob_error_msg(err, EINVAL, "%s: not a namespace file", path);
	if (type != ns_types[t].flag)
		return ob_error_msg(err, EINVAL, "%s: not a %s namespace", path,
				    ob_ns_type_name(t));
	*ret_fd = TAKE_FD(fd);
	return 0;
}

int ob_ns_open_pid(pid_t pid, enum ob_ns_type t, int *ret_fd, struct ob_err *err)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, ns_types[t].proc);
	return ob_ns_open(path, t, ret_fd, err);
}

void ob_ns_set_init(struct ob_ns_set *s)
{
	for (int t = 0; t < OB_NS_COUNT; t++)
		s->fd[t] = -1;
}

void ob_ns_set_close(struct ob_ns_set *s)
{
	for (int t = 0; t < OB_NS_COUNT; t++)
		if (s->fd[t] >= 0) {
			close(s->fd[t]);
			s->fd[t] = -1;
		}
}

bool ob_ns_is_current(int fd, enum ob_ns_type t)
{
	char path[64];
	struct stat a, b;
	snprintf(path, sizeof(path), "/proc/self/ns/%s", ns_types[t].proc);
	if (fstat(fd, &a) < 0 || stat(path, &b) < 0)
		return false;
	return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* The order util-linux nsenter joins in (its namespace_files table, user first). */
static const enum ob_ns_type join_order[] = {OB_NS_USER,    OB_NS_CGROUP, OB_NS_IPC,   OB_NS_UTS,
					     OB_NS_NETWORK, OB_NS_PID,	  OB_NS_MOUNT, OB_NS_TIME};

int ob_ns_join(struct ob_ns_set *s, struct ob_err *err)
{
	bool done[OB_NS_COUNT] = {false};
	/* setns(2) into the user namespace we are already in fails with EINVAL: skip it. */
	if (s->fd[OB_NS_USER] >= 0 && ob_ns_is_current(s->fd[OB_NS_USER], OB_NS_USER))
		done[OB_NS_USER] = true;
	/* Two passes, as util-linux does: the first skips the user namespace and tolerates
	 * failures; the second enters the user namespace, then retries what failed. A caller
	 * privileged over the target (root on the host) so enters everything while it still
	 * has its capabilities and the user namespace last (it would take them away); an
	 * unprivileged caller gains the rights over the others by entering the user namespace
	 * first (user_namespaces(7), setns(2) "CAP_SYS_ADMIN in the user namespace that owns
	 * the namespace"). */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = pass ? 0 : 1; i < ARRAY_SIZE(join_order); i++) {
			enum ob_ns_type t = join_order[i];
			if (s->fd[t] < 0 || done[t])
				continue;
			if (t == OB_NS_PID)
				leak_check_before_pidns();
			if (setns(s->fd[t], ns_types[t].flag) < 0) {
				if (pass == 0)
					continue;
				return ob_error(err, errno,
						"reassociate to namespace 'ns/%s' failed",
						ns_types[t].proc);
			}
			done[t] = true;
		}
	}
	return 0;
}

int ob_ns_join_one(struct ob_ns_set *s, enum ob_ns_type t, struct ob_err *err)
{
	if (s->fd[t] < 0)
		return 0;
	if (t == OB_NS_PID)
		leak_check_before_pidns();
	if (setns(s->fd[t], ns_types[t].flag) < 0)
		return ob_error(err, errno, "reassociate to namespace 'ns/%s' failed",
				ns_types[t].proc);
	close(s->fd[t]);
	s->fd[t] = -1;
	return 0;
}
