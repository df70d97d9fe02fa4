/* cr-opts.h - the options oci-checkpoint and oci-restore share (runc's spellings); the
 * helpers live in oci-checkpoint.c. */
#ifndef OB_CR_OPTS_H
#define OB_CR_OPTS_H

#include "../core/checkpoint.h"

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
	{"lazy-pages", no_argument, NULL, CR_LAZY}
/* clang-format on */

/* One of the shared options: 0 when taken, 1 when c is not one, else the usage exit code. */
int ob_cr_opt(int c, const char *arg, struct ob_cr_opts *o);
/* --help: the usage, then whether a working criu is there (podman probes `checkpoint
 * --help`, then asks criu itself); exit 0 as runc's. */
int ob_cr_help(void);
/* The criu binary from the global --criu (else "criu" on PATH). */
void ob_cr_setup(void);
/* Log the error, then the lines of CRIU's log that tell why; returns 1. */
int ob_cr_fail(const struct ob_err *err, struct ob_cr_opts *o);

#endif
