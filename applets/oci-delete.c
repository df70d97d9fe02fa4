/* oci-delete - remove a stopped container; --force kills it first. */
#include "applet.h"

#include "../core/container.h"

const char oci_delete_usage[] =
    "Usage: oci-delete [-f|--force] ID\n"
    "Remove container ID: it must be stopped (runtime.md), unless --force, which kills it\n"
    "first. Runs the poststop hooks; leaves nothing behind.\n";

int oci_delete_main(int argc, char **argv)
{
	static const struct option opts[] = {{"force", no_argument, NULL, 'f'}, {NULL, 0, NULL, 0}};
	bool force = false;
	int c;
	while ((c = getopt_long(argc, argv, "f", opts, NULL)) != -1) {
		if (c != 'f')
			return OB_EXIT_USAGE;
		force = true;
	}
	const char *id = ob_id_arg(argc, argv);
	if (!id)
		return OB_EXIT_USAGE;
	struct ob_err err = {0};
	if (ob_container_delete(ob_opts.root, id, force, &err) < 0) {
		/* runc: a forced delete of a container that is not there succeeds */
		if (force && err.code == ENOENT)
			return OB_EXIT_OK;
		ob_log_error("%s", err.msg);
		return OB_EXIT_FAIL;
	}
	return OB_EXIT_OK;
}
