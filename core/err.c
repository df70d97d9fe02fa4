/* err.c - the error object. */
#include "err.h"

#include <stdio.h>
#include <string.h>

static int err_vset(struct ob_err *err, int code, int with_errno, const char *fmt, va_list ap)
{
	if (code < 0)
		code = -code;
	if (code == 0)
		code = EINVAL;
	if (!err)
		return -code;
	int n = vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	if (with_errno && n >= 0 && (size_t)n < sizeof(err->msg))
		snprintf(err->msg + n, sizeof(err->msg) - n, ": %s", strerror(code));
	err->code = code;
	err->exit_code = 0;
	return -code;
}

int ob_exec_exit_code(int e)
{
	if (e < 0)
		e = -e;
	return e == ENOENT || e == ENOTDIR ? 127 : 126;
}

int ob_error_exec(struct ob_err *err, int r)
{
	if (err)
		err->exit_code = ob_exec_exit_code(r);
	return r;
}

int ob_err_exit_code(const struct ob_err *err)
{
	return err && err->exit_code > 0 && err->exit_code < 256 ? err->exit_code : 1;
}

int ob_error(struct ob_err *err, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = err_vset(err, code, 1, fmt, ap);
	va_end(ap);
	return r;
}

int ob_error_msg(struct ob_err *err, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = err_vset(err, code, 0, fmt, ap);
	va_end(ap);
	return r;
}

int ob_error_prefix(struct ob_err *err, int r, const char *fmt, ...)
{
	if (!err)
		return r;
	char prefix[256], old[sizeof(err->msg)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	if (old[0])
		snprintf(err->msg, sizeof(err->msg), "%s: %s", prefix, old);
	else
		snprintf(err->msg, sizeof(err->msg), "%s: %s", prefix, strerror(r < 0 ? -r : r));
	if (!err->code)
		err->code = r < 0 ? -r : EINVAL;
	return r;
}
