/* sync.c - the one protocol between the runtime and its children (see sync.h). */
#include "sync.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "util.h"

static const char *kind_name(int kind)
{
	static const char *const names[] = {"EOF", "ERROR", "GO", "READY", "PID", "JOINED", "FD"};
	return kind >= 0 && (size_t)kind < ARRAY_SIZE(names) ? names[kind] : "?";
}

int ob_sync_send(int sock, int kind, int value, int fd, const void *data, size_t len)
{
	struct ob_sync_msg m = {.kind = kind, .value = value};
	return ob_sync_send_msg(sock, &m, fd, data, len);
}

/* sendmsg with fd in SCM_RIGHTS (fd >= 0); MSG_NOSIGNAL: a dead peer is EPIPE. */
static ssize_t send_fd_iov(int sock, struct iovec *iov, size_t n_iov, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	memset(cbuf, 0, sizeof(cbuf));
	struct msghdr mh = {.msg_iov = iov, .msg_iovlen = n_iov};
	if (fd >= 0) {
		mh.msg_control = cbuf;
		mh.msg_controllen = sizeof(cbuf);
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	return sendmsg(sock, &mh, MSG_NOSIGNAL);
}

int ob_sync_send_msg(int sock, const struct ob_sync_msg *m, int fd, const void *data, size_t len)
{
	struct iovec iov[2] = {{(void *)m, sizeof(*m)}, {(void *)data, len}};
	size_t n_iov = data && len ? 2 : 1;
	ssize_t n = send_fd_iov(sock, iov, n_iov, fd);
	/* exec.fifo (ENOTSOCK), or a seccomp profile that denies sendmsg (the init's error at
	 * execve goes back after the filter is loaded): write(2), which a profile lets the
	 * program do anyway. One write below PIPE_BUF, atomic on a fifo. */
	if (n < 0 && fd < 0 && errno != EPIPE)
		n = n_iov == 1 ? write(sock, m, sizeof(*m)) : writev(sock, iov, (int)n_iov);
	if (n < 0)
		return -errno;
	return (size_t)n == sizeof(*m) + (n_iov == 2 ? len : 0) ? 0 : -EIO;
}

void ob_sync_fail(int sock, const struct ob_err *err)
{
	struct ob_sync_msg m = {.kind = OB_SYNC_ERROR, .err = *err};
	(void)ob_sync_send_msg(sock, &m, -1, NULL, 0);
	_exit(ob_err_exit_code(err));
}

/* One message: the header, the fd, the data (a SEQPACKET packet is read whole: its size
 * first). 0 at EOF, else the bytes read; -errno. */
static ssize_t recv_one(int sock, struct ob_sync_in *in)
{
	in->fd = -1;
	in->data = NULL;
	in->len = 0;
	ssize_t size = recv(sock, NULL, 0, MSG_PEEK | MSG_TRUNC);
	bool fifo = size < 0 && errno == ENOTSOCK;
	if (size < 0 && !fifo)
		return -errno;
	if (fifo || (size_t)size < sizeof(in->m))
		size = sizeof(in->m);
	_cleanup_free_ char *buf = ob_xmalloc((size_t)size + 1);
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = {buf, (size_t)size};
	struct msghdr mh = {
	    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf)};
	ssize_t n;
	do
		n = fifo ? read(sock, buf, (size_t)size) : recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return n < 0 ? -errno : 0;
	struct cmsghdr *c = fifo ? NULL : CMSG_FIRSTHDR(&mh);
	if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
		memcpy(&in->fd, CMSG_DATA(c), sizeof(int));
	if ((size_t)n < sizeof(in->m)) {
		if (in->fd >= 0)
			close(in->fd);
		in->fd = -1;
		return -EBADMSG;
	}
	memcpy(&in->m, buf, sizeof(in->m));
	in->m.err.msg[sizeof(in->m.err.msg) - 1] = '\0';
	if ((size_t)n > sizeof(in->m)) {
		in->len = (size_t)n - sizeof(in->m);
		in->data = ob_xmalloc(in->len + 1);
		memcpy(in->data, buf + sizeof(in->m), in->len);
		in->data[in->len] = '\0';
	}
	return n;
}

int ob_sync_expect(int sock, int kind, const struct ob_sync_fd_sink *sink, struct ob_sync_in *ret,
		   struct ob_err *err)
{
	struct ob_sync_in in, dummy;
	if (!ret)
		ret = &dummy;
	*ret = (struct ob_sync_in){.m.kind = -1, .fd = -1};
	for (;;) {
		ssize_t n = recv_one(sock, &in);
		if (n == -EAGAIN)
			return ob_error_msg(err, EAGAIN, "sync: no message");
		/* ECONNRESET: the other end died with our message unread (an init killed,
		 * e.g. by its memory limit, before it read GO): an end like EOF */
		if (n < 0 && n != -ECONNRESET)
			return ob_error(err, (int)-n, "sync: read");
		if (n <= 0) {
			ret->m.kind = OB_SYNC_EOF;
			if (kind == OB_SYNC_EOF)
				return 0;
			return ob_error_msg(err, EPIPE, "sync: the other end closed before %s",
					    kind_name(kind));
		}
		ret->m.kind = in.m.kind;
		if (in.m.kind == kind) {
			if (ret != &dummy) {
				*ret = in;
				return 0;
			}
			if (in.fd >= 0)
				close(in.fd);
			free(in.data);
			return 0;
		}
		free(in.data);
		if (in.m.kind == OB_SYNC_FD && sink) {
			int r = sink->fn(sink->ctx, in.fd, err);
			if (in.fd >= 0)
				close(in.fd);
			if (r < 0)
				return r;
			continue;
		}
		if (in.fd >= 0)
			close(in.fd);
		if (in.m.kind == OB_SYNC_ERROR) {
			*err = in.m.err;
			return -(err->code ? err->code : EIO);
		}
		return ob_error_msg(err, EBADMSG, "sync: expected %s, got %s", kind_name(kind),
				    kind_name(in.m.kind));
	}
}

int ob_send_fd(int sock, int fd, const char *name)
{
	struct iovec iov = {.iov_base = (void *)name, .iov_len = strlen(name)};
	return send_fd_iov(sock, &iov, 1, fd) < 0 ? -errno : 0;
}
