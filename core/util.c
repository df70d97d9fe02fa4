/* util.c - small utilities: memory, files, parsing, signals, time, /proc. */
#include "util.h"

#include <ctype.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <time.h>

void *ob_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		abort();
	return p;
}

void *ob_xcalloc(size_t n, size_t m)
{
	void *p = calloc(n ? n : 1, m ? m : 1);
	if (!p)
		abort();
	return p;
}

void *ob_xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		abort();
	return p;
}

char *ob_xstrdup(const char *s)
{
	if (!s)
		return NULL;
	char *p = strdup(s);
	if (!p)
		abort();
	return p;
}

char *ob_xasprintf(const char *fmt, ...)
{
	char *p;
	va_list ap;
	va_start(ap, fmt);
	int r = vasprintf(&p, fmt, ap);
	va_end(ap);
	if (r < 0)
		abort();
	return p;
}

void ob_strv_free(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

size_t ob_strv_len(char *const *v)
{
	size_t n = 0;
	while (v && v[n])
		n++;
	return n;
}

char **ob_strv_push(char **v, const char *s)
{
	size_t n = ob_strv_len(v);
	v = ob_xrealloc(v, (n + 2) * sizeof(char *));
	v[n] = ob_xstrdup(s);
	v[n + 1] = NULL;
	return v;
}

int ob_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

ssize_t ob_read_all(int fd, void *buf, size_t len)
{
	size_t got = 0;
	while (got < len) {
		ssize_t n = read(fd, (char *)buf + got, len - got);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

int ob_read_fd(int fd, char **ret, size_t *ret_len, struct ob_err *err)
{
	size_t cap = 4096, len = 0;
	_cleanup_free_ char *buf = ob_xmalloc(cap);
	for (;;) {
		if (len + 1 >= cap) {
			cap *= 2;
			buf = ob_xrealloc(buf, cap);
		}
		ssize_t n = read(fd, buf + len, cap - len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return ob_error(err, errno, "read");
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	if (ret_len)
		*ret_len = len;
	*ret = TAKE_PTR(buf);
	return 0;
}

int ob_read_file(const char *path, char **ret, size_t *ret_len, struct ob_err *err)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ob_error(err, errno, "open `%s`", path);
	int r = ob_read_fd(fd, ret, ret_len, err);
	if (r < 0)
		return ob_error_prefix(err, r, "`%s`", path);
	return 0;
}

int ob_read_json_file(const char *path, char **ret, size_t *ret_len, struct ob_err *err)
{
	/* O_NONBLOCK: opening a FIFO for reading would wait for a writer */
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return ob_error(err, errno, "open `%s`", path);
	struct stat st;
	if (fstat(fd, &st) < 0)
		return ob_error(err, errno, "stat `%s`", path);
	if (!S_ISREG(st.st_mode))
		return ob_error_msg(err, EINVAL, "`%s` is not a regular file", path);
	if (st.st_size > OB_JSON_FILE_MAX)
		return ob_error_msg(err, EFBIG, "`%s` is larger than %d MiB", path,
				    OB_JSON_FILE_MAX >> 20);
	_cleanup_free_ char *text = NULL;
	size_t len;
	int r = ob_read_fd(fd, &text, &len, err);
	if (r < 0)
		return ob_error_prefix(err, r, "`%s`", path);
	if (len > OB_JSON_FILE_MAX) /* it grew while we read */
		return ob_error_msg(err, EFBIG, "`%s` is larger than %d MiB", path,
				    OB_JSON_FILE_MAX >> 20);
	if (ret_len)
		*ret_len = len;
	*ret = TAKE_PTR(text);
	return 0;
}

int ob_write_file_atomic(const char *path, const void *data, size_t len, mode_t mode,
			 struct ob_err *err)
{
	char tmp[PATH_MAX];
	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid()) >= (int)sizeof(tmp))
		return ob_error(err, ENAMETOOLONG, "write `%s`", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return ob_error(err, errno, "write `%s`", path);
	int r = ob_write_all(fd, data, len);
	if (r == 0 && fchmod(fd, mode) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0) {
		unlink(tmp);
		return ob_error(err, -r, "write `%s`", path);
	}
	return 0;
}

int ob_write_string(const char *path, const char *s, struct ob_err *err)
{
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return ob_error(err, errno, "open `%s`", path);
	size_t len = strlen(s);
	ssize_t n = write(fd, s, len);
	if (n < 0)
		return ob_error(err, errno, "write `%s` to `%s`", s, path);
	if ((size_t)n != len)
		return ob_error(err, EIO, "short write to `%s`", path);
	return 0;
}

int ob_mkdir_p(const char *path, mode_t mode, struct ob_err *err)
{
	char buf[PATH_MAX];
	size_t len = strlen(path);
	if (len == 0 || len >= sizeof(buf))
		return ob_error(err, ENAMETOOLONG, "mkdir `%s`", path);
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, mode) < 0 && errno != EEXIST)
			return ob_error(err, errno, "mkdir `%s`", buf);
		*p = '/';
	}
	if (mkdir(buf, mode) < 0 && errno != EEXIST)
		return ob_error(err, errno, "mkdir `%s`", buf);
	return 0;
}

static int rm_rf_at(int dfd, const char *name, dev_t dev)
{
	struct stat st;
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (S_ISDIR(st.st_mode)) {
		if (st.st_dev != dev)
			return -EXDEV;
		int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		DIR *d = fdopendir(fd);
		if (!d) {
			close(fd);
			return -errno;
		}
		struct dirent *de;
		int r = 0;
		while ((de = readdir(d))) {
			if (streq(de->d_name, ".") || streq(de->d_name, ".."))
				continue;
			int q = rm_rf_at(dirfd(d), de->d_name, dev);
			if (q < 0 && r == 0)
				r = q;
		}
		closedir(d);
		if (unlinkat(dfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT && r == 0)
			r = -errno;
		return r;
	}
	if (unlinkat(dfd, name, 0) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

int ob_rm_rf(const char *path)
{
	struct stat st;
	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	return rm_rf_at(AT_FDCWD, path, st.st_dev);
}

int ob_parse_int64(const char *s, int64_t *ret)
{
	if (!s || !*s)
		return -EINVAL;
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || *end)
		return -EINVAL;
	*ret = v;
	return 0;
}

int ob_parse_uint32(const char *s, uint32_t *ret)
{
	if (!s || !*s || *s == '-')
		return -EINVAL;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end || v > UINT32_MAX)
		return -EINVAL;
	*ret = (uint32_t)v;
	return 0;
}

int ob_parse_bit_list(const char *s, unsigned long *mask, size_t nbits)
{
	const size_t word = 8 * sizeof(unsigned long);
	memset(mask, 0, (nbits + word - 1) / word * sizeof(unsigned long));
	int top = 0;
	while (*s) {
		char *end;
		unsigned long a = strtoul(s, &end, 10), b = a;
		if (end == s || *s == '-' || *s == '+')
			return -EINVAL;
		if (*end == '-') {
			const char *q = end + 1;
			b = strtoul(q, &end, 10);
			if (end == q || b < a)
				return -EINVAL;
		}
		if (b >= nbits)
			return -ERANGE;
		for (unsigned long n = a; n <= b; n++)
			mask[n / word] |= 1UL << (n % word);
		if ((int)b + 1 > top)
			top = (int)b + 1;
		if (*end == ',')
			end++;
		else if (*end)
			return -EINVAL;
		s = end;
	}
	return top;
}

int ob_parse_size(const char *s, int64_t *ret)
{
	if (!s || !*s)
		return -EINVAL;
	if (streq(s, "max") || streq(s, "-1")) {
		*ret = -1;
		return 0;
	}
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || v < 0)
		return -EINVAL;
	int64_t mult = 1;
	switch (tolower((unsigned char)*end)) {
	case '\0':
		break;
	case 'k':
		mult = 1024LL;
		break;
	case 'm':
		mult = 1024LL * 1024;
		break;
	case 'g':
		mult = 1024LL * 1024 * 1024;
		break;
	case 't':
		mult = 1024LL * 1024 * 1024 * 1024;
		break;
	default:
		return -EINVAL;
	}
	if (*end) {
		end++;
		if (tolower((unsigned char)*end) == 'i')
			end++;
		if (tolower((unsigned char)*end) == 'b')
			end++;
		if (*end)
			return -EINVAL;
	}
	*ret = (int64_t)(v * (double)mult);
	return 0;
}

static const struct {
	const char *name;
	int sig;
} signals[] = {
    {"HUP", SIGHUP},	   {"INT", SIGINT},   {"QUIT", SIGQUIT},     {"ILL", SIGILL},
    {"TRAP", SIGTRAP},	   {"ABRT", SIGABRT}, {"IOT", SIGIOT},	     {"BUS", SIGBUS},
    {"FPE", SIGFPE},	   {"KILL", SIGKILL}, {"USR1", SIGUSR1},     {"SEGV", SIGSEGV},
    {"USR2", SIGUSR2},	   {"PIPE", SIGPIPE}, {"ALRM", SIGALRM},     {"TERM", SIGTERM},
    {"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD}, {"CONT", SIGCONT},     {"STOP", SIGSTOP},
    {"TSTP", SIGTSTP},	   {"TTIN", SIGTTIN}, {"TTOU", SIGTTOU},     {"URG", SIGURG},
    {"XCPU", SIGXCPU},	   {"XFSZ", SIGXFSZ}, {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF},
    {"WINCH", SIGWINCH},   {"IO", SIGIO},     {"POLL", SIGPOLL},     {"PWR", SIGPWR},
    {"SYS", SIGSYS},
};

int ob_signal_parse(const char *s)
{
	if (!s || !*s)
		return -EINVAL;
	if (isdigit((unsigned char)*s)) {
		uint32_t v;
		if (ob_parse_uint32(s, &v) < 0 || v > (uint32_t)SIGRTMAX)
			return -EINVAL;
		return (int)v;
	}
	const char *n = s;
	if (strncasecmp(n, "SIG", 3) == 0)
		n += 3;
	for (size_t i = 0; i < ARRAY_SIZE(signals); i++)
		if (strcasecmp(n, signals[i].name) == 0)
			return signals[i].sig;
	if (strncasecmp(n, "RTMIN", 5) == 0 || strncasecmp(n, "RTMAX", 5) == 0) {
		int base = strncasecmp(n, "RTMIN", 5) == 0 ? SIGRTMIN : SIGRTMAX;
		if (n[5] == '\0')
			return base;
		int64_t off;
		if (ob_parse_int64(n + 5, &off) < 0)
			return -EINVAL;
		int sig = base + (int)off;
		if (sig < SIGRTMIN || sig > SIGRTMAX)
			return -EINVAL;
		return sig;
	}
	return -EINVAL;
}

uint64_t ob_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* RFC 3339 UTC by hand: strftime() calls tzset(), which opens and reads /etc/localtime on
 * every create although the result is UTC anyway. Civil date from days since the epoch
 * (the proleptic Gregorian algorithm of H. Hinnant's "chrono-compatible low-level date
 * algorithms", written from its description). */
void ob_format_time(char *buf, size_t len, struct timespec *ts)
{
	struct timespec now;
	if (!ts) {
		clock_gettime(CLOCK_REALTIME, &now);
		ts = &now;
	}
	int64_t secs = (int64_t)ts->tv_sec;
	int64_t days = secs / 86400, rem = secs % 86400;
	if (rem < 0) {
		rem += 86400;
		days--;
	}
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;					     /* [0, 146096] */
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* [0, 399] */
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);		     /* [0, 365] */
	int64_t mp = (5 * doy + 2) / 153; /* [0, 11], from March */
	int day = (int)(doy - (153 * mp + 2) / 5 + 1);
	int month = (int)(mp < 10 ? mp + 3 : mp - 9);
	int64_t year = yoe + era * 400 + (month <= 2);
	snprintf(buf, len, "%04lld-%02d-%02dT%02d:%02d:%02d.%09ldZ", (long long)year, month, day,
		 (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60), ts->tv_nsec);
}

int ob_proc_stat(pid_t pid, char *state, uint64_t *starttime)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n = ob_read_all(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	/* comm may hold spaces and parens: fields start after the last ')'. */
	char *p = strrchr(buf, ')');
	if (!p || p[1] != ' ')
		return -EIO;
	p += 2;
	if (state)
		*state = *p;
	/* p points at field 3; starttime is field 22. */
	for (int field = 3; field < 22; field++) {
		p = strchr(p, ' ');
		if (!p)
			return -EIO;
		p++;
	}
	if (starttime)
		*starttime = strtoull(p, NULL, 10);
	return 0;
}

uint64_t ob_proc_starttime(pid_t pid)
{
	uint64_t st = 0;
	if (pid <= 0 || ob_proc_stat(pid, NULL, &st) < 0)
		return 0;
	return st;
}

void ob_unescape_mountinfo(char *s)
{
	char *w = s;
	for (char *r = s; *r; r++) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '7' && r[2] && r[3]) {
			*w++ = (char)(((r[1] - '0') << 6) | ((r[2] - '0') << 3) | (r[3] - '0'));
			r += 3;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
}
