/* terminal.h - the container's pty and --console-socket (runc's protocol). */
#ifndef OB_TERMINAL_H
#define OB_TERMINAL_H

#include "err.h"
#include "spec.h"

/* Parent: connect to the AF_UNIX socket --console-socket names. */
int ob_terminal_connect(const char *path, int *ret_fd, struct ob_err *err);

/* In the container, after pivot_root: open a pty in the container's devpts (/dev/ptmx),
 * set consoleSize, chown the slave to process.user.uid, send the master over sock with SCM_RIGHTS
 * (the payload is the pty's name, as runc sends it), bind the slave on /dev/console, make it the
 * controlling terminal of a new session and the process's stdio. Closes sock. */
int ob_terminal_setup(int sock, const struct ob_process *p, struct ob_err *err);

/* oci-exec, after joining the container's mount namespace: the same pty, sent the same
 * way, without touching /dev/console (that is the init's). */
int ob_terminal_setup_exec(int sock, const struct ob_process *p, struct ob_err *err);

#endif
