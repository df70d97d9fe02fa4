/* oci-pause - freeze every process of a container (runc pause). */
#include "applet.h"

#include "../core/container.h"

const char oci_pause_usage[] =
    "Usage: oci-pause ID\n"
    "Suspend every process of container ID with the cgroup freezer (v1 freezer.state,\n"
    "v2 cgroup.freeze); oci-state then shows \"paused\". oci-resume undoes it.\n";

int oci_pause_main(int argc, char **argv)
{
	const char *id = ob_only_id_arg(argc, argv);
	if (!id)
		return OB_EXIT_USAGE;
	struct ob_err err = {0};
	if (ob_container_pause(ob_opts.root, id, &err) < 0) {
		ob_log_error("%s", err.msg);
		return OB_EXIT_FAIL;
	}
	return OB_EXIT_OK;
}
