/* oci-restore - restore a container from CRIU images (runc restore). */
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

enum { PID_FILE = CR_LAST, CONSOLE, NO_SUBREAPER, NO_PIVOT };

static int restore_opt(int c, const char *arg, void *ctx)
{
	struct ob_restore_opts *o = ctx;
	switch (c) {
	case 'b':
		o->bundle = arg;
		break;
	case 'd':
		o->detach = true;
		break;
	case PID_FILE:
		o->pid_file = arg;
		break;
	case CONSOLE:
		o->console_socket = arg;
		break;
	case NO_SUBREAPER:
		o->no_subreaper = true;
		break;
	case NO_PIVOT:
		break;
	default:
		return OB_EXIT_USAGE;
	}
	return 0;
}

int oci_restore_main(int argc, char **argv)
{
	static const struct option opts[] = {
	    CR_LONGOPTS,
	    {"bundle", required_argument, NULL, 'b'},
	    {"detach", no_argument, NULL, 'd'},
	    {"pid-file", required_argument, NULL, PID_FILE},
	    {"console-socket", required_argument, NULL, CONSOLE},
	    {"no-subreaper", no_argument, NULL, NO_SUBREAPER},
	    {"no-pivot", no_argument, NULL, NO_PIVOT},
	    {NULL, 0, NULL, 0},
	};
	struct ob_restore_opts o = {.root = ob_opts.root,
				    .systemd_cgroup = ob_opts.systemd_cgroup,
				    .cgroup_manager = ob_opts.cgroup_manager};
	int ex;
	if (!(o.id = cr_parse(argc, argv, "+b:dh", opts, &o.cr, restore_opt, &o, &ex)))
		return ex;
	struct ob_err err = {0};
	if (ob_container_restore(&o, &err) < 0) {
		cr_fail(&err, &o.cr);
		return o.status ? o.status : OB_EXIT_FAIL;
	}
	return o.status;
}
