/* checkpoint.h - oci-checkpoint and oci-restore: a container's processes to CRIU images
 * and back (runc's verbs and flags), through `criu swrk` (core/criu.h). */
#ifndef OB_CHECKPOINT_H
#define OB_CHECKPOINT_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

#include "err.h"

/* What checkpoint and restore share (runc's flags of the same names). */
struct ob_cr_opts {
	const char *image_path; /* NULL: ./checkpoint */
	const char *work_path;	/* logs (dump.log, restore.log) and work files; NULL: image_path */
	bool tcp_established, ext_unix_sk, shell_job, file_locks, auto_dedup, lazy_pages;
	const char *manage_cgroups_mode; /* soft|full|strict|ignore; NULL: CRIU's default */
	unsigned empty_ns;		 /* CLONE_NEW* of namespaces made empty (network) */

	/* out, on a CRIU failure: its log and the lines of it that matter (malloc'd) */
	char log_path[PATH_MAX];
	char *log_excerpt;
};

struct ob_checkpoint_opts {
	const char *root, *id;
	struct ob_cr_opts cr;
	const char *parent_path; /* relative to image_path (a previous --pre-dump) */
	bool leave_running, pre_dump;
	const char *page_server; /* ADDRESS:PORT */
	int status_fd;		 /* --lazy-pages: "\0" written when the pages can be fetched */
};

/* Dump a running or paused container into the image directory. Unless leave_running or
 * pre_dump its processes are gone afterwards and its state says `stopped` (a restore may
 * take over its id). On failure the container keeps running and the image directory holds
 * no images (only CRIU's log): nothing half-written looks like a checkpoint. */
int ob_container_checkpoint(struct ob_checkpoint_opts *o, struct ob_err *err);

struct ob_restore_opts {
	const char *root, *id;
	const char *bundle; /* NULL: the current directory */
	const char *pid_file;
	const char *console_socket; /* process.terminal: the restored pty master goes there */
	bool detach, no_subreaper;
	bool systemd_cgroup;
	const char *cgroup_manager;
	struct ob_cr_opts cr;

	/* out */
	pid_t pid;
	int status; /* foreground: the container's exit status (128+N when killed) */
};

/* Restore container ID from the images into the bundle's config: its cgroup, namespaces
 * joined by path, bind mounts (as external mounts), prestart and createRuntime hooks when
 * the namespaces exist, the state (pid, running), poststart hooks. Foreground (not
 * detach): wait like oci-run, then delete the container. An id whose container was
 * checkpointed (stopped) is taken over. On failure nothing is left. */
int ob_container_restore(struct ob_restore_opts *o, struct ob_err *err);

#endif
