/* process.h - apply a spec `process` inside the container and exec it.
 *
 * Used by the container init (core/container.c) and by oci-exec. Everything that needs
 * memory is prepared before clone/fork (ob_process_prepare); the child side
 * (ob_process_setup, ob_process_exec) runs inside the container's namespaces after
 * pivot_root and allocates as little as it can.
 */
#ifndef OB_PROCESS_H
#define OB_PROCESS_H

#include <stdbool.h>
#include <sys/types.h>

#include "caps.h"
#include "err.h"
#include "spec.h"

struct ob_seccomp_prog;

/* The fds 3 .. 3+n-1 the caller asked to pass on (--preserve-fds, LISTEN_FDS), decided
 * before ocibox opens any fd of its own (ob_process_keep_fds): only those the caller
 * really passed us (open and not close-on-exec) reach the container; the holes are held
 * by close-on-exec /dev/null fds so that no fd of ours can land there (CVE-2024-21626). */
#define OB_MAX_PRESERVE_FDS 1024
struct ob_fd_keep {
	int n;
	unsigned char pass[OB_MAX_PRESERVE_FDS / 8];	 /* bit i: fd 3+i is the caller's */
	unsigned char reserved[OB_MAX_PRESERVE_FDS / 8]; /* bit i: fd 3+i holds a hole */
};

struct ob_proc_ctx {
	const struct ob_process *p;
	struct ob_caps caps; /* prepared capability sets (libcap) */
	bool has_caps;
	char **env; /* the process env (spec env + HOME when missing, set later) */
	const struct ob_seccomp *seccomp; /* linux.seccomp to load last; NULL or !present: none */
	struct ob_seccomp_prog *seccomp_prog; /* ob_seccomp_prepare(seccomp) by the caller, in
					       * the parent; freed with the ctx */
	int preserve_fds;	       /* fds 3 .. 3+N-1 kept open; prepare sets LISTEN_FDS's N,
					* the caller raises it to --preserve-fds */
	const struct ob_fd_keep *keep; /* when set: which of those are passed on (else:
					* the open ones that are not close-on-exec) */
	int keep_open[2];	       /* fds of the caller's own (the sync socket, exec.fifo) it
					* still uses until execve: left open, close-on-exec; every
					* other fd past the preserved ones is closed; prepare sets -1 */
	int seccomp_sync;	       /* SCMP_ACT_NOTIFY: the socket the listener fd is sent on
					* ("seccompFd") the moment the filter is loaded, -1: kept in
					* seccomp_fd; prepare sets -1 */
	/* filled by ob_process_setup */
	char exec_path[4096]; /* args[0] resolved in the container's PATH */
	int seccomp_fd;	      /* SCMP_ACT_NOTIFY without seccomp_sync: the listener fd,
			       * for the runtime; else -1 */
	bool seccomp_loaded;  /* the filter is in place (NOTIFY: by setup; else by exec) */
	bool caps_pending;    /* no_new_privs unset: the sets are applied after the filter */
};

/* N of systemd socket activation (sd_listen_fds(3)): LISTEN_FDS, only when LISTEN_PID
 * is our pid; else 0. */
int ob_process_listen_fds(void);

/* Parent, before any fd of ours is opened: record which of fds 3 .. 3+n-1 the caller
 * passed us, hold the others with close-on-exec /dev/null. ob_process_keep_fds_release
 * closes the holders. */
int ob_process_keep_fds(int n, struct ob_fd_keep *k, struct ob_err *err);
void ob_process_keep_fds_release(struct ob_fd_keep *k);

/* Parent side: build the capability sets and the env (+ LISTEN_FDS=N LISTEN_PID=1 when
 * ob_process_listen_fds() is N > 0); nothing inside the container yet. */
int ob_process_prepare(const struct ob_process *p, struct ob_proc_ctx *ctx, struct ob_err *err);
void ob_process_ctx_free(struct ob_proc_ctx *ctx);

/* Child side, inside the container (after pivot_root): rlimits, oomScoreAdj,
 * scheduler, ioPriority, execCPUAffinity(initial), closes every fd past stdio and
 * preserve_fds but keep_open and the log's (those close-on-exec: ours stay usable until
 * execve), user (uid, gid, additionalGids read with the container's /etc/passwd and
 * /etc/group, umask, HOME), capabilities, cwd (checked inside the root after chdir), PATH
 * lookup of args[0] (ENOENT: exit 127, EACCES: 126), no_new_privs, LSM label. The seccomp
 * filter only when it has SCMP_ACT_NOTIFY (the listener fd goes out on seccomp_sync).
 * Returns -errno with err filled. */
int ob_process_setup(struct ob_proc_ctx *ctx, struct ob_err *err);

/* execCPUAffinity final, the seccomp filter (and after it, without no_new_privs, the
 * capability sets), execve(exec_path, args, env): no other syscall after the filter.
 * Returns only on failure. */
int ob_process_exec(struct ob_proc_ctx *ctx, struct ob_err *err);

/* Look up a user by name or number in ROOT/etc/passwd (ROOT "" or "/" = the current
 * root). No NSS. ret_* optional. -ENOENT when there is no such user. */
struct ob_passwd {
	uid_t uid;
	gid_t gid;
	char home[256];
};
int ob_passwd_lookup(const char *root, const char *user, struct ob_passwd *ret);
/* A group by name or number in ROOT/etc/group. */
int ob_group_lookup(const char *root, const char *group, gid_t *ret);

#endif
