/* hooks.c - run OCI hooks: fork + execve, the state on stdin, a timeout with SIGKILL. */
#include "hooks.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/param.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "util.h"

/* The hook's output (stdout and stderr, one pipe): kept, and shown only when the hook fails,
 * as runc does: a createRuntime hook such as veth-setup prints its result JSON, which is
 * not the caller's to see. A fixed buffer (hooks also run in the container's child, where
 * no malloc is allowed); the rest is read and dropped so the hook never blocks on a full
 * pipe. */
struct hook_out {
	char buf[400];
	size_t len;
};

static bool drain(int fd, struct hook_out *o)
{
	for (;;) {
		char chunk[512];
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n == 0; /* true at end of file */
		size_t take = MIN((size_t)n, sizeof(o->buf) - 1 - o->len);
		memcpy(o->buf + o->len, chunk, take);
		o->len += take;
	}
}

/* Wait for the hook to exit while reading its output; false when timeout_ms ran out. */
static bool wait_reading(pid_t pid, int out_fd, int timeout_ms, struct hook_out *o)
{
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0) { /* no pidfd (old kernel): read to end of file, no timeout */
		fcntl(out_fd, F_SETFL, 0);
		drain(out_fd, o);
		return true;
	}
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	bool eof = false, exited = false, timed_out = false;
	while (!exited) {
		int wait_ms = -1;
		if (timeout_ms > 0) {
			struct timespec now;
			clock_gettime(CLOCK_MONOTONIC, &now);
			long spent =
			    (now.tv_sec - t0.tv_sec) * 1000 + (now.tv_nsec - t0.tv_nsec) / 1000000;
			if (spent >= timeout_ms) {
				timed_out = true;
				break;
			}
			wait_ms = (int)(timeout_ms - spent);
		}
		struct pollfd p[2] = {{.fd = pidfd, .events = POLLIN},
				      {.fd = eof ? -1 : out_fd, .events = POLLIN}};
		int r = poll(p, 2, wait_ms);
		if (r < 0 && errno != EINTR)
			break;
		if (r > 0 && p[1].revents)
			eof = drain(out_fd, o);
		if (r > 0 && p[0].revents)
			exited = true;
	}
	close(pidfd);
	/* What it wrote before exiting; a child it left holding the pipe is not waited for. */
	if (!eof && !timed_out)
		drain(out_fd, o);
	return !timed_out;
}

static int hook_failed(struct ob_err *err, struct hook_out *o, const char *fmt, const char *kind,
		       const char *path, int n)
{
	while (o->len > 0 && (o->buf[o->len - 1] == '\n' || o->buf[o->len - 1] == ' '))
		o->len--;
	o->buf[o->len] = '\0';
	char what[64];
	snprintf(what, sizeof(what), fmt, n);
	if (o->len == 0)
		return ob_error_msg(err, EIO, "%s hook `%s`: %s", kind, path, what);
	return ob_error_msg(err, EIO, "%s hook `%s`: %s; its output: %s", kind, path, what, o->buf);
}

static int run_one(const struct ob_hook *h, const char *kind, const char *state_json,
		   struct ob_err *err)
{
	/* the state on stdin; execve's errno back (closed on exec); the hook's output */
	int pfd[2] = {-1, -1}, efd[2] = {-1, -1}, ofd[2] = {-1, -1};
	if (pipe2(pfd, O_CLOEXEC) < 0 || pipe2(efd, O_CLOEXEC) < 0 || pipe2(ofd, O_CLOEXEC) < 0) {
		int e = errno;
		int all[6] = {pfd[0], pfd[1], efd[0], efd[1], ofd[0], ofd[1]};
		for (int i = 0; i < 6; i++)
			if (all[i] >= 0)
				close(all[i]);
		return ob_error(err, e, "%s hook `%s`: pipe", kind, h->path);
	}
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		int all[6] = {pfd[0], pfd[1], efd[0], efd[1], ofd[0], ofd[1]};
		for (int i = 0; i < 6; i++)
			close(all[i]);
		return ob_error(err, e, "%s hook `%s`: fork", kind, h->path);
	}
	if (pid == 0) {
		sigset_t all;
		sigemptyset(&all);
		sigprocmask(SIG_SETMASK, &all, NULL);
		signal(SIGPIPE, SIG_DFL);
		if (dup2(pfd[0], 0) < 0 || dup2(ofd[1], 1) < 0 || dup2(ofd[1], 2) < 0)
			_exit(127);
		char *const def_args[] = {h->path, NULL};
		char *const no_env[] = {NULL};
		execve(h->path, h->args && h->args[0] ? h->args : def_args,
		       h->env ? h->env : no_env);
		int e = errno;
		(void)!write(efd[1], &e, sizeof(e));
		_exit(127);
	}
	close(pfd[0]);
	close(efd[1]);
	close(ofd[1]);
	int exec_errno = 0;
	ssize_t en;
	do
		en = read(efd[0], &exec_errno, sizeof(exec_errno));
	while (en < 0 && errno == EINTR);
	close(efd[0]);
	if (en == sizeof(exec_errno)) {
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		close(pfd[1]);
		close(ofd[0]);
		return ob_error(err, exec_errno, "%s hook `%s`: exec", kind, h->path);
	}
	/* The hook may not read its stdin: never block on it, never die of SIGPIPE. */
	fcntl(pfd[1], F_SETFL, O_NONBLOCK);
	void (*old)(int) = signal(SIGPIPE, SIG_IGN);
	(void)!write(pfd[1], state_json, strlen(state_json));
	signal(SIGPIPE, old);
	close(pfd[1]);

	struct hook_out out = {.len = 0};
	fcntl(ofd[0], F_SETFL, O_NONBLOCK);
	bool in_time = wait_reading(pid, ofd[0], h->has_timeout ? h->timeout * 1000 : 0, &out);
	close(ofd[0]);
	int status = 0;
	if (!in_time) {
		kill(pid, SIGKILL);
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		return ob_error_msg(err, ETIMEDOUT, "%s hook `%s`: timed out after %ds", kind,
				    h->path, h->timeout);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return ob_error(err, errno, "%s hook `%s`: wait", kind, h->path);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFSIGNALED(status))
		return hook_failed(err, &out, "killed by signal %d", kind, h->path,
				   WTERMSIG(status));
	return hook_failed(err, &out, "exited with status %d", kind, h->path, WEXITSTATUS(status));
}

int ob_hooks_run(const struct ob_hook *hooks, size_t n, const char *kind, const char *state_json,
		 struct ob_err *err)
{
	for (size_t i = 0; i < n; i++) {
		int r = run_one(&hooks[i], kind, state_json, err);
		if (r < 0)
			return r;
	}
	return 0;
}
