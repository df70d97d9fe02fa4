/* oci-restore - restore a container from CRIU images (runc restore). */
#include "applet.h"

#include "../core/cgroup.h"
#include "cr-opts.h"

const char oci_restore_usage[] =
    "Usage: oci-restore [-b|--bundle DIR] [--image-path DIR] [--work-path DIR] [-d|--detach]\n"
    "                   [--pid-file F] [--console-socket S] [--no-subreaper] [--no-pivot]\n"
    "                   [--tcp-established] [--ext-unix-sk] [--shell-job] [--file-locks]\n"
    "                   [--manage-cgroups-mode MODE] [--empty-ns network] [--auto-dedup]\n"
    "                   [--lazy-pages] ID\n"
    "Restore container ID from the images of oci-checkpoint into the bundle's config\n"
    "(runc restore): its cgroup, namespaces joined by path, bind mounts, the prestart and\n"
    "createRuntime hooks once the namespaces exist, poststart after; the state records the\n"
    "restored pid, running. In the foreground, as oci-run: signals are forwarded, the exit\n"
    "status is the container's and the container is deleted afterwards. The id of a\n"
    "checkpointed (stopped) container is taken over.\n"
    "  -b, --bundle DIR        the bundle (default: the current directory)\n"
    "      --image-path DIR    images (default ./checkpoint)\n"
    "      --work-path DIR     CRIU's log (restore.log) and work files (default: the images)\n"
    "  -d, --detach            return once the container runs\n"
    "      --pid-file F        write the restored init's pid to F\n"
    "      --console-socket S  the pty master of a terminal process goes to socket S\n"
    "      --no-subreaper      in the foreground, do not reap orphans (PR_SET_CHILD_SUBREAPER)\n"
    "      --no-pivot          accepted (CRIU switches the root itself)\n"
    "  --tcp-established, --ext-unix-sk, --shell-job, --file-locks, --manage-cgroups-mode,\n"
    "  --empty-ns, --auto-dedup, --lazy-pages: as oci-checkpoint\n"
    "Available only where a working criu is found (PATH, or the global --criu).\n";

int oci_restore_main(int argc, char **argv)
{
	enum { PID_FILE = CR_LAST, CONSOLE, NO_SUBREAPER, NO_PIVOT, HELP };
	static const struct option opts[] = {
	    CR_LONGOPTS,
	    {"bundle", required_argument, NULL, 'b'},
	    {"detach", no_argument, NULL, 'd'},
	    {"pid-file", required_argument, NULL, PID_FILE},
	    {"console-socket", required_argument, NULL, CONSOLE},
	    {"no-subreaper", no_argument, NULL, NO_SUBREAPER},
	    {"no-pivot", no_argument, NULL, NO_PIVOT},
	    {"help", no_argument, NULL, HELP},
	    {NULL, 0, NULL, 0},
	};
	struct ob_restore_opts o = {0};
	int c, r;
	while ((c = getopt_long(argc, argv, "+b:dh", opts, NULL)) != -1) {
		if ((r = ob_cr_opt(c, optarg, &o.cr)) != 1) {
			if (r)
				return r;
			continue;
		}
		switch (c) {
		case 'b':
			o.bundle = optarg;
			break;
		case 'd':
			o.detach = true;
			break;
		case PID_FILE:
			o.pid_file = optarg;
			break;
		case CONSOLE:
			o.console_socket = optarg;
			break;
		case NO_SUBREAPER:
			o.no_subreaper = true;
			break;
		case NO_PIVOT:
			break;
		case 'h':
		case HELP:
			return ob_cr_help();
		default:
			return OB_EXIT_USAGE;
		}
	}
	const char *id = ob_id_arg(argc, argv);
	if (!id)
		return OB_EXIT_USAGE;
	o.root = ob_opts.root;
	o.id = id;
	o.systemd_cgroup = ob_opts.systemd_cgroup;
	o.cgroup_manager = ob_opts.cgroup_manager;
	ob_cr_setup();
	struct ob_err err = {0};
	if (ob_container_restore(&o, &err) < 0) {
		ob_cr_fail(&err, &o.cr);
		return o.status ? o.status : OB_EXIT_FAIL;
	}
	return o.status;
}
