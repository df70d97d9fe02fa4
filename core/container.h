/* container.h - every verb on a container: create / start / kill / delete / run and
 * pause / resume / update / ps / events (container-verbs.c); exec is in exec.h.
 *
 * Process model (DESIGN.md): config.json parsed once here, the init cloned with its
 * namespace flags, one socketpair for sync and errors, an exec fifo between create and
 * start. No re-exec, no helper process.
 */
#ifndef OB_CONTAINER_H
#define OB_CONTAINER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"
#include "spec.h"
#include "state.h"

struct ob_create_opts {
	const char *root; /* --root */
	const char *id;
	const char *bundle;	    /* NULL: the current directory */
	const char *pid_file;	    /* written atomically; NULL: none */
	const char *console_socket; /* process.terminal: the pty master goes there */
	bool no_pivot;		    /* MS_MOVE + chroot instead of pivot_root */
	bool no_new_keyring;	    /* keep the caller's session keyring */
	int preserve_fds;	    /* fds 3 .. 3+N-1 stay open in the container */
	bool systemd_cgroup;	    /* global --systemd-cgroup */
	const char *cgroup_manager; /* global --cgroup-manager (NULL: cgroupfs) */
	/* oci-run in the foreground without --console-socket: a terminal process's pty
	 * master comes back in pty_master (the caller copies; without this such a process is
	 * refused, as runc refuses it detached). The caller's terminal is never the
	 * container's. */
	bool keep_pty;

	/* out */
	pid_t pid;	/* the init's host pid */
	int pty_master; /* keep_pty and process.terminal: the pty's master, else -1 */
	/* optional (oci-run): on success the state lock stays held and is handed over here,
	 * with a copy of the saved state, so start needs no second lock and read */
	int *ret_lock_fd;
	struct ob_state **ret_state;
};

/* oci-create. On success the init waits on exec.fifo and the state is saved; on failure
 * nothing is left (state dir, process, mounts, cgroup). */
int ob_container_create(struct ob_create_opts *o, struct ob_err *err);

/* oci-start: refused unless created ("cannot start a container that has stopped",
 * "cannot start an already running container"). Runs poststart hooks after the user
 * process is executed; a failing poststart hook fails start (runtime-spec 1.3). */
int ob_container_start(const char *root, const char *id, struct ob_err *err);

/* oci-kill: sig to the init (all = every process of the container: the cgroup module
 * when it is there, else the init's pid namespace). Refused when stopped. */
int ob_container_kill(const char *root, const char *id, int sig, bool all, struct ob_err *err);

/* oci-delete: only a stopped (or, with force, any) container; force sends SIGKILL and
 * waits. Runs poststop hooks (failures are warnings), removes cgroup and state. */
int ob_container_delete(const char *root, const char *id, bool force, struct ob_err *err);

/* oci-run: create + start. detach: return once started. Otherwise forward signals,
 * wait, and put the container's status in *ret_status (128+N when killed by signal N);
 * the container is deleted unless keep. */
int ob_container_run(struct ob_create_opts *o, bool detach, bool keep, int *ret_status,
		     struct ob_err *err);

/* oci-pause / oci-resume: freeze a running (or created) container's cgroup; thaw a paused
 * one ("container `x` is already paused", "... is not paused (running)"). */
int ob_container_pause(const char *root, const char *id, struct ob_err *err);
int ob_container_resume(const char *root, const char *id, struct ob_err *err);
/* oci-update: res onto the container's cgroup (its devices left as created). */
int ob_container_update(const char *root, const char *id, struct ob_resources *res,
			struct ob_err *err);
/* oci-ps: the pids in the container's cgroup, sorted (none for a stopped container whose
 * cgroup is gone); *ret is the caller's to free. */
int ob_container_pids(const char *root, const char *id, pid_t **ret, size_t *ret_n,
		      struct ob_err *err);
/* oci-events: the event JSON lines (stats, oom) go to emit, one call each. once: the stats
 * once; else OOM kills as they happen and stats every interval_ns until the container
 * stops. */
struct ob_events_sink {
	void (*emit)(void *ctx, const char *json);
	void *ctx;
};
int ob_container_events(const char *root, const char *id, bool once, uint64_t interval_ns,
			const struct ob_events_sink *to, struct ob_err *err);

#endif
