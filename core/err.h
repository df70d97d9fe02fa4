/* err.h - the error object every core function fills in.
 *
 * A fixed buffer, no malloc: a child after clone() can send it to the parent over the
 * sync socket as it is. Functions return >= 0 on success, -errno on failure.
 */
#ifndef OB_ERR_H
#define OB_ERR_H

#include <errno.h>
#include <stdarg.h>

struct ob_err {
	int code;      /* errno value (positive), 0 when no error */
	int exit_code; /* the exit status this failure means, set where it happens: 127/126 at
			* a failed execve (ob_error_exec); 0 = the default failure, 1 */
	char msg[512]; /* full message, context first: "mount `proc` on `/proc`: No such device" */
};

/* Fill err with "<fmt>: strerror(code)" and return -code. code 0 means "no errno text". */
int ob_error(struct ob_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Like ob_error but without the strerror suffix (for validation errors). Returns -code. */
int ob_error_msg(struct ob_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Mark the error in err (returned as r) as the program's: exit status 127 when it was not
 * found (ENOENT, ENOTDIR), else 126 (util-linux errexec). Returns r. */
int ob_error_exec(struct ob_err *err, int r);
/* That status for an errno of execve (either sign). */
int ob_exec_exit_code(int errno_value);
/* The exit status for err: its exit_code, else 1. */
int ob_err_exit_code(const struct ob_err *err);
/* Prepend context to an error already set: "<fmt>: <old msg>". Returns r (negative). */
int ob_error_prefix(struct ob_err *err, int r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
