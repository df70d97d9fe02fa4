/* sync.h - the one protocol between the runtime and a child it made (the container's
 * init, an oci-exec process), on a SOCK_SEQPACKET socketpair, and from the init to
 * oci-start through exec.fifo: one message type, one sender, one reader.
 *
 * A message is its kind, a value, the child's error (errno, exit code, text) and
 * optionally one fd (SCM_RIGHTS) and data following the header in the same packet. A child
 * that fails sends OB_SYNC_ERROR and exits with err.exit_code; the reader turns that into
 * the caller's ob_err. A child that exec'd is seen as EOF (its end is close-on-exec).
 * Models: crun sync_socket_wait_sync, youki process/channel.rs.
 */
#ifndef OB_SYNC_H
#define OB_SYNC_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

enum ob_sync_kind {
	OB_SYNC_EOF = 0, /* never sent: the other end closed (the child exec'd) */
	OB_SYNC_ERROR,	 /* child: I failed (err) */
	OB_SYNC_GO,	 /* parent: go on (create: the two state JSON texts follow) */
	OB_SYNC_READY,	 /* init: the container is built */
	OB_SYNC_PID,	 /* init joined a user ns by path: value is the real init's pid */
	OB_SYNC_JOINED,	 /* init: I am in my cgroups */
	OB_SYNC_FD,	 /* an fd (seccomp listener, idmapped mount); value: enum ob_sync_fd */
};

enum ob_sync_fd { OB_SYNC_FD_SECCOMP = 1, OB_SYNC_FD_IDMAP };

struct ob_sync_msg {
	int kind;
	int value;
	struct ob_err err;
};

/* What the reader got: the message, the fd that came with it (-1 if none; the caller's to
 * close) and the data after the header (NUL-terminated, the caller's to free; NULL if
 * none). */
struct ob_sync_in {
	struct ob_sync_msg m;
	int fd;
	char *data;
	size_t len;
};

/* Called for each OB_SYNC_FD message that arrives while another kind is expected (the
 * seccomp listener fd on its way to the agent); the fd is closed after. */
struct ob_sync_fd_sink {
	int (*fn)(void *ctx, int fd, struct ob_err *err);
	void *ctx;
};

/* Send one message (fd -1: none; data may be NULL). On a fifo (no fd), written as is.
 * -errno on failure; MSG_NOSIGNAL: a dead peer is -EPIPE, not SIGPIPE. */
int ob_sync_send(int sock, int kind, int value, int fd, const void *data, size_t len);
int ob_sync_send_msg(int sock, const struct ob_sync_msg *m, int fd, const void *data, size_t len);
/* Child side: send OB_SYNC_ERROR with err and _exit(ob_err_exit_code(err)). */
__attribute__((noreturn)) void ob_sync_fail(int sock, const struct ob_err *err);

/* Read messages until one of `kind` arrives (0, *ret filled: the caller closes ret->fd and
 * frees ret->data). OB_SYNC_FD messages go to sink when one is given. The child's
 * OB_SYNC_ERROR: its error in err (exit code included), -errno. EOF when another kind was
 * expected: -EPIPE; another kind: -EBADMSG; a non-blocking fd with nothing to read: -EAGAIN
 * (err set in each). ret may be NULL; else on failure ret->m.kind says what came
 * (OB_SYNC_EOF, OB_SYNC_ERROR, OB_SYNC_FD when the sink failed, -1 when nothing did). */
int ob_sync_expect(int sock, int kind, const struct ob_sync_fd_sink *sink, struct ob_sync_in *ret,
		   struct ob_err *err);

/* --console-socket (runc's protocol): fd with SCM_RIGHTS, name as the data. */
int ob_send_fd(int sock, int fd, const char *name);

#endif
