/* util.h - cleanup helpers and small utilities shared by core and applets. */
#ifndef OB_UTIL_H
#define OB_UTIL_H

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "err.h"

#define _cleanup_(f)  __attribute__((cleanup(f)))
#define _unused_      __attribute__((unused))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static inline void ob_freep(void *p)
{
	free(*(void **)p);
}
static inline void ob_closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}
static inline void ob_fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}
static inline void ob_closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}
void ob_strv_free(char **v);
static inline void ob_strv_freep(char ***v)
{
	ob_strv_free(*v);
}

#define _cleanup_free_	   _cleanup_(ob_freep)
#define _cleanup_close_	   _cleanup_(ob_closep)
#define _cleanup_fclose_   _cleanup_(ob_fclosep)
#define _cleanup_closedir_ _cleanup_(ob_closedirp)
#define _cleanup_strv_	   _cleanup_(ob_strv_freep)

/* Hand ownership on: returns the value and empties the variable. */
#define TAKE_PTR(p)                                                                                \
	({                                                                                         \
		__typeof__(p) _p = (p);                                                            \
		(p) = NULL;                                                                        \
		_p;                                                                                \
	})
#define TAKE_FD(fd)                                                                                \
	({                                                                                         \
		int _fd = (fd);                                                                    \
		(fd) = -1;                                                                         \
		_fd;                                                                               \
	})

#define streq(a, b)	(strcmp((a), (b)) == 0)
#define strneq(a, b, n) (strncmp((a), (b), (n)) == 0)

static inline bool startswith(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* malloc that never returns NULL: out of memory aborts (as systemd/crun do). */
void *ob_xmalloc(size_t n);
void *ob_xcalloc(size_t n, size_t m);
void *ob_xrealloc(void *p, size_t n);
char *ob_xstrdup(const char *s);
char *ob_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

size_t ob_strv_len(char *const *v);
/* Append a copy of s to a NULL-terminated vector (realloc'd). */
char **ob_strv_push(char **v, const char *s);

/* Read a whole file (NUL-terminated); ret_len optional. */
int ob_read_file(const char *path, char **ret, size_t *ret_len, struct ob_err *err);
int ob_read_fd(int fd, char **ret, size_t *ret_len, struct ob_err *err);
/* A JSON document the caller names (config.json, --process, --resources, a seccomp
 * profile): only from a regular file (a FIFO would block, /dev/zero would never end) of
 * at most OB_JSON_FILE_MAX bytes: "`x` is not a regular file", "`x` is larger than
 * 16 MiB". */
#define OB_JSON_FILE_MAX (16 << 20)
int ob_read_json_file(const char *path, char **ret, size_t *ret_len, struct ob_err *err);
/* Write data to path: written to "path.tmp.PID" and renamed, so readers never see half. */
int ob_write_file_atomic(const char *path, const void *data, size_t len, mode_t mode,
			 struct ob_err *err);
/* Write a string to an existing file (cgroup, /proc): one write(2), no O_CREAT. */
int ob_write_string(const char *path, const char *s, struct ob_err *err);
int ob_write_all(int fd, const void *buf, size_t len);
ssize_t ob_read_all(int fd, void *buf, size_t len);
int ob_mkdir_p(const char *path, mode_t mode, struct ob_err *err);
/* rm -rf path (does not cross mount points). */
int ob_rm_rf(const char *path);
/* Undo mountinfo's octal escapes ("\\040" for a space) in place. */
void ob_unescape_mountinfo(char *s);

/* "64M", "1G", "512k", "1024" -> bytes. -1 stays -1 ("max" -> -1 too). */
int ob_parse_size(const char *s, int64_t *ret);
int ob_parse_int64(const char *s, int64_t *ret);
int ob_parse_uint32(const char *s, uint32_t *ret);
/* A list like "0-3,7" (cpus, NUMA nodes) into a bit mask of nbits bits (zeroed first; bit n
 * in word n / bits-per-long, the layout of cpu_set_t and nodemasks). Returns the highest
 * bit + 1 (0 for ""), -EINVAL for a malformed list, -ERANGE past nbits. */
int ob_parse_bit_list(const char *s, unsigned long *mask, size_t nbits);

/* Signal name ("TERM", "SIGTERM", "term") or number (0 included: kill(2)'s existence
 * check) -> signal number; -EINVAL when unknown. */
int ob_signal_parse(const char *s);

/* Monotonic/real time helpers. */
uint64_t ob_now_ns(void);
/* RFC 3339 UTC timestamp with nanoseconds, as runc writes "created". */
void ob_format_time(char *buf, size_t len, struct timespec *ts);

/* Start time (clock ticks after boot, field 22 of /proc/PID/stat); 0 if the pid is gone. */
uint64_t ob_proc_starttime(pid_t pid);
/* Both at once (one read of /proc/PID/stat); -errno when the pid is gone. */
int ob_proc_stat(pid_t pid, char *state, uint64_t *starttime);

#endif
