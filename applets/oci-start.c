/* oci-start - run the user process of a created container. */
#include "applet.h"

#include "../core/container.h"

const char oci_start_usage[] =
    "Usage: oci-start ID\n"
    "Run the user process of the created container ID (poststart hooks run after it).\n";

int oci_start_main(int argc, char **argv)
{
	const char *id = ob_only_id_arg(argc, argv);
	if (!id)
		return OB_EXIT_USAGE;
	struct ob_err err = {0};
	if (ob_container_start(ob_opts.root, id, &err) < 0) {
		ob_log_error("%s", err.msg);
		return OB_EXIT_FAIL;
	}
	return OB_EXIT_OK;
}
