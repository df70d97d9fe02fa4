/* criu.h - a CRIU client: `criu swrk` over a socketpair, its RPC (images/rpc.proto).
 *
 * The messages are protobuf (proto2). We encode the few criu_opts fields we send and
 * decode criu_resp with a small codec of our own (the wire format is varints and
 * length-delimited fields; rpc.proto's field numbers are CRIU's stable interface), so no
 * protobuf library is linked. Notifications ("setup-namespaces", "post-restore",
 * "orphan-pts-master", ...) reach a callback in this process: hooks run here, at their
 * points, and a pty master arrives with SCM_RIGHTS.
 */
#ifndef OB_CRIU_H
#define OB_CRIU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"

/* rpc.proto: criu_req_type */
enum {
	CRIU_REQ_DUMP = 1,
	CRIU_REQ_RESTORE = 2,
	CRIU_REQ_CHECK = 3,
	CRIU_REQ_PRE_DUMP = 4,
	CRIU_REQ_NOTIFY = 6,
	CRIU_REQ_FEATURE_CHECK = 9,
	CRIU_REQ_VERSION = 10,
};

/* rpc.proto: criu_opts field numbers (only those ocibox sends) */
enum {
	CRIU_OPT_IMAGES_DIR_FD = 1,
	CRIU_OPT_PID = 2,
	CRIU_OPT_LEAVE_RUNNING = 3,
	CRIU_OPT_EXT_UNIX_SK = 4,
	CRIU_OPT_TCP_ESTABLISHED = 5,
	CRIU_OPT_EVASIVE_DEVICES = 6,
	CRIU_OPT_SHELL_JOB = 7,
	CRIU_OPT_FILE_LOCKS = 8,
	CRIU_OPT_LOG_LEVEL = 9,
	CRIU_OPT_LOG_FILE = 10,
	CRIU_OPT_PS = 11, /* criu_page_server_info: address 1, port 2 */
	CRIU_OPT_NOTIFY_SCRIPTS = 12,
	CRIU_OPT_ROOT = 13,
	CRIU_OPT_PARENT_IMG = 14,
	CRIU_OPT_TRACK_MEM = 15,
	CRIU_OPT_AUTO_DEDUP = 16,
	CRIU_OPT_WORK_DIR_FD = 17,
	CRIU_OPT_EXT_MNT = 23, /* ext_mount_map: key 1, val 2 */
	CRIU_OPT_MANAGE_CGROUPS = 24,
	CRIU_OPT_CG_ROOT = 25, /* cgroup_root: ctrl 1, path 2 */
	CRIU_OPT_RST_SIBLING = 26,
	CRIU_OPT_INHERIT_FD = 27, /* inherit_fd: key 1, fd 2 */
	CRIU_OPT_MANAGE_CGROUPS_MODE = 34,
	CRIU_OPT_EXTERNAL = 37,
	CRIU_OPT_EMPTY_NS = 38,
	CRIU_OPT_JOIN_NS = 39, /* join_namespace: ns 1, ns_file 2 */
	CRIU_OPT_FREEZE_CGROUP = 44,
	CRIU_OPT_LAZY_PAGES = 48,
	CRIU_OPT_ORPHAN_PTS_MASTER = 50,
	CRIU_OPT_CONFIG_FILE = 51,
	CRIU_OPT_IMAGES_DIR = 68, /* a path, with images_dir_fd -1 (CRIU >= 3.19) */
};

/* rpc.proto: criu_cg_mode */
enum {
	CRIU_CG_IGNORE = 0,
	CRIU_CG_SOFT = 3,
	CRIU_CG_FULL = 4,
	CRIU_CG_STRICT = 5,
	CRIU_CG_DEFAULT = 6
};

/* An encoded message under construction (grows as needed). */
struct ob_pb {
	uint8_t *buf;
	size_t len, cap;
};
void ob_pb_free(struct ob_pb *b);
void ob_pb_uint(struct ob_pb *b, unsigned field, uint64_t v);
void ob_pb_int32(struct ob_pb *b, unsigned field, int32_t v); /* negative: 10 bytes */
void ob_pb_bool(struct ob_pb *b, unsigned field, bool v);
void ob_pb_str(struct ob_pb *b, unsigned field, const char *s);
void ob_pb_msg(struct ob_pb *b, unsigned field, const struct ob_pb *sub);
/* Two-string sub-messages (ext_mount_map, cgroup_root, join_namespace): fields 1 and 2;
 * a NULL first string is left out (cgroup_root without ctrl). */
void ob_pb_pair(struct ob_pb *b, unsigned field, const char *s1, const char *s2);
/* inherit_fd {key 1, fd 2} */
void ob_pb_inherit_fd(struct ob_pb *b, const char *key, int fd);

/* The final answer of a request. */
struct ob_criu_resp {
	int type;
	bool success;
	int cr_errno;
	char errmsg[256];
	pid_t restore_pid;
	bool feat_mem_track, feat_lazy_pages;
	int version_major, version_minor, version_sublevel;
};

/* A notification: return < 0 (err filled) to make CRIU fail the operation. fd is a
 * descriptor that came with it (orphan-pts-master) or -1; the callback owns it. */
typedef int (*ob_criu_notify_fn)(void *arg, const char *script, pid_t pid, int fd,
				 struct ob_err *err);

/* A running `criu swrk`. */
struct ob_criu {
	pid_t pid;
	int sock;
};

/* The criu binary: set (global --criu) or "criu" on PATH. */
void ob_criu_set_path(const char *path);
const char *ob_criu_path(void);

/* Start `criu swrk 3`, with our stdio as its 0-2, the socket as 3 and fds[i] as 4+i.
 * setup (may be NULL) runs in the child before exec (e.g. a private mount namespace);
 * its error reaches the caller. */
typedef int (*ob_criu_setup_fn)(void *arg, struct ob_err *err);
int ob_criu_start(struct ob_criu *c, const int *fds, size_t n_fds, ob_criu_setup_fn setup,
		  void *arg, struct ob_err *err);
/* Send req (a criu_req), answer notifications through fn, and return the final response
 * (resp->success tells whether CRIU did it). */
int ob_criu_call(struct ob_criu *c, const struct ob_pb *req, ob_criu_notify_fn fn, void *arg,
		 struct ob_criu_resp *resp, struct ob_err *err);
/* Close the socket and reap criu; its exit status (0 = exited with 0). */
int ob_criu_finish(struct ob_criu *c);

/* The relevant lines of a CRIU log: every line with "Error" and the line before it, as
 * "N: text" lines, at most max bytes; NULL when there is no such line. malloc'd. */
char *ob_criu_log_excerpt(const char *path, size_t max);

/* Whether a working criu is there: `criu check` passes. desc gets "criu 4.2 (PATH)"
 * or why not ("criu: not found in PATH", "`/usr/sbin/criu check` failed: ..."). */
bool ob_criu_works(char *desc, size_t len);

#endif
