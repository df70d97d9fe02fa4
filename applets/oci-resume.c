/* oci-resume - thaw a paused container (runc resume). */
#include "applet.h"

#include "../core/container.h"

const char oci_resume_usage[] = "Usage: oci-resume ID\n"
				"Resume every process of container ID paused by oci-pause.\n";

int oci_resume_main(int argc, char **argv)
{
	const char *id = ob_only_id_arg(argc, argv);
	if (!id)
		return OB_EXIT_USAGE;
	struct ob_err err = {0};
	if (ob_container_resume(ob_opts.root, id, &err) < 0) {
		ob_log_error("%s", err.msg);
		return OB_EXIT_FAIL;
	}
	return OB_EXIT_OK;
}
