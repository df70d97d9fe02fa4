/* ns.h - namespace types, and opening and joining namespaces in the order that works.
 *
 * Used by oci-create (spec namespaces with a path), nsenter and oci-exec.
 */
#ifndef OB_NS_H
#define OB_NS_H

#include <stdbool.h>
#include <sys/types.h>

#include "err.h"

enum ob_ns_type {
	OB_NS_PID,
	OB_NS_NETWORK,
	OB_NS_MOUNT,
	OB_NS_IPC,
	OB_NS_UTS,
	OB_NS_USER,
	OB_NS_CGROUP,
	OB_NS_TIME,
	OB_NS_COUNT
};

const char *ob_ns_type_name(enum ob_ns_type t); /* spec spelling: "pid", "network", "mount", ... */
int ob_ns_type_from_name(const char *name);	/* spec spelling -> type; -EINVAL when unknown */
int ob_ns_clone_flag(enum ob_ns_type t);	/* CLONE_NEWPID, ... */
const char *ob_ns_proc_name(enum ob_ns_type t); /* /proc/PID/ns name: "pid", "net", "mnt", ... */

/* Open a namespace file and check (NS_GET_NSTYPE) that it is a namespace of type t.
 * Errors: "cannot open /proc/9/ns/net: No such file or directory" (util-linux's words),
 * "/x: not a namespace file", "/proc/9/ns/ipc: not a network namespace". */
int ob_ns_open(const char *path, enum ob_ns_type t, int *ret_fd, struct ob_err *err);
/* Open /proc/PID/ns/<t>. */
int ob_ns_open_pid(pid_t pid, enum ob_ns_type t, int *ret_fd, struct ob_err *err);

/* A set of namespace fds to join; -1 = leave that one alone. */
struct ob_ns_set {
	int fd[OB_NS_COUNT];
};
void ob_ns_set_init(struct ob_ns_set *s);
void ob_ns_set_close(struct ob_ns_set *s);
/* setns(2) into every fd of the set, as util-linux nsenter does: a first pass over all
 * but the user namespace (failures tolerated), then the user namespace and a retry of
 * what failed. So the user namespace comes last when it would take rights away (root
 * on the host) and first when it grants them (an unprivileged owner). A user namespace
 * fd naming the caller's own is skipped. Entering a pid namespace only affects children
 * (setns(2)): the caller forks. Error: "reassociate to namespace 'ns/net' failed: ...". */
int ob_ns_join(struct ob_ns_set *s, struct ob_err *err);
/* setns(2) into the set's namespace of type t alone, then close and forget that fd
 * (nothing to do when it is -1). oci-exec enters the pid namespace in the parent this
 * way, so the child it forks is born there. */
int ob_ns_join_one(struct ob_ns_set *s, enum ob_ns_type t, struct ob_err *err);
/* true when /proc/self/ns/<t> and fd name the same namespace. */
bool ob_ns_is_current(int fd, enum ob_ns_type t);

#endif
