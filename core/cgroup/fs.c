/* fs.c - reading and writing the interface files of a cgroup. */
#include <fcntl.h>
#include <stdarg.h>

#include "../log.h"
#include "internal.h"

/* ---- file access ---- */

/* Files where each write adds or changes one entry of a list (per device, per pid): a
 * fake tree keeps every write of those, one a line, so tests see them all. */
static bool fake_keyed(const char *file)
{
	static const char *const keyed[] = {"io.max",	     "io.weight",    "io.bfq.weight",
					    "rdma.max",	     "cgroup.procs", "net_prio.ifpriomap",
					    "devices.allow", "devices.deny"};
	for (size_t i = 0; i < ARRAY_SIZE(keyed); i++)
		if (streq(file, keyed[i]))
			return true;
	size_t n = strlen(file);
	return n > 7 && streq(file + n - 7, "_device");
}

int cg_write(const struct cg_hier *h, const char *file, const char *value, struct ob_err *err)
{
	_cleanup_free_ char *p = ob_xasprintf("%s/%s", h->dir, file);
	int flags = O_WRONLY | O_CLOEXEC;
	if (cg_root_fake)
		flags |= O_CREAT | (fake_keyed(file) ? O_APPEND : O_TRUNC);
	_cleanup_close_ int fd = open(p, flags, 0644);
	if (fd < 0)
		return ob_error(err, errno, "set %s to \"%s\" in %s", file, value, h->dir);
	_cleanup_free_ char *line = NULL;
	if (cg_root_fake && fake_keyed(file))
		value = line = ob_xasprintf("%s\n", value);
	size_t len = strlen(value);
	ssize_t n = write(fd, value, len);
	if (n < 0)
		return ob_error(err, errno, "set %s to \"%s\" in %s", file, value, h->dir);
	if ((size_t)n != len)
		return ob_error(err, EIO, "set %s to \"%s\" in %s: short write", file, value,
				h->dir);
	ob_log_debug("cgroup: %s/%s = %s", h->dir, file, value);
	return 0;
}

int cg_writef(const struct cg_hier *h, const char *file, struct ob_err *err, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return cg_write(h, file, buf, err);
}

int cg_read(const struct cg_hier *h, const char *file, char **ret, struct ob_err *err)
{
	_cleanup_free_ char *p = ob_xasprintf("%s/%s", h->dir, file);
	char *text = NULL;
	size_t len = 0;
	int r = ob_read_file(p, &text, &len, err);
	if (r < 0)
		return r;
	while (len > 0 && text[len - 1] == '\n')
		text[--len] = '\0';
	*ret = text;
	return 0;
}

int cg_parse_u64(const char *s, uint64_t *ret)
{
	if (streq(s, "max")) {
		*ret = UINT64_MAX;
		return 0;
	}
	if (!*s || *s == '-')
		return -EINVAL;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || (*end && *end != '\n'))
		return -EINVAL;
	*ret = v;
	return 0;
}

int cg_read_u64(const struct cg_hier *h, const char *file, uint64_t *ret, struct ob_err *err)
{
	_cleanup_free_ char *text = NULL;
	int r = cg_read(h, file, &text, err);
	if (r < 0)
		return r;
	if (cg_parse_u64(text, ret) < 0)
		return ob_error_msg(err, EINVAL, "%s/%s: not a number: `%s`", h->dir, file, text);
	return 0;
}

bool cg_has_file(const struct cg_hier *h, const char *file)
{
	if (cg_root_fake)
		return true; /* a fake tree has the files the kernel would have */
	_cleanup_free_ char *p = ob_xasprintf("%s/%s", h->dir, file);
	return access(p, F_OK) == 0;
}
