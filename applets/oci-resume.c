/* oci-resume - thaw a paused container (runc resume). */
#include "applet.h"

#include "../core/container.h"

const char oci_resume_usage[] = "Usage: oci-resume ID\n"
				"Resume every process of container ID paused by oci-pause.\n";

int oci_resume_main(int argc, char **argv)
{
	return ob_id_verb(argc, argv, ob_container_resume);
}
