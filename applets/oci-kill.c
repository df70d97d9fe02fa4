/* oci-kill - send a signal to a container. */
#include "applet.h"

#include <signal.h>

#include "../core/container.h"

const char oci_kill_usage[] =
    "Usage: oci-kill [-a|--all] ID [SIGNAL]\n"
    "Send SIGNAL (a name with or without SIG, or a number; default TERM) to the init of\n"
    "container ID, or with --all to every process of the container. SIGNAL 0 sends\n"
    "nothing: the exit status says whether the container is alive. Options may also\n"
    "follow ID (runc 1.1).\n";

int oci_kill_main(int argc, char **argv)
{
	static const struct option opts[] = {{"all", no_argument, NULL, 'a'}, {NULL, 0, NULL, 0}};
	bool all = false;
	int c;
	while ((c = getopt_long(argc, argv, "a", opts, NULL)) != -1) {
		if (c != 'a')
			return OB_EXIT_USAGE;
		all = true;
	}
	if (optind >= argc)
		return ob_usage_error("missing container ID");
	if (argc - optind > 2)
		return ob_usage_error("too many arguments");
	int sig = SIGTERM;
	if (argc - optind == 2 && (sig = ob_signal_parse(argv[optind + 1])) < 0)
		return ob_usage_error("unknown signal `%s`", argv[optind + 1]);
	struct ob_err err = {0};
	if (ob_container_kill(ob_opts.root, argv[optind], sig, all, &err) < 0) {
		ob_log_error("%s", err.msg);
		return OB_EXIT_FAIL;
	}
	return OB_EXIT_OK;
}
