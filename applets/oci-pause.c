/* oci-pause - freeze every process of a container (runc pause). */
#include "applet.h"

#include "../core/container.h"

const char oci_pause_usage[] =
    "Usage: oci-pause ID\n"
    "Suspend every process of container ID with the cgroup freezer (v1 freezer.state,\n"
    "v2 cgroup.freeze); oci-state then shows \"paused\". oci-resume undoes it.\n";

int oci_pause_main(int argc, char **argv)
{
	return ob_id_verb(argc, argv, ob_container_pause);
}
