/* oci-checkpoint - save a running container's processes to CRIU images (runc checkpoint). */
#include "applet.h"

#include <sched.h>

#include "cr-opts.h"
#include "../core/criu.h"

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

int ob_cr_opt(int c, const char *arg, struct ob_cr_opts *o)
{
	switch (c) {
	case CR_IMAGE:
		o->image_path = arg;
		break;
	case CR_WORK:
		o->work_path = arg;
		break;
	case CR_TCP:
		o->tcp_established = true;
		break;
	case CR_EXT_UNIX:
		o->ext_unix_sk = true;
		break;
	case CR_SHELL:
		o->shell_job = true;
		break;
	case CR_LOCKS:
		o->file_locks = true;
		break;
	case CR_CGMODE:
		o->manage_cgroups_mode = arg;
		break;
	case CR_EMPTY_NS:
		/* runc: only the network namespace can be made empty */
		if (!streq(arg, "network"))
			return ob_usage_error(
			    "--empty-ns: namespace `%s` is not supported (network)", arg);
		o->empty_ns |= CLONE_NEWNET;
		break;
	case CR_DEDUP:
		o->auto_dedup = true;
		break;
	case CR_LAZY:
		o->lazy_pages = true;
		break;
	default:
		return 1;
	}
	return 0;
}

int ob_cr_help(void)
{
	ob_cr_setup();
	ob_print_usage();
	char desc[512];
	bool ok = ob_criu_works(desc, sizeof(desc));
	printf("\nCheckpoint/restore: %s: %s\n", ok ? "available" : "not available", desc);
	return OB_EXIT_OK;
}

void ob_cr_setup(void)
{
	ob_criu_set_path(ob_opts.criu);
}

int ob_cr_fail(const struct ob_err *err, struct ob_cr_opts *o)
{
	ob_log_error("%s", err->msg);
	if (o->log_excerpt) {
		ob_log_error("--- %s", o->log_path);
		for (char *l = strtok(o->log_excerpt, "\n"); l; l = strtok(NULL, "\n"))
			ob_log_error("%s", l);
		free(o->log_excerpt);
		o->log_excerpt = NULL;
	}
	return OB_EXIT_FAIL;
}

int oci_checkpoint_main(int argc, char **argv)
{
	enum { PARENT = CR_LAST, LEAVE, PRE, PAGE, STATUS, HELP };
	static const struct option opts[] = {
	    CR_LONGOPTS,
	    {"parent-path", required_argument, NULL, PARENT},
	    {"leave-running", no_argument, NULL, LEAVE},
	    {"pre-dump", no_argument, NULL, PRE},
	    {"page-server", required_argument, NULL, PAGE},
	    {"status-fd", required_argument, NULL, STATUS},
	    {"help", no_argument, NULL, HELP},
	    {NULL, 0, NULL, 0},
	};
	struct ob_checkpoint_opts o = {.status_fd = -1};
	int c, r;
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if ((r = ob_cr_opt(c, optarg, &o.cr)) != 1) {
			if (r)
				return r;
			continue;
		}
		switch (c) {
		case PARENT:
			o.parent_path = optarg;
			break;
		case LEAVE:
			o.leave_running = true;
			break;
		case PRE:
			o.pre_dump = true;
			break;
		case PAGE:
			o.page_server = optarg;
			break;
		case STATUS: {
			uint32_t fd;
			if (ob_parse_uint32(optarg, &fd) < 0 || fd > 65535)
				return ob_usage_error("--status-fd: `%s` is not a descriptor",
						      optarg);
			o.status_fd = (int)fd;
			break;
		}
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
	ob_cr_setup();
	struct ob_err err = {0};
	if (ob_container_checkpoint(&o, &err) < 0)
		return ob_cr_fail(&err, &o.cr);
	return OB_EXIT_OK;
}
