/* terminal.c - pty for process.terminal, sent to --console-socket as runc does, or kept
 * by oci-run / oci-exec in the foreground, which copy between it and the caller's stdio.
 *
 * No terminal of the caller is ever the container's controlling terminal (CVE-2017-5226
 * class: TIOCSTI on it would type into the caller's shell): every container process starts
 * a session of its own, a terminal process gets a new pty of the container's devpts. */
#include "terminal.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>

#include "rootfs.h"
#include "sync.h"
#include "util.h"

int ob_terminal_connect(const char *path, int *ret_fd, struct ob_err *err)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof(sa.sun_path))
		return ob_error(err, ENAMETOOLONG, "console socket `%s`", path);
	strcpy(sa.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return ob_error(err, errno, "console socket");
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;
		close(fd);
		return ob_error(err, e, "connect to console socket `%s`", path);
	}
	*ret_fd = fd;
	return 0;
}

int ob_terminal_recv_master(int sock, int *ret_fd, struct ob_err *err)
{
	char name[64], cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = {.iov_base = name, .iov_len = sizeof(name)};
	struct msghdr msg = {
	    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf)};
	/* sent before the child said ready or exec'd: there, or never */
	ssize_t n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
	if (n < 0)
		return ob_error(err, errno, "receive the pty master");
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
		return ob_error_msg(err, EBADMSG, "receive the pty master: no fd came");
	memcpy(ret_fd, CMSG_DATA(c), sizeof(int));
	return 0;
}

/* Open a pty in the current mount namespace's devpts, size it, send the master over
 * sock (closed); the slave in *ret_slave. */
static int terminal_open_send(int sock, const struct ob_process *p, int *ret_slave,
			      struct ob_err *err)
{
	_cleanup_close_ int s = sock;
	_cleanup_close_ int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		return ob_error(err, errno, "open /dev/ptmx");
	int unlock = 0;
	if (ioctl(master, TIOCSPTLCK, &unlock) < 0)
		return ob_error(err, errno, "unlock pty");
	int n;
	if (ioctl(master, TIOCGPTN, &n) < 0)
		return ob_error(err, errno, "pty number");
	_cleanup_close_ int slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0)
		return ob_error(err, errno, "open the pty slave");
	if (p->has_console_size) {
		struct winsize ws = {.ws_row = (unsigned short)p->console_height,
				     .ws_col = (unsigned short)p->console_width};
		if (ioctl(slave, TIOCSWINSZ, &ws) < 0)
			return ob_error(err, errno, "set consoleSize");
	}
	/* the process's user must be able to use its terminal: the slave becomes its (the
	 * uid only, as runc: the group stays the one devpts gives); only this pty, never
	 * the stdio of the host */
	if (fchown(slave, p->user.uid, (gid_t)-1) < 0)
		return ob_error(err, errno, "chown the pty slave to uid %u", p->user.uid);
	char name[64];
	snprintf(name, sizeof(name), "/dev/pts/%d", n);
	int r = ob_send_fd(s, master, name);
	if (r < 0)
		return ob_error(err, -r, "send the pty master to the console socket");
	*ret_slave = TAKE_FD(slave);
	return 0;
}

int ob_terminal_new_session(struct ob_err *err)
{
	/* a process group leader cannot (setsid(2)): the init after its first setsid */
	if (getsid(0) == getpid())
		return 0;
	if (setsid() < 0)
		return ob_error(err, errno, "setsid");
	return 0;
}

/* The slave becomes the controlling terminal of our session (a new one, see
 * ob_terminal_new_session) and the stdio. */
static int terminal_take(int slave, struct ob_err *err)
{
	int r = ob_terminal_new_session(err);
	if (r < 0)
		return r;
	if (ioctl(slave, TIOCSCTTY, 0) < 0)
		return ob_error(err, errno, "make the pty the controlling terminal");
	for (int fd = 0; fd < 3; fd++)
		if (dup2(slave, fd) < 0)
			return ob_error(err, errno, "dup2 the pty to fd %d", fd);
	return 0;
}

int ob_terminal_setup(int sock, const struct ob_process *p, struct ob_err *err)
{
	_cleanup_close_ int slave = -1;
	int r = terminal_open_send(sock, p, &slave, err);
	if (r < 0)
		return r;
	if ((r = ob_rootfs_bind_console(slave, err)) < 0)
		return r;
	return terminal_take(slave, err);
}

int ob_terminal_setup_exec(int sock, const struct ob_process *p, struct ob_err *err)
{
	_cleanup_close_ int slave = -1;
	int r = terminal_open_send(sock, p, &slave, err);
	if (r < 0)
		return r;
	return terminal_take(slave, err);
}

/* ---- the foreground: oci-run and oci-exec without --detach ---- */

void ob_terminal_fg_signals(sigset_t *set)
{
	sigfillset(set);
	/* raised by a fault of ours, or job control of the caller's shell: not for the
	 * container */
	static const int keep[] = {SIGSEGV, SIGBUS,  SIGILL,  SIGFPE,
				   SIGABRT, SIGTTIN, SIGTTOU, SIGTSTP};
	for (size_t i = 0; i < ARRAY_SIZE(keep); i++)
		sigdelset(set, keep[i]);
}

/* The caller's terminal: the first of stdin, stdout, stderr that is one (runc looks at
 * the three too); -1 when none is. */
static int caller_tty(void)
{
	for (int fd = 0; fd < 3; fd++)
		if (isatty(fd))
			return fd;
	return -1;
}

void ob_terminal_caller_size(struct ob_process *p)
{
	struct winsize ws;
	int tty = caller_tty();
	if (tty >= 0 && ioctl(tty, TIOCGWINSZ, &ws) == 0 && ws.ws_row && ws.ws_col) {
		p->has_console_size = true;
		p->console_height = ws.ws_row;
		p->console_width = ws.ws_col;
	}
}

static void copy_winsize(int from, int to)
{
	struct winsize ws;
	if (from >= 0 && ioctl(from, TIOCGWINSZ, &ws) == 0 && ws.ws_row && ws.ws_col)
		ioctl(to, TIOCSWINSZ, &ws);
}

/* All of buf to fd, which may be non-blocking (the caller's stdout is shared). */
static int write_out(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);
		if (n < 0 && errno == EAGAIN) {
			struct pollfd p = {.fd = fd, .events = POLLOUT};
			poll(&p, 1, -1);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

struct relay {
	int master, tty; /* the pty master, the caller's terminal (or -1) */
	bool in_open, out_open, master_open;
	char in[4096]; /* read from stdin, not yet written into the pty */
	size_t in_len, in_off;
};

/* One read from the pty to stdout; false once the pty has no slave left (EIO). */
static bool relay_out(struct relay *r)
{
	char buf[8192];
	ssize_t n = read(r->master, buf, sizeof(buf));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (n <= 0)
		return false;
	/* a caller that stopped reading must not stop the container: discard then */
	if (r->out_open && write_out(STDOUT_FILENO, buf, (size_t)n) < 0)
		r->out_open = false;
	return true;
}

static void relay_in(struct relay *r)
{
	ssize_t n = read(STDIN_FILENO, r->in, sizeof(r->in));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		r->in_open = false;
		return;
	}
	r->in_len = (size_t)n;
	r->in_off = 0;
}

static void relay_to_pty(struct relay *r)
{
	ssize_t n = write(r->master, r->in + r->in_off, r->in_len - r->in_off);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n < 0) {
		r->in_len = r->in_off = 0;
		r->in_open = false;
		return;
	}
	r->in_off += (size_t)n;
	if (r->in_off == r->in_len)
		r->in_len = r->in_off = 0;
}

int ob_terminal_foreground(pid_t pid, int master, int *ret_status, struct ob_err *err)
{
	sigset_t set;
	ob_terminal_fg_signals(&set);
	_cleanup_close_ int sfd = signalfd(-1, &set, SFD_CLOEXEC);
	if (sfd < 0)
		return ob_error(err, errno, "signalfd");
	struct relay r = {.master = master, .tty = -1, .master_open = master >= 0};
	struct termios saved;
	bool raw = false;
	if (master >= 0) {
		r.in_open = r.out_open = true;
		fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
		/* the caller's terminal raw while the container's pty does the line
		 * discipline (runc: console.SetRaw), restored on every way out below */
		r.tty = caller_tty();
		if (r.tty >= 0 && tcgetattr(r.tty, &saved) == 0) {
			struct termios t = saved;
			cfmakeraw(&t);
			raw = tcsetattr(r.tty, TCSANOW, &t) == 0;
		}
		copy_winsize(r.tty, master);
	}
	int status = 0, rc = 0;
	for (;;) {
		struct pollfd p[3] = {{.fd = sfd, .events = POLLIN}, {.fd = -1}, {.fd = -1}};
		if (r.master_open)
			p[1] = (struct pollfd){.fd = master,
					       .events = POLLIN | (r.in_len ? POLLOUT : 0)};
		if (r.in_open && !r.in_len)
			p[2] = (struct pollfd){.fd = STDIN_FILENO, .events = POLLIN};
		if (poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			rc = ob_error(err, errno, "poll");
			break;
		}
		if (p[1].revents & POLLOUT)
			relay_to_pty(&r);
		if (p[1].revents & (POLLIN | POLLHUP | POLLERR))
			r.master_open = relay_out(&r);
		if (p[2].revents)
			relay_in(&r);
		if (!(p[0].revents & POLLIN))
			continue;
		struct signalfd_siginfo si;
		if (read(sfd, &si, sizeof(si)) != sizeof(si))
			continue;
		int sig = (int)si.ssi_signo;
		if (sig == SIGWINCH && master >= 0) {
			/* the pty sends SIGWINCH to its foreground process group itself */
			copy_winsize(r.tty, master);
		} else if (sig != SIGCHLD) {
			/* from anyone, the caller's terminal too: the container's process is in
			 * a session of its own, which our terminal does not signal */
			kill(pid, sig);
			continue;
		}
		pid_t w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			break;
		if (w < 0 && errno != EINTR) {
			rc = ob_error(err, errno, "wait for pid %d", (int)pid);
			break;
		}
	}
	/* what the process wrote before it exited (read(2) on a pty master flushes the
	 * pending input first; EAGAIN: a process left holds the slave, we do not wait) */
	while (r.master_open && relay_out(&r)) {
		struct pollfd p = {.fd = master, .events = POLLIN};
		if (poll(&p, 1, 0) <= 0)
			break;
	}
	if (raw)
		tcsetattr(r.tty, TCSANOW, &saved);
	if (rc < 0)
		return rc;
	*ret_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	return 0;
}
