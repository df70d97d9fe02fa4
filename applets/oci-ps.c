/* oci-ps - the processes of a container (runc ps). */
#include "applet.h"

#include <fcntl.h>
#include <sys/wait.h>

#include "../core/container.h"
#include "../core/state.h"

const char oci_ps_usage[] =
    "Usage: oci-ps [-f|--format table|json] ID [-- PS_ARGS...]\n"
    "List the processes in the cgroup of container ID: table runs ps(1) with PS_ARGS\n"
    "(default -ef) and keeps the lines of those processes; json prints the list of pids.\n";

static bool has_pid(const pid_t *pids, size_t n, long pid)
{
	for (size_t i = 0; i < n; i++)
		if (pids[i] == pid)
			return true;
	return false;
}

/* ps PS_ARGS, keeping the header and the lines whose PID column is one of pids. */
static int ps_table(char **ps_args, const pid_t *pids, size_t n, struct ob_err *err)
{
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) < 0)
		return ob_error(err, errno, "pipe");
	size_t na = ob_strv_len(ps_args);
	_cleanup_free_ char **argv = ob_xcalloc(na + 3, sizeof(char *));
	argv[0] = (char *)"ps";
	if (na == 0)
		argv[1] = (char *)"-ef";
	for (size_t i = 0; i < na; i++)
		argv[i + 1] = ps_args[i];
	pid_t child = fork();
	if (child < 0)
		return ob_error(err, errno, "fork");
	if (child == 0) {
		dup2(fds[1], STDOUT_FILENO);
		execvp("ps", argv);
		fprintf(stderr, "oci-ps: failed to execute ps: %s\n", strerror(errno));
		_exit(127);
	}
	close(fds[1]);
	FILE *f = fdopen(fds[0], "r");
	char *line = NULL;
	size_t cap = 0;
	int col = -1, r = 0;
	while (getline(&line, &cap, f) > 0) {
		char copy[4096];
		snprintf(copy, sizeof(copy), "%s", line);
		char *save = NULL, *tok = strtok_r(copy, " \t\n", &save);
		if (col < 0) {
			for (int i = 0; tok; i++, tok = strtok_r(NULL, " \t\n", &save))
				if (streq(tok, "PID"))
					col = i;
			if (col < 0) {
				r = ob_error_msg(err, EINVAL,
						 "couldn't find PID field in ps output");
				break;
			}
			fputs(line, stdout);
			continue;
		}
		for (int i = 0; tok && i < col; i++)
			tok = strtok_r(NULL, " \t\n", &save);
		if (tok && has_pid(pids, n, strtol(tok, NULL, 10)))
			fputs(line, stdout);
	}
	free(line);
	fclose(f);
	int status = 0;
	while (waitpid(child, &status, 0) < 0 && errno == EINTR)
		;
	if (r == 0 && (!WIFEXITED(status) || WEXITSTATUS(status) != 0))
		r = ob_error_msg(err, EIO, "ps %s failed (status %d)", na ? ps_args[0] : "-ef",
				 WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	return r;
}

int oci_ps_main(int argc, char **argv)
{
	static const struct option opts[] = {{"format", required_argument, NULL, 'f'},
					     {NULL, 0, NULL, 0}};
	const char *format = "table";
	int c;
	while ((c = getopt_long(argc, argv, "+f:", opts, NULL)) != -1) {
		if (c != 'f')
			return OB_EXIT_USAGE;
		format = optarg;
	}
	if (!streq(format, "table") && !streq(format, "json"))
		return ob_usage_error("--format: `%s` is not table or json", format);
	if (optind >= argc)
		return ob_usage_error("missing container ID");
	const char *id = argv[optind++];
	if (optind < argc && streq(argv[optind], "--"))
		optind++;
	char **ps_args = argv + optind;
	if (*ps_args && streq(format, "json"))
		return ob_usage_error("PS_ARGS with --format json");

	struct ob_err err = {0};
	_cleanup_free_ pid_t *pids = NULL;
	size_t n = 0;
	int r = ob_container_pids(ob_opts.root, id, &pids, &n, &err);
	if (r == 0) {
		if (streq(format, "json")) {
			_cleanup_free_ char *json = ob_state_pids_json(pids, n);
			puts(json);
		} else {
			fflush(stdout);
			r = ps_table(ps_args, pids, n, &err);
		}
	}
	if (r < 0) {
		ob_log_error("%s", err.msg);
		return OB_EXIT_FAIL;
	}
	return OB_EXIT_OK;
}
