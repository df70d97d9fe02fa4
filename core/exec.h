/* exec.h - run another process in a created or running container (oci-exec, runc exec). */
#ifndef OB_EXEC_H
#define OB_EXEC_H

#include <stdbool.h>
#include <sys/types.h>

#include "err.h"

struct ob_exec_opts {
	const char *root; /* --root */
	const char *id;
	const char *process_file;   /* a spec `process` object (what podman sends); NULL:
				     * the container's config.json process */
	char **args;		    /* replaces process.args when not empty */
	bool tty;		    /* process.terminal (else false, or --process FILE's) */
	const char *console_socket; /* the pty master goes there (runc's protocol) */
	bool detach;		    /* return once the process runs */
	const char *pid_file;	    /* the process's host pid, written atomically */
	const char *cwd;
	char **env;		/* K=V, replaces K or is added */
	const char *user;	/* UID[:GID], or a NAME[:GROUP] of the container's
				 * /etc/passwd and /etc/group */
	char **additional_gids; /* numbers or group names */
	char **caps;		/* added to every capability set (runc 1.1) */
	bool no_new_privs;
	const char *apparmor; /* process.apparmorProfile */
	const char *label;    /* process.selinuxLabel */
	int preserve_fds;     /* fds 3 .. 3+N-1 are passed on */
	bool ignore_paused;
	char **cgroups; /* --cgroup [CONTROLLER[,..]:]PATH: sub-cgroups of the container's */

	/* out */
	pid_t pid; /* the process's host pid */
};

/* Refused: a stopped container ("cannot exec in a stopped container"), a paused one
 * without ignore_paused, an unknown id. The process leads a session of its own. In the
 * foreground, signals sent to the caller go on to the process, a terminal process's pty
 * (without console_socket) is copied to and from the caller's stdio; *ret_status is its
 * exit status (128+N when killed by signal N). With detach, *ret_status is 0 once the process runs.
 * On failure nothing is left running. */
int ob_container_exec(struct ob_exec_opts *o, int *ret_status, struct ob_err *err);

#endif
