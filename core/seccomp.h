/* seccomp.h - linux.seccomp as a BPF program, built in the parent, loaded in the child.
 *
 * The parent builds the whole filter with libseccomp before clone() and exports the BPF
 * program into a plain buffer (ob_seccomp_prepare). The child, which got a copy of that
 * memory with clone() (no CLONE_VM), loads it with one seccomp(2) call and no malloc
 * (ob_seccomp_load): last, after no_new_privs, right before it waits on exec.fifo.
 * Loading the exported program with seccomp(2) ourselves, as libseccomp's seccomp_load()
 * does, also gives every filter flag of the spec, whatever libseccomp version is linked.
 */
#ifndef OB_SECCOMP_H
#define OB_SECCOMP_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "spec.h"
#include "state.h"

struct sock_filter;

struct ob_seccomp_prog {
	struct sock_filter *filter; /* the BPF instructions */
	unsigned short len;	    /* number of instructions */
	unsigned int flags;	    /* SECCOMP_FILTER_FLAG_* for seccomp(2) */
	bool notify;		    /* SCMP_ACT_NOTIFY is used: the load returns a listener fd */
};

/* Build sc into a program. A spec without linux.seccomp gives *ret = NULL and returns 0.
 * Errors name the JSON path: "linux.seccomp.syscalls[3].action: unknown action ...". */
int ob_seccomp_prepare(const struct ob_seccomp *sc, struct ob_seccomp_prog **ret,
		       struct ob_err *err);
void ob_seccomp_prog_free(struct ob_seccomp_prog *prog);

/* Load prog into the calling thread (async-signal-safe: one prctl-free seccomp(2) call).
 * Needs no_new_privs or CAP_SYS_ADMIN. When prog->notify, *ret_notify_fd is the listener
 * fd (O_CLOEXEC); else -1. ret_notify_fd may be NULL when prog->notify is false. */
int ob_seccomp_load(const struct ob_seccomp_prog *prog, int *ret_notify_fd, struct ob_err *err);

/* Hand the notify fd to the seccomp agent at listener_path (AF_UNIX, SOCK_STREAM): one
 * connection, the container process state JSON as payload (runtime-spec "The Container
 * Process State", fds ["seccompFd"]) with the fd in SCM_RIGHTS of the first sendmsg. */
int ob_seccomp_notify_send(const char *listener_path, int notify_fd, const char *state_json,
			   size_t len, struct ob_err *err);

/* The sync sink (struct ob_sync_fd_sink) for a NOTIFY listener fd sent by the init or an
 * oci-exec process the moment its filter is loaded: on to linux.seccomp.listenerPath with
 * the container process state, one connection (config-linux.md), at once, since the child
 * may wait in a notified syscall of its own setup. Failing to send fails create/exec. */
struct ob_seccomp_forward {
	const struct ob_state *st;
	enum ob_status status;
	pid_t pid;
	const struct ob_seccomp *sc;
};
int ob_seccomp_forward_fd(void *forward, int fd, struct ob_err *err);

/* Check a listenerPath: absolute and short enough for sockaddr_un. */
int ob_seccomp_check_listener_path(const char *path, struct ob_err *err);

/* The one seccomp vocabulary (NULL-terminated): the names config.json may use, for the
 * spec parser (core/spec/parse.c), oci-features and ob_seccomp_prepare; the flags' values
 * in the order of their names. */
extern const char *const ob_seccomp_actions[];
extern const char *const ob_seccomp_operators[];
extern const char *const ob_seccomp_flags[];
extern const unsigned int ob_seccomp_flag_values[];
extern const char *const ob_seccomp_arches[];
/* The actions' and operators' libseccomp values, in the order of the names. */
struct ob_seccomp_action {
	uint32_t action;
	bool takes_errno; /* ERRNO and TRACE carry errnoRet in SECCOMP_RET_DATA */
};
extern const struct ob_seccomp_action ob_seccomp_action_values[];
extern const int ob_seccomp_operator_values[]; /* enum scmp_compare */
#define OB_SECCOMP_N_ACTIONS   9
#define OB_SECCOMP_N_OPERATORS 7
#define OB_SECCOMP_N_FLAGS     4

/* The default profile (packaging/seccomp-default.json, embedded at build time): a
 * linux.seccomp object as JSON text, NUL-terminated. */
const char *ob_seccomp_default_profile(size_t *ret_len);

#endif
