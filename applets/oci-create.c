/* oci-create - create a container; its process waits on exec.fifo for oci-start. */
#include "applet.h"

#include <stdlib.h>

#include "../core/cgroup.h"
#include "../core/container.h"

const char oci_create_usage[] =
    "Usage: oci-create [-b|--bundle DIR] [--pid-file F] [--console-socket SOCK] [--no-pivot]\n"
    "                  [--no-new-keyring] [--preserve-fds N] ID\n"
    "Create container ID from the bundle DIR (default: the current directory). The\n"
    "container's process waits until `oci-start ID`. Prints nothing on success.\n"
    "  -b, --bundle DIR        the bundle (config.json and the rootfs)\n"
    "      --pid-file F        write the init's pid to F (atomically)\n"
    "      --console-socket S  send the pty master of a terminal process to AF_UNIX socket S\n"
    "      --no-pivot          MS_MOVE + chroot instead of pivot_root\n"
    "      --no-new-keyring    keep the caller's session keyring\n"
    "      --preserve-fds N    pass fds 3 .. 3+N-1 to the container\n";

/* Shared with oci-run: parse the create options; returns 0, or the exit code. */
int ob_parse_create_opts(int argc, char **argv, struct ob_create_opts *o, bool run, bool *detach,
			 bool *keep);

int ob_parse_create_opts(int argc, char **argv, struct ob_create_opts *o, bool run, bool *detach,
			 bool *keep)
{
	static const struct option opts[] = {
	    {"bundle", required_argument, NULL, 'b'},
	    {"pid-file", required_argument, NULL, 'p'},
	    {"console-socket", required_argument, NULL, 'c'},
	    {"no-pivot", no_argument, NULL, 'P'},
	    {"no-new-keyring", no_argument, NULL, 'K'},
	    {"preserve-fds", required_argument, NULL, 'f'},
	    {"detach", no_argument, NULL, 'd'},
	    {"keep", no_argument, NULL, 'k'},
	    {"no-subreaper", no_argument, NULL, 'S'},
	    {NULL, 0, NULL, 0},
	};
	int c;
	while ((c = getopt_long(argc, argv, run ? "b:d" : "b:", opts, NULL)) != -1) {
		switch (c) {
		case 'b':
			o->bundle = optarg;
			break;
		case 'p':
			o->pid_file = optarg;
			break;
		case 'c':
			o->console_socket = optarg;
			break;
		case 'P':
			o->no_pivot = true;
			break;
		case 'K':
			o->no_new_keyring = true;
			break;
		case 'S':
			break; /* accepted for runc compatibility */
		case 'f': {
			uint32_t n;
			if (ob_parse_uint32(optarg, &n) < 0 || n > 1024)
				return ob_usage_error("--preserve-fds: `%s` is not a number",
						      optarg);
			o->preserve_fds = (int)n;
			break;
		}
		case 'd':
		case 'k':
			if (!run)
				return ob_usage_error("unknown option");
			*(c == 'd' ? detach : keep) = true;
			break;
		default:
			return OB_EXIT_USAGE;
		}
	}
	const char *id = ob_id_arg(argc, argv);
	if (!id)
		return OB_EXIT_USAGE;
	o->id = id;
	o->root = ob_opts.root;
	o->systemd_cgroup = ob_opts.systemd_cgroup;
	o->cgroup_manager = ob_opts.cgroup_manager;
	return 0;
}

int oci_create_main(int argc, char **argv)
{
	struct ob_create_opts o = {0};
	int r = ob_parse_create_opts(argc, argv, &o, false, NULL, NULL);
	if (r)
		return r;
	struct ob_err err = {0};
	if (ob_container_create(&o, &err) < 0) {
		ob_log_error("%s", err.msg);
		return ob_err_exit_code(&err);
	}
	return OB_EXIT_OK;
}
