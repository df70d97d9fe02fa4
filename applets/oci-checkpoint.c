/* oci-checkpoint - save a running container's processes to CRIU images (runc checkpoint). */
#include "cr-opts.h"

const char oci_checkpoint_usage[] =
    "Usage: oci-checkpoint [--image-path DIR] [--work-path DIR] [--parent-path DIR]\n"
    "                      [--leave-running] [--pre-dump] [--tcp-established] [--ext-unix-sk]\n"
    "                      [--shell-job] [--file-locks] [--manage-cgroups-mode MODE]\n"
    "                      [--empty-ns network] [--auto-dedup] [--lazy-pages [--status-fd FD]]\n"
    "                      [--page-server ADDRESS:PORT] ID\n"
    "Checkpoint running container ID with CRIU (runc checkpoint). Its processes are gone\n"
    "afterwards and its state says stopped (oci-restore takes the id over), unless\n"
    "--leave-running or --pre-dump. On failure the container keeps running, no image is\n"
    "left, and the error quotes CRIU's log.\n"
    "  --image-path DIR        images (default ./checkpoint)\n"
    "  --work-path DIR         CRIU's log (dump.log) and work files (default: the images)\n"
    "  --parent-path DIR       a previous --pre-dump, relative to the image path\n"
    "  --leave-running         keep the container running\n"
    "  --pre-dump              memory only, the container keeps running (needs soft-dirty)\n"
    "  --tcp-established       established TCP connections\n"
    "  --ext-unix-sk           unix sockets connected outside the container\n"
    "  --shell-job             a process of a shell's session (its terminal is outside)\n"
    "  --file-locks            file locks\n"
    "  --manage-cgroups-mode M soft|full|strict|ignore (CRIU's default: soft)\n"
    "  --empty-ns network      do not dump the network namespace's configuration\n"
    "  --auto-dedup            deduplicate pages against the parent images\n"
    "  --lazy-pages            serve memory pages on demand (userfaultfd)\n"
    "  --status-fd FD          with --lazy-pages: a NUL byte on FD when pages can be fetched\n"
    "  --page-server A:P       send the pages to a CRIU page server\n"
    "Available only where a working criu is found (PATH, or the global --criu); --help\n"
    "says which.\n";

enum { PARENT = CR_LAST, LEAVE, PRE, PAGE, STATUS };

static int checkpoint_opt(int c, const char *arg, void *ctx)
{
	struct ob_checkpoint_opts *o = ctx;
	uint32_t fd;
	switch (c) {
	case PARENT:
		o->parent_path = arg;
		break;
	case LEAVE:
		o->leave_running = true;
		break;
	case PRE:
		o->pre_dump = true;
		break;
	case PAGE:
		o->page_server = arg;
		break;
	case STATUS:
		if (ob_parse_uint32(arg, &fd) < 0 || fd > 65535)
			return ob_usage_error("--status-fd: `%s` is not a descriptor", arg);
		o->status_fd = (int)fd;
		break;
	default:
		return OB_EXIT_USAGE;
	}
	return 0;
}

int oci_checkpoint_main(int argc, char **argv)
{
	static const struct option opts[] = {
	    CR_LONGOPTS,
	    {"parent-path", required_argument, NULL, PARENT},
	    {"leave-running", no_argument, NULL, LEAVE},
	    {"pre-dump", no_argument, NULL, PRE},
	    {"page-server", required_argument, NULL, PAGE},
	    {"status-fd", required_argument, NULL, STATUS},
	    {NULL, 0, NULL, 0},
	};
	struct ob_checkpoint_opts o = {.root = ob_opts.root, .status_fd = -1};
	int ex;
	if (!(o.id = cr_parse(argc, argv, "+h", opts, &o.cr, checkpoint_opt, &o, &ex)))
		return ex;
	struct ob_err err = {0};
	if (ob_container_checkpoint(&o, &err) < 0)
		return cr_fail(&err, &o.cr);
	return OB_EXIT_OK;
}
