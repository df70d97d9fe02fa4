/* oci-resume - thaw a paused container (runc resume). */
#include "applet.h"

#include "../core/cgroup.h"
#include "../core/state.h"

const char oci_resume_usage[] = "Usage: oci-resume ID\n"
				"Resume every process of container ID paused by oci-pause.\n";

int oci_resume_main(int argc, char **argv)
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
		if (ob_state_status(st) != OB_STATUS_PAUSED)
			r = ob_error_msg(&err, EINVAL, "container `%s` is not paused (%s)", id,
					 ob_status_name(ob_state_status(st)));
		else
			r = ob_cgroup_thaw(cg, &err);
	}
	if (r < 0) {
		ob_log_error("%s", err.msg);
		return OB_EXIT_FAIL;
	}
	return OB_EXIT_OK;
}
