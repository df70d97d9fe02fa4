/* hooks.c - run OCI hooks: fork + execve, the state on stdin, a timeout with SIGKILL. */
#include "hooks.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "util.h"

static int run_one(const struct ob_hook *h, const char *kind, const char *state_json,
		   struct ob_err *err)
{
	int pfd[2], efd[2]; /* the state on stdin; execve's errno back (closed on exec) */
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return ob_error(err, errno, "%s hook `%s`: pipe", kind, h->path);
	if (pipe2(efd, O_CLOEXEC) < 0) {
		int e = errno;
		close(pfd[0]);
		close(pfd[1]);
		return ob_error(err, e, "%s hook `%s`: pipe", kind, h->path);
	}
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		close(pfd[0]);
		close(pfd[1]);
		close(efd[0]);
		close(efd[1]);
		return ob_error(err, e, "%s hook `%s`: fork", kind, h->path);
	}
	if (pid == 0) {
		sigset_t all;
		sigemptyset(&all);
		sigprocmask(SIG_SETMASK, &all, NULL);
		signal(SIGPIPE, SIG_DFL);
		if (dup2(pfd[0], 0) < 0)
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
		return ob_error(err, exec_errno, "%s hook `%s`: exec", kind, h->path);
	}
	/* The hook may not read its stdin: never block on it, never die of SIGPIPE. */
	fcntl(pfd[1], F_SETFL, O_NONBLOCK);
	void (*old)(int) = signal(SIGPIPE, SIG_IGN);
	(void)!write(pfd[1], state_json, strlen(state_json));
	signal(SIGPIPE, old);
	close(pfd[1]);

	int status = 0;
	if (h->has_timeout && h->timeout > 0) {
		int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
		if (pidfd >= 0) {
			struct pollfd p = {.fd = pidfd, .events = POLLIN};
			int r;
			do
				r = poll(&p, 1, h->timeout * 1000);
			while (r < 0 && errno == EINTR);
			close(pidfd);
			if (r == 0) {
				kill(pid, SIGKILL);
				waitpid(pid, &status, 0);
				return ob_error_msg(err, ETIMEDOUT,
						    "%s hook `%s`: timed out after %ds", kind,
						    h->path, h->timeout);
			}
		}
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return ob_error(err, errno, "%s hook `%s`: wait", kind, h->path);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFSIGNALED(status))
		return ob_error_msg(err, EIO, "%s hook `%s`: killed by signal %d", kind, h->path,
				    WTERMSIG(status));
	return ob_error_msg(err, EIO, "%s hook `%s`: exited with status %d", kind, h->path,
			    WEXITSTATUS(status));
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
