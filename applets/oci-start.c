/* oci-start - run the user process of a created container. */
#include "applet.h"

#include "../core/container.h"

const char oci_start_usage[] =
	"Usage: oci-start ID\n"
	"Run the user process of the created container ID (poststart hooks run after it).\n";

int oci_start_main(int argc, char **argv)
{
	static const struct option opts[] = {{NULL, 0, NULL, 0}};
	if (getopt_long(argc, argv, "+", opts, NULL) != -1)
		return OB_EXIT_USAGE;
	if (optind != argc - 1)
		return ob_usage_error(optind >= argc ? "missing container ID" : "too many arguments");
	struct ob_err err = {0};
	if (ob_container_start(ob_opts.root, argv[optind], &err) < 0) {
		ob_log_error("%s", err.msg);
		return OB_EXIT_FAIL;
	}
	return OB_EXIT_OK;
}
