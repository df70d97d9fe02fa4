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
	char msg[512]; /* full message, context first: "mount `proc` on `/proc`: No such device" */
};

/* Fill err with "<fmt>: strerror(code)" and return -code. code 0 means "no errno text". */
int ob_error(struct ob_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Like ob_error but without the strerror suffix (for validation errors). Returns -code. */
int ob_error_msg(struct ob_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Prepend context to an error already set: "<fmt>: <old msg>". Returns r (negative). */
int ob_error_prefix(struct ob_err *err, int r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
