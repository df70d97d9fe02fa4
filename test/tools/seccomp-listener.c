/* seccomp-listener - a minimal seccomp agent for the tests (linux.seccomp.listenerPath).
 *
 * Usage: seccomp-listener SOCKET STATE_FILE ERRNO [DELAY_MS]
 *
 * Listens on the unix socket SOCKET (SOCK_STREAM), accepts ONE connection, receives the
 * seccomp notify fd (SCM_RIGHTS) and the container process state JSON, writes the JSON to
 * STATE_FILE, then answers every notification: ERRNO 0 makes the syscall "succeed" (0)
 * without running it, any other number fails it with that errno. Each notification is
 * logged to stdout as "syscall NR pid PID", and answered DELAY_MS later (default 0: at
 * once; a test holds a task inside a syscall that way). Exits 0 when the last filtered
 * task is gone.
 * Writes "ready" to stdout once listening (the test waits for it).
 */
#include <errno.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

static int die(const char *what)
{
	fprintf(stderr, "seccomp-listener: %s: %s\n", what, strerror(errno));
	exit(1);
}

int main(int argc, char **argv)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	char buf[65536];
	union {
		char b[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control;
	struct iovec iov = {.iov_base = buf, .iov_len = sizeof(buf) - 1};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = control.b,
			     .msg_controllen = sizeof(control.b)};
	struct seccomp_notif_sizes sizes;
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;
	struct cmsghdr *cmsg;
	size_t total = 0;
	int lsk, sk, nfd = -1, answer, delay_ms = 0;
	ssize_t n;
	FILE *f;

	if (argc != 4 && argc != 5) {
		fprintf(stderr, "Usage: seccomp-listener SOCKET STATE_FILE ERRNO [DELAY_MS]\n");
		return 2;
	}
	answer = atoi(argv[3]);
	if (argc == 5)
		delay_ms = atoi(argv[4]);
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", argv[1]);
	lsk = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lsk < 0 || bind(lsk, (struct sockaddr *)&sun, sizeof(sun)) < 0 || listen(lsk, 1) < 0)
		die("listen");
	printf("ready\n");
	fflush(stdout);

	sk = accept4(lsk, NULL, NULL, SOCK_CLOEXEC);
	if (sk < 0)
		die("accept");
	n = recvmsg(sk, &msg, MSG_CMSG_CLOEXEC);
	if (n < 0)
		die("recvmsg");
	for (cmsg = CMSG_FIRSTHDR(&msg); cmsg; cmsg = CMSG_NXTHDR(&msg, cmsg))
		if (cmsg->cmsg_level == SOL_SOCKET && cmsg->cmsg_type == SCM_RIGHTS)
			memcpy(&nfd, CMSG_DATA(cmsg), sizeof(int));
	if (nfd < 0) {
		fprintf(stderr, "seccomp-listener: no fd received\n");
		return 1;
	}
	/* The rest of the state, if the runtime used several sendmsg calls, until EOF. */
	total = n;
	while (n > 0 && total < sizeof(buf) - 1) {
		n = read(sk, buf + total, sizeof(buf) - 1 - total);
		if (n > 0)
			total += n;
	}
	buf[total] = '\0';
	close(sk);
	f = fopen(argv[2], "w");
	if (!f || fputs(buf, f) < 0 || fclose(f) != 0)
		die("write state file");

	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) < 0)
		die("SECCOMP_GET_NOTIF_SIZES");
	req = calloc(1, sizes.seccomp_notif);
	resp = calloc(1, sizes.seccomp_notif_resp);
	for (;;) {
		struct pollfd p = {.fd = nfd, .events = POLLIN};

		if (poll(&p, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		if (p.revents & POLLHUP)
			return 0; /* no task uses the filter any more */
		memset(req, 0, sizes.seccomp_notif);
		if (ioctl(nfd, SECCOMP_IOCTL_NOTIF_RECV, req) < 0) {
			if (errno == EINTR || errno == ENOENT)
				continue;
			die("SECCOMP_IOCTL_NOTIF_RECV");
		}
		printf("syscall %d pid %u\n", req->data.nr, req->pid);
		fflush(stdout);
		if (delay_ms > 0)
			poll(NULL, 0, delay_ms);
		memset(resp, 0, sizes.seccomp_notif_resp);
		resp->id = req->id;
		resp->error = answer ? -answer : 0;
		resp->val = 0;
		/* ENOENT: the task was killed meanwhile; nothing to answer. */
		if (ioctl(nfd, SECCOMP_IOCTL_NOTIF_SEND, resp) < 0 && errno != ENOENT)
			die("SECCOMP_IOCTL_NOTIF_SEND");
	}
}
