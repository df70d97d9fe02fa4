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

const char *ob_ns_type_name(enum ob_ns_type t) { return t < OB_NS_COUNT ? ns_types[t].spec : "?"; }
const char *ob_ns_proc_name(enum ob_ns_type t) { return t < OB_NS_COUNT ? ns_types[t].proc : "?"; }
int ob_ns_clone_flag(enum ob_ns_type t) { return t < OB_NS_COUNT ? ns_types[t].flag : 0; }

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
		return ob_error(err, errno, "open %s namespace `%s`", ob_ns_type_name(t), path);
	int type = ioctl(fd, NS_GET_NSTYPE);
	if (type < 0)
		return ob_error_msg(err, EINVAL, "`%s`: not a namespace file", path);
	if (type != ns_types[t].flag)
		return ob_error_msg(err, EINVAL, "`%s`: not a %s namespace", path, ob_ns_type_name(t));
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

/* Join order: user (first try), then ipc, uts, net, pid, cgroup, time, mount last,
 * then user again if the first try failed - as util-linux nsenter does. */
static const enum ob_ns_type join_order[] = {OB_NS_IPC,    OB_NS_UTS,  OB_NS_NETWORK, OB_NS_PID,
					     OB_NS_CGROUP, OB_NS_TIME, OB_NS_MOUNT};

int ob_ns_join(struct ob_ns_set *s, struct ob_err *err)
{
	bool user_done = false;
	int fd_user = s->fd[OB_NS_USER];
	/* Joining the user namespace we are already in fails with EINVAL: skip it. */
	if (fd_user >= 0 && ob_ns_is_current(fd_user, OB_NS_USER))
		user_done = true;
	if (fd_user >= 0 && !user_done && setns(fd_user, CLONE_NEWUSER) == 0)
		user_done = true;
	for (size_t i = 0; i < ARRAY_SIZE(join_order); i++) {
		enum ob_ns_type t = join_order[i];
		if (s->fd[t] < 0)
			continue;
		if (setns(s->fd[t], ns_types[t].flag) < 0)
			return ob_error(err, errno, "setns %s namespace", ob_ns_type_name(t));
	}
	if (fd_user >= 0 && !user_done && setns(fd_user, CLONE_NEWUSER) < 0)
		return ob_error(err, errno, "setns user namespace");
	return 0;
}
