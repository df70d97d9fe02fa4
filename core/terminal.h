/* terminal.h - the container's pty and --console-socket (runc's protocol). */
#ifndef OB_TERMINAL_H
#define OB_TERMINAL_H

#include <signal.h>
#include <sys/types.h>

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

/* The receiving end of the above (oci-run, oci-exec in the foreground): the master. */
int ob_terminal_recv_master(int sock, int *ret_fd, struct ob_err *err);

/* The foreground without --console-socket: the caller's terminal size (if it has one)
 * becomes p's consoleSize, so the pty has it before the process runs. */
void ob_terminal_caller_size(struct ob_process *p);

/* A session of our own (setsid), unless we lead one already: every process started in a
 * container does this before exec, so no terminal of the host is its controlling
 * terminal (TIOCSTI on one needs CAP_SYS_ADMIN unless it is the caller's own ctty). */
int ob_terminal_new_session(struct ob_err *err);

/* The signals the foreground forwards; the caller blocks them before the process exists
 * (a child unblocks them again before exec). */
void ob_terminal_fg_signals(sigset_t *set);

/* oci-run and oci-exec in the foreground, with ob_terminal_fg_signals() blocked: wait for
 * pid (our child), forwarding those signals to it (SIGCHLD excepted). With a pty master
 * (>= 0; a terminal process without --console-socket): copy stdin to it and it to stdout,
 * the caller's terminal in raw mode meanwhile and restored after, its size copied to the
 * pty at start and on SIGWINCH. *ret_status: pid's exit status, 128+N when killed by
 * signal N. */
int ob_terminal_foreground(pid_t pid, int master, int *ret_status, struct ob_err *err);

#endif
