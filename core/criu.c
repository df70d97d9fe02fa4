/* criu.c - `criu swrk` and its RPC, with a protobuf codec just big enough for it.
 *
 * Wire format (protobuf encoding, proto2): a message is a list of (tag, value), tag =
 * field << 3 | wire type; type 0 is a varint (int32, uint32, bool, enum; a negative int32
 * is sign-extended to 10 bytes), type 2 is a length-delimited string or sub-message.
 * Unknown fields of a response are skipped, so a newer CRIU answers an older ocibox.
 */
#include "criu.h"

#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "log.h"
#include "util.h"

/* ---- encoding ---- */

static void pb_put(struct ob_pb *b, const void *p, size_t n)
{
	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2 + 64;
		b->buf = ob_xrealloc(b->buf, b->cap);
	}
	memcpy(b->buf + b->len, p, n);
	b->len += n;
}

static void pb_varint(struct ob_pb *b, uint64_t v)
{
	uint8_t tmp[10];
	size_t n = 0;
	do {
		tmp[n] = (uint8_t)(v & 0x7f);
		v >>= 7;
		if (v)
			tmp[n] |= 0x80;
		n++;
	} while (v);
	pb_put(b, tmp, n);
}

void ob_pb_free(struct ob_pb *b)
{
	free(b->buf);
	*b = (struct ob_pb){0};
}

void ob_pb_uint(struct ob_pb *b, unsigned field, uint64_t v)
{
	pb_varint(b, (uint64_t)field << 3);
	pb_varint(b, v);
}

void ob_pb_int32(struct ob_pb *b, unsigned field, int32_t v)
{
	ob_pb_uint(b, field, (uint64_t)(int64_t)v);
}

void ob_pb_bool(struct ob_pb *b, unsigned field, bool v)
{
	ob_pb_uint(b, field, v ? 1 : 0);
}

static void pb_bytes(struct ob_pb *b, unsigned field, const void *p, size_t n)
{
	pb_varint(b, (uint64_t)field << 3 | 2);
	pb_varint(b, n);
	pb_put(b, p, n);
}

void ob_pb_str(struct ob_pb *b, unsigned field, const char *s)
{
	pb_bytes(b, field, s, strlen(s));
}

void ob_pb_msg(struct ob_pb *b, unsigned field, const struct ob_pb *sub)
{
	pb_bytes(b, field, sub->buf, sub->len);
}

void ob_pb_pair(struct ob_pb *b, unsigned field, const char *s1, const char *s2)
{
	struct ob_pb sub = {0};
	if (s1)
		ob_pb_str(&sub, 1, s1);
	ob_pb_str(&sub, 2, s2);
	ob_pb_msg(b, field, &sub);
	ob_pb_free(&sub);
}

void ob_pb_inherit_fd(struct ob_pb *b, const char *key, int fd)
{
	struct ob_pb sub = {0};
	ob_pb_str(&sub, 1, key);
	ob_pb_int32(&sub, 2, fd);
	ob_pb_msg(b, CRIU_OPT_INHERIT_FD, &sub);
	ob_pb_free(&sub);
}

/* ---- decoding ---- */

struct pb_field {
	unsigned num;
	int wt;
	uint64_t v;	  /* wire type 0 */
	const uint8_t *p; /* wire type 2 */
	size_t n;
};

static int pb_get_varint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
	*v = 0;
	for (unsigned shift = 0; shift < 64; shift += 7) {
		if (*p >= end)
			return -1;
		uint8_t c = *(*p)++;
		*v |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80))
			return 0;
	}
	return -1;
}

/* The next field of [*p, end): 1, 0 at the end, -1 when malformed. */
static int pb_next(const uint8_t **p, const uint8_t *end, struct pb_field *f)
{
	if (*p >= end)
		return 0;
	uint64_t tag;
	if (pb_get_varint(p, end, &tag) < 0)
		return -1;
	f->num = (unsigned)(tag >> 3);
	f->wt = (int)(tag & 7);
	switch (f->wt) {
	case 0:
		return pb_get_varint(p, end, &f->v) < 0 ? -1 : 1;
	case 1:
	case 5: {
		size_t n = f->wt == 1 ? 8 : 4;
		if ((size_t)(end - *p) < n)
			return -1;
		*p += n;
		return 1;
	}
	case 2: {
		uint64_t n;
		if (pb_get_varint(p, end, &n) < 0 || n > (uint64_t)(end - *p))
			return -1;
		f->p = *p;
		f->n = (size_t)n;
		*p += n;
		return 1;
	}
	default:
		return -1;
	}
}

static void pb_copy_str(const struct pb_field *f, char *buf, size_t len)
{
	size_t n = f->n < len - 1 ? f->n : len - 1;
	memcpy(buf, f->p, n);
	buf[n] = '\0';
}

/* The varint field `num` of a sub-message (0 when absent). */
static uint64_t pb_sub_uint(const struct pb_field *m, unsigned num)
{
	const uint8_t *p = m->p, *end = m->p + m->n;
	struct pb_field f;
	uint64_t v = 0;
	while (pb_next(&p, end, &f) > 0)
		if (f.num == num && f.wt == 0)
			v = f.v;
	return v;
}

struct notify {
	char script[64];
	pid_t pid;
};

static int decode_resp(const uint8_t *buf, size_t len, struct ob_criu_resp *r, struct notify *nt)
{
	const uint8_t *p = buf, *end = buf + len;
	struct pb_field f;
	int k;
	*r = (struct ob_criu_resp){0};
	*nt = (struct notify){0};
	while ((k = pb_next(&p, end, &f)) > 0) {
		if (f.wt == 0) {
			if (f.num == 1)
				r->type = (int)f.v;
			else if (f.num == 2)
				r->success = f.v != 0;
			else if (f.num == 7)
				r->cr_errno = (int)f.v;
			continue;
		}
		if (f.wt != 2)
			continue;
		if (f.num == 4) {
			r->restore_pid = (pid_t)pb_sub_uint(&f, 1);
		} else if (f.num == 5) {
			const uint8_t *q = f.p, *qend = f.p + f.n;
			struct pb_field g;
			while (pb_next(&q, qend, &g) > 0) {
				if (g.num == 1 && g.wt == 2)
					pb_copy_str(&g, nt->script, sizeof(nt->script));
				else if (g.num == 2 && g.wt == 0)
					nt->pid = (pid_t)g.v;
			}
		} else if (f.num == 8) {
			r->feat_mem_track = pb_sub_uint(&f, 1) != 0;
			r->feat_lazy_pages = pb_sub_uint(&f, 2) != 0;
		} else if (f.num == 9) {
			pb_copy_str(&f, r->errmsg, sizeof(r->errmsg));
		} else if (f.num == 10) {
			r->version_major = (int)pb_sub_uint(&f, 1);
			r->version_minor = (int)pb_sub_uint(&f, 2);
			r->version_sublevel = (int)pb_sub_uint(&f, 4);
		}
	}
	return k < 0 ? -EBADMSG : 0;
}

/* ---- the criu process ---- */

static const char *criu_bin = "criu";

void ob_criu_set_path(const char *path)
{
	criu_bin = path && *path ? path : "criu";
}

const char *ob_criu_path(void)
{
	return criu_bin;
}

int ob_criu_start(struct ob_criu *c, const int *fds, size_t n_fds, ob_criu_setup_fn setup,
		  void *arg, struct ob_err *err)
{
	int sv[2], ep[2];
	c->pid = 0;
	c->sock = -1;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return ob_error(err, errno, "socketpair for criu");
	if (pipe2(ep, O_CLOEXEC) < 0) {
		close(sv[0]);
		close(sv[1]);
		return ob_error(err, errno, "pipe");
	}
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		close(sv[0]), close(sv[1]), close(ep[0]), close(ep[1]);
		return ob_error(err, e, "fork criu");
	}
	if (pid == 0) {
		struct ob_err e = {0};
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		close(sv[0]);
		close(ep[0]);
		/* the error pipe out of the way of fds 3, 4, ... */
		int efd = fcntl(ep[1], F_DUPFD_CLOEXEC, 512);
		if (efd >= 0) {
			close(ep[1]);
			ep[1] = efd;
		}
		if (setup && setup(arg, &e) < 0)
			goto fail;
		/* above every target first, then into 3, 4, ... (dup2 clears O_CLOEXEC) */
		int high[64];
		if (n_fds + 1 > ARRAY_SIZE(high)) {
			ob_error_msg(&e, E2BIG, "too many descriptors for criu");
			goto fail;
		}
		for (size_t i = 0; i <= n_fds; i++) {
			high[i] = fcntl(i == 0 ? sv[1] : fds[i - 1], F_DUPFD_CLOEXEC, 256);
			if (high[i] < 0) {
				ob_error(&e, errno, "dup a descriptor for criu");
				goto fail;
			}
		}
		for (size_t i = 0; i <= n_fds; i++)
			if (dup2(high[i], 3 + (int)i) < 0) {
				ob_error(&e, errno, "dup2 for criu");
				goto fail;
			}
		/* nothing else of ours reaches criu (and through it nothing else) */
		unsigned first = 3 + (unsigned)n_fds + 1;
		if ((unsigned)ep[1] > first)
			syscall(SYS_close_range, first, (unsigned)ep[1] - 1, 0);
		syscall(SYS_close_range, (unsigned)ep[1] + 1, ~0U, 0);
		execlp(criu_bin, criu_bin, "swrk", "3", (char *)NULL);
		ob_error(&e, errno, "run `%s`", criu_bin);
	fail:
		if (write(ep[1], &e, sizeof(e)) < 0) {
		}
		_exit(127);
	}
	close(sv[1]);
	close(ep[1]);
	struct ob_err ce;
	ssize_t n = ob_read_all(ep[0], &ce, sizeof(ce));
	close(ep[0]);
	if (n == sizeof(ce)) {
		close(sv[0]);
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		*err = ce;
		err->msg[sizeof(err->msg) - 1] = '\0';
		return -(ce.code ? ce.code : EIO);
	}
	c->pid = pid;
	c->sock = sv[0];
	return 0;
}

int ob_criu_call(struct ob_criu *c, const struct ob_pb *req, ob_criu_notify_fn fn, void *arg,
		 struct ob_criu_resp *resp, struct ob_err *err)
{
	if (send(c->sock, req->buf, req->len, MSG_NOSIGNAL) != (ssize_t)req->len)
		return ob_error(err, errno ? errno : EIO, "send the request to criu");
	size_t cap = 1 << 16;
	_cleanup_free_ uint8_t *buf = ob_xmalloc(cap);
	bool failed = false; /* a notification handler failed: its error is the one to tell */
	for (;;) {
		char cbuf[CMSG_SPACE(sizeof(int) * 4)];
		struct iovec iov = {.iov_base = buf, .iov_len = cap};
		struct msghdr mh = {.msg_iov = &iov,
				    .msg_iovlen = 1,
				    .msg_control = cbuf,
				    .msg_controllen = sizeof(cbuf)};
		ssize_t n = recvmsg(c->sock, &mh, MSG_CMSG_CLOEXEC);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return failed ? -(err->code ? err->code : EIO)
				      : ob_error(err, errno, "read from criu");
		if (n == 0)
			return failed ? -(err->code ? err->code : EIO)
				      : ob_error_msg(err, EIO, "criu exited without an answer");
		int fd = -1;
		for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
			if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS) {
				size_t nfd = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
				for (size_t i = 0; i < nfd; i++) {
					int x;
					memcpy(&x, CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
					if (fd < 0)
						fd = x;
					else
						close(x);
				}
			}
		struct notify nt;
		if (decode_resp(buf, (size_t)n, resp, &nt) < 0) {
			if (fd >= 0)
				close(fd);
			return ob_error_msg(err, EBADMSG, "criu sent a malformed message");
		}
		if (resp->type != CRIU_REQ_NOTIFY) {
			if (fd >= 0)
				close(fd);
			/* a failed notification failed the operation: its error is the one */
			if (failed)
				return -(err->code ? err->code : EIO);
			return 0;
		}
		ob_log_debug("criu notification `%s` (pid %d)", nt.script, (int)nt.pid);
		bool ok = true;
		if (fn && !failed && fn(arg, nt.script, nt.pid, fd, err) < 0) {
			failed = true;
			ok = false;
		} else if (!fn && fd >= 0) {
			close(fd);
		}
		struct ob_pb ack = {0};
		ob_pb_uint(&ack, 1, CRIU_REQ_NOTIFY);
		ob_pb_bool(&ack, 3, ok);
		ssize_t w = send(c->sock, ack.buf, ack.len, MSG_NOSIGNAL);
		ob_pb_free(&ack);
		if (w < 0 && !failed)
			return ob_error(err, errno, "answer criu");
	}
}

int ob_criu_finish(struct ob_criu *c)
{
	int status = 0;
	if (c->sock >= 0)
		close(c->sock);
	c->sock = -1;
	if (c->pid > 0)
		while (waitpid(c->pid, &status, 0) < 0 && errno == EINTR)
			;
	c->pid = 0;
	return status;
}

/* ---- logs ---- */

char *ob_criu_log_excerpt(const char *path, size_t max)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	if (!f)
		return NULL;
	char *out = ob_xmalloc(max + 1);
	size_t len = 0;
	char prev[512] = "", line[512];
	unsigned no = 0, printed = 0;
	out[0] = '\0';
	while (fgets(line, sizeof(line), f)) {
		no++;
		line[strcspn(line, "\n")] = '\0';
		/* the RLIMIT_NOFILE error is printed on every run without CAP_SYS_RESOURCE and
		 * does not stop CRIU */
		if (strstr(line, "Error") && !strstr(line, "RLIMIT_NOFILE") && len < max) {
			if (no > 1 && printed < no - 1)
				len += (size_t)snprintf(out + len, max + 1 - len, "%u: %s\n",
							no - 1, prev);
			if (len < max)
				len += (size_t)snprintf(out + len, max + 1 - len, "%u: %s\n", no,
							line);
			printed = no;
		}
		snprintf(prev, sizeof(prev), "%s", line);
	}
	if (!len) {
		free(out);
		return NULL;
	}
	if (len > max)
		len = max;
	while (len && out[len - 1] == '\n')
		len--;
	out[len] = '\0';
	return out;
}

/* ---- is there a working criu ---- */

/* Run argv with stdout+stderr into buf; the exit status (-1: could not run). */
static int run_capture(char *const argv[], char *buf, size_t len)
{
	int p[2];
	buf[0] = '\0';
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid_t pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		int nul = open("/dev/null", O_RDONLY);
		if (nul >= 0)
			dup2(nul, 0);
		dup2(p[1], 1);
		dup2(p[1], 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	size_t n = 0;
	ssize_t r;
	char sink[512];
	while ((r = read(p[0], n + 1 < len ? buf + n : sink,
			 n + 1 < len ? len - 1 - n : sizeof(sink))) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break;
		if (n + 1 < len)
			n += (size_t)r;
	}
	buf[n] = '\0';
	close(p[0]);
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* The last non-empty line of s that is not an RLIMIT warning (criu prints one always). */
static void last_line(char *s, char *buf, size_t len)
{
	buf[0] = '\0';
	for (char *l = strtok(s, "\n"); l; l = strtok(NULL, "\n"))
		if (*l && !strstr(l, "RLIMIT_NOFILE"))
			snprintf(buf, len, "%s", l);
}

/* bin as execvp finds it (for messages) */
static void which(const char *bin, char *buf, size_t len)
{
	snprintf(buf, len, "%s", bin);
	const char *path = getenv("PATH");
	if (strchr(bin, '/') || !path)
		return;
	_cleanup_free_ char *copy = ob_xstrdup(path);
	for (char *d = strtok(copy, ":"); d; d = strtok(NULL, ":")) {
		char cand[PATH_MAX];
		snprintf(cand, sizeof(cand), "%s/%s", *d ? d : ".", bin);
		if (access(cand, X_OK) == 0) {
			snprintf(buf, len, "%s", cand);
			return;
		}
	}
}

bool ob_criu_works(char *desc, size_t len)
{
	char out[4096], why[300];
	char *const version[] = {(char *)criu_bin, "--version", NULL};
	int st = run_capture(version, out, sizeof(out));
	if (st == 127 || st < 0) {
		if (strchr(criu_bin, '/'))
			snprintf(desc, len, "criu: `%s` cannot be run", criu_bin);
		else
			snprintf(desc, len, "criu: not found in PATH");
		return false;
	}
	char ver[32] = "?";
	const char *v = strstr(out, "Version: ");
	if (!v || sscanf(v + 9, "%31s", ver) != 1) {
		snprintf(desc, len, "criu: `%s --version` does not print a criu version", criu_bin);
		return false;
	}
	char *const check[] = {(char *)criu_bin, "check", NULL};
	st = run_capture(check, out, sizeof(out));
	if (st != 0) {
		last_line(out, why, sizeof(why));
		snprintf(desc, len, "criu %s: `%s check` failed: %s", ver, criu_bin,
			 why[0] ? why : "no output");
		return false;
	}
	char where[PATH_MAX];
	which(criu_bin, where, sizeof(where));
	snprintf(desc, len, "criu %s (%s)", ver, where);
	return true;
}
