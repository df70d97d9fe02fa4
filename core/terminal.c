/* terminal.c - pty for process.terminal, sent to --console-socket as runc does. */
#include "terminal.h"

#include <fcntl.h>
#include <sys/ioctl.h>
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

/* The slave becomes the controlling terminal of a new session and the stdio. */
static int terminal_take(int slave, struct ob_err *err)
{
	if (setsid() < 0)
		return ob_error(err, errno, "setsid");
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
