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
int ob_ns_type_from_name(const char *name);     /* spec spelling -> type; -EINVAL when unknown */
int ob_ns_clone_flag(enum ob_ns_type t);        /* CLONE_NEWPID, ... */
const char *ob_ns_proc_name(enum ob_ns_type t); /* /proc/PID/ns name: "pid", "net", "mnt", ... */

/* Open a namespace file and check (NS_GET_NSTYPE) that it is a namespace of type t:
 * "`/x`: not a network namespace". */
int ob_ns_open(const char *path, enum ob_ns_type t, int *ret_fd, struct ob_err *err);
/* Open /proc/PID/ns/<t>. */
int ob_ns_open_pid(pid_t pid, enum ob_ns_type t, int *ret_fd, struct ob_err *err);

/* A set of namespace fds to join; -1 = leave that one alone. */
struct ob_ns_set {
	int fd[OB_NS_COUNT];
};
void ob_ns_set_init(struct ob_ns_set *s);
void ob_ns_set_close(struct ob_ns_set *s);
/* setns(2) into every fd of the set. The user namespace is entered first when it grants
 * rights (we are not yet privileged over the others), and retried last when the first
 * try failed (it would take rights away) - the order util-linux nsenter uses. The mount
 * namespace is entered after the others so /proc paths stay valid while joining.
 * Entering a pid namespace only affects children (see setns(2)). */
int ob_ns_join(struct ob_ns_set *s, struct ob_err *err);
/* true when /proc/self/ns/<t> and fd name the same namespace. */
bool ob_ns_is_current(int fd, enum ob_ns_type t);

#endif
