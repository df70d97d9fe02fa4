/* fs.c - reading and writing the interface files of a cgroup; the kernel back end. */
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>

#include "../log.h"
#include "internal.h"

/* ---- the kernel's cgroupfs: the product's back end ---- */

static int kernel_open_file(const char *dir, const char *file)
{
	char p[PATH_MAX];
	if (snprintf(p, sizeof(p), "%s/%s", dir, file) >= (int)sizeof(p)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return open(p, O_WRONLY | O_CLOEXEC);
}

static ssize_t kernel_write_value(int fd, const char *file, const char *value)
{
	return write(fd, value, strlen(value));
}

static bool kernel_has_file(const char *dir, const char *file)
{
	char p[PATH_MAX];
	return snprintf(p, sizeof(p), "%s/%s", dir, file) < (int)sizeof(p) && access(p, F_OK) == 0;
}

static int kernel_remove_dir(const char *dir)
{
	return rmdir(dir) < 0 && errno != ENOENT ? -errno : 0;
}

const struct ob_cgroup_backend cg_kernel_backend = {
    .name = "cgroupfs",
    .kernel = true,
    .open_file = kernel_open_file,
    .write_value = kernel_write_value,
    .has_file = kernel_has_file,
    .remove_dir = kernel_remove_dir,
};

/* ---- file access, through the back end ---- */

int cg_write_fd(const char *dir, const char *file, const char *value, int *fd, struct ob_err *err)
{
	if (*fd < 0 && (*fd = cg_be->open_file(dir, file)) < 0)
		return ob_error(err, errno, "set %s to `%s` in `%s`", file, value, dir);
	size_t len = strlen(value);
	ssize_t n = cg_be->write_value(*fd, file, value);
	if (n < 0)
		return ob_error(err, errno, "set %s to `%s` in `%s`", file, value, dir);
	if ((size_t)n != len)
		return ob_error(err, EIO, "set %s to `%s` in `%s`: short write", file, value, dir);
	ob_log_debug("cgroup: %s/%s = %s", dir, file, value);
	return 0;
}

int cg_write_file(const char *dir, const char *file, const char *value, struct ob_err *err)
{
	_cleanup_close_ int fd = -1;
	return cg_write_fd(dir, file, value, &fd, err);
}

int cg_write(const struct cg_hier *h, const char *file, const char *value, struct ob_err *err)
{
	return cg_write_file(h->dir, file, value, err);
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
	return cg_be->has_file(h->dir, file);
}
