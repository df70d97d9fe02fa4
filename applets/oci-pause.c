/* oci-pause - freeze every process of a container (runc pause). */
#include "applet.h"

#include "../core/cgroup.h"
#include "../core/state.h"

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
	_cleanup_state_ struct ob_state *st = NULL;
	_cleanup_(ob_cgroup_freep) struct ob_cgroup *cg = NULL;
	_cleanup_close_ int lock = -1;
	int r = ob_cgroup_of_container(ob_opts.root, id, &st, &cg, &lock, &err);
	if (r == 0) {
		enum ob_status s = ob_state_status(st);
		if (s == OB_STATUS_PAUSED)
			r = ob_error_msg(&err, EINVAL, "container `%s` is already paused", id);
		else if (s != OB_STATUS_RUNNING && s != OB_STATUS_CREATED)
			r = ob_error_msg(&err, EINVAL, "container `%s` is not running (%s)", id,
					 ob_status_name(s));
		else
			r = ob_cgroup_freeze(cg, &err);
	}
	if (r < 0) {
		ob_log_error("%s", err.msg);
		return OB_EXIT_FAIL;
	}
	return OB_EXIT_OK;
}
