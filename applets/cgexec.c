/* cgexec - run a command in control groups (libcgroup compatible), on cgroup v1, v2 and
 * hybrid hosts; with --create, in a fresh cgroup with declarative limits, removed after. */
#include <signal.h>
#include <sys/wait.h>

#include "../core/cgroup.h"
#include "../core/terminal.h"
#include "applet.h"

const char cgexec_usage[] =
    "Usage: cgexec -g CONTROLLERS:PATH [-g ...] [--sticky] [--create] [--limit KEY=VALUE]...\n"
    "              [--resources FILE|-] COMMAND [ARGS...]\n"
    "\n"
    "Run COMMAND in the cgroup PATH of the hierarchies holding CONTROLLERS (a comma list,\n"
    "or '*' for all). PATH is relative to the hierarchy root. On a cgroup v2 host any\n"
    "controller list selects the one unified hierarchy; on a hybrid host '*' is every v1\n"
    "hierarchy plus the unified one.\n"
    "\n"
    "  -g CONTROLLERS:PATH   the cgroup to join (repeatable)\n"
    "  --sticky              accepted for libcgroup compatibility (there is no cgrulesengd)\n"
    "  --create              make the cgroup when missing, and after COMMAND exits kill what\n"
    "                        is left in it and remove it (cgexec then stays as the parent,\n"
    "                        forwarding signals to COMMAND as oci-run does)\n"
    "  --limit KEY=VALUE     with --create: set a limit by its cgroup v2 name, mapped to the\n"
    "                        v1 files where the controller is in v1: memory.max=64M,\n"
    "                        memory.low, memory.high, memory.swap.max, pids.max=20,\n"
    "                        cpu.max=\"50000 100000\", cpu.weight (v1 cpu.shares),\n"
    "                        cpu.max.burst, io.weight, io.max, hugetlb.2MB.max, or any\n"
    "                        file of the controller (cpuset.cpus=0, cpu.idle=1, ...)\n"
    "  --resources FILE|-    with --create: apply an OCI linux.resources object (JSON) to\n"
    "                        the first -g group, as a container's cgroup gets it\n"
    "\n"
    "Exit status: COMMAND's (128+N when killed by signal N); 126 when COMMAND cannot be\n"
    "run, 127 when it is not found, 1 when the cgroup cannot be joined, 2 on usage errors.\n";

static _Noreturn void exec_command(char **argv)
{
	execvp(argv[0], argv);
	_exit(ob_exec_failed(argv[0]));
}

static void release(struct ob_cgroup_group *g, size_t n)
{
	struct ob_err err = {0};
	if (ob_cgroup_groups_release(g, n, &err) < 0)
		ob_log_error("%s", err.msg);
}

/* --create: stay outside the cgroups as the parent (so they can be removed after),
 * forwarding signals as oci-run does (ob_terminal_foreground); COMMAND's status. */
static int run_inside(struct ob_cgroup_group *g, size_t n, char **cmd)
{
	sigset_t fwd, old;
	ob_terminal_fg_signals(&fwd);
	sigprocmask(SIG_BLOCK, &fwd, &old);
	pid_t pid = fork();
	if (pid < 0) {
		ob_log_error("fork: %s", strerror(errno));
		return OB_EXIT_FAIL;
	}
	if (pid == 0) {
		struct ob_err err = {0};
		sigprocmask(SIG_SETMASK, &old, NULL);
		if (ob_cgroup_groups_enter_self(g, n, &err) < 0) {
			ob_log_error("%s", err.msg);
			_exit(OB_EXIT_FAIL);
		}
		exec_command(cmd);
	}
	int status = OB_EXIT_FAIL;
	struct ob_err err = {0};
	if (ob_terminal_foreground(pid, -1, &status, &err) < 0)
		ob_log_error("%s", err.msg);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return status;
}

int cgexec_main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"sticky", no_argument, NULL, 's'},
	    {"create", no_argument, NULL, 'C'},
	    {"limit", required_argument, NULL, 'L'},
	    {"resources", required_argument, NULL, 'R'},
	    {NULL, 0, NULL, 0},
	};
	_cleanup_free_ struct ob_cgroup_group *g = NULL;
	size_t n = 0;
	_cleanup_strv_ char **limits = NULL;
	bool create = false;
	const char *resources = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "+g:", longopts, NULL)) != -1) {
		char *colon = c == 'g' ? strchr(optarg, ':') : NULL;
		if (c == 'g') {
			if (!colon || colon == optarg || !colon[1])
				return ob_usage_error("-g `%s`: expected CONTROLLERS:PATH", optarg);
			*colon = '\0';
			g = ob_xrealloc(g, (n + 1) * sizeof(*g));
			g[n++] = (struct ob_cgroup_group){.controllers = optarg, .path = colon + 1};
		} else if (c == 'C') {
			create = true;
		} else if (c == 'R') {
			resources = optarg;
		} else if (c == 'L') {
			if (!strchr(optarg, '=') || optarg[0] == '=')
				return ob_usage_error("--limit `%s`: expected KEY=VALUE", optarg);
			limits = ob_strv_push(limits, optarg);
		} else if (c != 's') {
			return ob_usage_error("unknown option");
		}
	}
	if (n == 0)
		return ob_usage_error("no -g CONTROLLERS:PATH given");
	if (optind >= argc)
		return ob_usage_error("no COMMAND given");
	if ((limits || resources) && !create)
		return ob_usage_error("%s needs --create", limits ? "--limit" : "--resources");

	struct ob_err err = {0};
	int r = ob_cgroup_groups_open(g, n, create, resources, limits, &err);
	if (r >= 0 && !create)
		r = ob_cgroup_groups_enter_self(g, n, &err);
	if (r < 0) {
		ob_log_error("%s", err.msg);
		release(g, n);
		return OB_EXIT_FAIL;
	}
	if (!create) {
		release(g, n);
		exec_command(argv + optind);
	}
	r = run_inside(g, n, argv + optind);
	release(g, n);
	return r;
}
