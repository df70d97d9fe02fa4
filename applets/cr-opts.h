/* cr-opts.h - what oci-checkpoint and oci-restore share: CRIU's options (runc's spellings),
 * one option loop, --help with the criu probe, and the failure report with CRIU's log.
 * Included by those two applets only (each gets its own static copy). */
#ifndef OB_CR_OPTS_H
#define OB_CR_OPTS_H

#include <sched.h>

#include "../core/checkpoint.h"
#include "../core/criu.h"
#include "applet.h"

enum {
	CR_IMAGE = 256,
	CR_WORK,
	CR_TCP,
	CR_EXT_UNIX,
	CR_SHELL,
	CR_LOCKS,
	CR_CGMODE,
	CR_EMPTY_NS,
	CR_DEDUP,
	CR_LAZY,
	CR_HELP,
	CR_LAST, /* an applet's own long-only options start here */
};

/* clang-format off */
#define CR_LONGOPTS                                                  \
	{"image-path", required_argument, NULL, CR_IMAGE},           \
	{"work-path", required_argument, NULL, CR_WORK},             \
	{"tcp-established", no_argument, NULL, CR_TCP},              \
	{"ext-unix-sk", no_argument, NULL, CR_EXT_UNIX},             \
	{"shell-job", no_argument, NULL, CR_SHELL},                  \
	{"file-locks", no_argument, NULL, CR_LOCKS},                 \
	{"manage-cgroups-mode", required_argument, NULL, CR_CGMODE}, \
	{"empty-ns", required_argument, NULL, CR_EMPTY_NS},          \
	{"auto-dedup", no_argument, NULL, CR_DEDUP},                 \
	{"lazy-pages", no_argument, NULL, CR_LAZY},                  \
	{"help", no_argument, NULL, CR_HELP}
/* clang-format on */

/* One of the shared options: 0 when taken, 1 when c is not one, else the usage exit code. */
static int cr_opt(int c, const char *arg, struct ob_cr_opts *o)
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

/* --help: the usage, then whether a working criu is there (podman probes `checkpoint
 * --help`, then asks criu itself); exit 0 as runc's. */
static int cr_help(void)
{
	ob_criu_set_path(ob_opts.criu);
	ob_print_usage();
	char desc[512];
	bool ok = ob_criu_works(desc, sizeof(desc));
	printf("\nCheckpoint/restore: %s: %s\n", ok ? "available" : "not available", desc);
	return OB_EXIT_OK;
}

/* The options (the shared ones, -h/--help, the applet's own through own(c, optarg, ctx):
 * 0 when taken, else the exit code: '?' is a usage error), then the one container ID; the criu
 * binary from the global --criu. NULL with *ret_exit (usage error, or --help done) when there is no
 * ID. */
static const char *cr_parse(int argc, char **argv, const char *optstring, const struct option *opts,
			    struct ob_cr_opts *cr, int (*own)(int c, const char *arg, void *ctx),
			    void *ctx, int *ret_exit)
{
	int c, r;
	while ((c = getopt_long(argc, argv, optstring, opts, NULL)) != -1) {
		if (c == 'h' || c == CR_HELP) {
			*ret_exit = cr_help();
			return NULL;
		}
		if ((r = cr_opt(c, optarg, cr)) == 1)
			r = own(c, optarg, ctx);
		if (r) {
			*ret_exit = r;
			return NULL;
		}
	}
	const char *id = ob_id_arg(argc, argv);
	*ret_exit = OB_EXIT_USAGE;
	ob_criu_set_path(ob_opts.criu);
	return id;
}

/* Log the error, then the lines of CRIU's log that tell why; returns 1. */
static int cr_fail(const struct ob_err *err, struct ob_cr_opts *o)
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

#endif
