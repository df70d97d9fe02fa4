/* state.h - the state of one container under ROOT/ID: state.json, exec.fifo, the lock.
 *
 * ROOT/ID/ (0700)  state.json (temp file + rename), exec.fifo (exists while `created`),
 * lock (flock: serialises operations on one id). The status is derived from the live
 * system, never trusted from the file: see ob_state_status().
 */
#ifndef OB_STATE_H
#define OB_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"
#include "spec.h"

#define OB_OCI_VERSION "1.3.0"

enum ob_status {
	OB_STATUS_CREATING,
	OB_STATUS_CREATED,
	OB_STATUS_RUNNING,
	OB_STATUS_PAUSED,
	OB_STATUS_STOPPED,
};

struct ob_state {
	char *root; /* the --root this state lives under */
	char *id;
	char *bundle;	     /* absolute */
	char *rootfs;	     /* absolute path of root.path */
	pid_t pid;	     /* the init, host pid; 0 while creating */
	uint64_t start_time; /* /proc/PID/stat field 22 of the init: a reused pid differs */
	char *created;	     /* RFC 3339, as runc */
	uid_t owner;	     /* uid that created it (printed as a name, as runc) */
	struct ob_kv *annotations;
	size_t n_annotations;
	char *cgroup_path; /* filled by the cgroup module; NULL when none */
	bool systemd_cgroup;
	/* Free-form extensions other modules persist (key -> string value), saved under
	 * "ocibox" in state.json. Use ob_state_set_ext / ob_state_get_ext. */
	struct ob_kv *ext;
	size_t n_ext;
};

/* `[A-Za-z0-9_+\-.]+`, not "." or "..": "invalid container id `x`" otherwise. */
int ob_state_validate_id(const char *id, struct ob_err *err);

/* ROOT/ID into buf. -ENAMETOOLONG when it does not fit. */
int ob_state_path(const char *root, const char *id, const char *file, char *buf, size_t len);

/* Create ROOT (0711, parents as needed) and ROOT/ST->ID (0700) holding its lock (taken:
 * ret_lock_fd) and st as state.json, all made under a temporary name and renamed, so the
 * id appears with its lock and record or not at all; fails with "container `x` already
 * exists" (EEXIST). Temporary directories of creates killed before their rename are
 * removed on the way (those whose lock nobody holds). */
int ob_state_create(const struct ob_state *st, int *ret_lock_fd, struct ob_err *err);

/* ob_state_create with a record that says only "being made" (restore, which fills its
 * state in later). */
int ob_state_create_dir(const char *root, const char *id, int *ret_lock_fd, struct ob_err *err);

/* Take the lock of an existing container (blocking flock LOCK_EX); ENOENT:
 * "container `x` does not exist". ret_fd is the lock fd: close it to unlock. A directory
 * without a lock gets one (debris that delete must be able to remove). */
int ob_state_lock(const char *root, const char *id, int *ret_fd, struct ob_err *err);

/* Read ROOT/ID/state.json. ENOENT: "container `x` does not exist". A directory without
 * state.json (a create in progress) loads as a state with pid 0 (status creating). */
int ob_state_load(const char *root, const char *id, struct ob_state **ret, struct ob_err *err);

/* Write ROOT/ID/state.json atomically. */
int ob_state_save(const struct ob_state *st, struct ob_err *err);

/* Remove ROOT/ID and everything in it. */
int ob_state_remove(const char *root, const char *id, struct ob_err *err);

void ob_state_free(struct ob_state *st);
/* A deep copy (oci-run hands create's state to start without reading state.json back). */
struct ob_state *ob_state_dup(const struct ob_state *st);
static inline void ob_state_freep(struct ob_state **st)
{
	if (*st)
		ob_state_free(*st);
}
#define _cleanup_state_ __attribute__((cleanup(ob_state_freep)))

/* Extension key: set while create runs, to the last step it recorded (see
 * core/container.c); a state with it is half made. */
#define OB_STATE_CREATING "creating"

/* A half-made entry (create not finished): true with the reason in buf ("being created"
 * while its lock is held by a live ocibox, else "create interrupted at step `x`"). */
bool ob_state_half_made(const struct ob_state *st, char *buf, size_t len);

/* The live status: creating (no pid yet, or create not finished), created (init alive and exec.fifo
 * present), running (alive, fifo gone), paused (frozen cgroup), stopped (pid gone, a zombie, or its
 * start time differs from the one recorded). */
enum ob_status ob_state_status(const struct ob_state *st);
const char *ob_status_name(enum ob_status s);
/* true when st->pid is still the container's init (alive, same start time, not zombie). */
bool ob_state_init_alive(const struct ob_state *st);

/* The OCI state JSON (runtime.md "State") plus runc's "rootfs", "created", "owner".
 * status is passed in (hooks see "creating"; oci-state passes ob_state_status()).
 * Returns a malloc'd string; pretty = indented as runc prints it. */
char *ob_state_json(const struct ob_state *st, enum ob_status status, bool pretty);
/* A JSON array of such objects (oci-list --format json). */
char *ob_state_list_json(struct ob_state **sts, size_t n);
/* runtime-spec "The Container Process State" (config-linux.md, seccomp listenerPath):
 * {ociVersion, fds: fd_names, pid, metadata (when not NULL), state: the state above}. */
char *ob_state_process_json(const struct ob_state *st, enum ob_status status, pid_t pid,
			    const char *const *fd_names, const char *metadata);

/* The owner's user name from the host's /etc/passwd (no NSS), or the uid as digits. */
void ob_state_owner_name(const struct ob_state *st, char *buf, size_t len);

/* The ids under root, sorted; a missing root is an empty list. NULL-terminated. */
int ob_state_list(const char *root, char ***ret_ids, struct ob_err *err);

/* Extensions: copy value under key (replaces). get returns NULL when absent. */
void ob_state_set_ext(struct ob_state *st, const char *key, const char *value);
const char *ob_state_get_ext(const struct ob_state *st, const char *key);
void ob_state_unset_ext(struct ob_state *st, const char *key);

/* cgroup output (oci-ps --format json, oci-events), runc's shapes: "[1,2]" and
 * {"type":"stats","id":ID,"data":{"cpu":..,"memory":..,"pids":..,"blkio":..,"hugetlb":..}}
 * ({"type":"oom","id":ID} without stats). */
struct ob_cgroup_stats;
char *ob_state_pids_json(const pid_t *pids, size_t n);
char *ob_state_event_json(const char *type, const char *id, const struct ob_cgroup_stats *stats);

#endif
