/* oci-run - create and start a container; in the foreground, wait and exit with its status. */
#include "applet.h"

#include "../core/container.h"

const char oci_run_usage[] =
    "Usage: oci-run [-b|--bundle DIR] [-d|--detach] [--pid-file F] [--console-socket S]\n"
    "               [--keep] [--no-pivot] [--no-new-keyring] [--preserve-fds N] ID\n"
    "Create and start container ID. In the foreground, signals are forwarded to it, the\n"
    "exit status is the container's (128+N when killed by signal N) and the container is\n"
    "deleted afterwards (unless --keep). --detach returns once it runs. A terminal process\n"
    "gets a pty of the container; without --console-socket it is copied to and from our\n"
    "stdio, our terminal in raw mode meanwhile.\n";

int ob_parse_create_opts(int argc, char **argv, struct ob_create_opts *o, bool run, bool *detach,
			 bool *keep);

int oci_run_main(int argc, char **argv)
{
	struct ob_create_opts o = {0};
	bool detach = false, keep = false;
	int r = ob_parse_create_opts(argc, argv, &o, true, &detach, &keep);
	if (r)
		return r;
	o.keep_pty = !detach && !o.console_socket;
	struct ob_err err = {0};
	int status = 0;
	if (ob_container_run(&o, detach, keep, &status, &err) < 0) {
		ob_log_error("%s", err.msg);
		return status ? status : OB_EXIT_FAIL;
	}
	return status;
}
