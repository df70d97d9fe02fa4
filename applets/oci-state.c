/* oci-state - print the OCI state JSON of a container. */
#include "applet.h"

#include "../core/state.h"

const char oci_state_usage[] =
    "Usage: oci-state ID\n"
    "Print the state of container ID as JSON (runtime.md \"State\"; status is read from\n"
    "the live system: creating, created, running, paused or stopped).\n";

int oci_state_main(int argc, char **argv)
{
	const char *id = ob_only_id_arg(argc, argv);
	if (!id)
		return OB_EXIT_USAGE;
	struct ob_err err = {0};
	_cleanup_state_ struct ob_state *st = NULL;
	if (ob_state_load(ob_opts.root, id, &st, &err) < 0) {
		ob_log_error("%s", err.msg);
		return OB_EXIT_FAIL;
	}
	_cleanup_free_ char *json = ob_state_json(st, ob_state_status(st), true);
	puts(json);
	return OB_EXIT_OK;
}
