/* oci-start - run the user process of a created container. */
#include "applet.h"

#include "../core/container.h"

const char oci_start_usage[] =
    "Usage: oci-start ID\n"
    "Run the user process of the created container ID (poststart hooks run after it).\n";

int oci_start_main(int argc, char **argv)
{
	return ob_id_verb(argc, argv, ob_container_start);
}
