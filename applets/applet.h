/* applet.h - what every applet sees: the global options and small CLI helpers.
 *
 * The dispatcher (main.c) parses the global options (runc's spellings) before the applet
 * runs; applets read them from ob_opts.
 */
#ifndef OB_APPLET_H
#define OB_APPLET_H

#include <getopt.h>
#include <stdbool.h>

#include "../core/err.h"
#include "../core/log.h"
#include "../core/util.h"

#define OB_DEFAULT_ROOT "/run/ocibox"

struct ob_global_opts {
	const char *root; /* --root, default /run/ocibox ($XDG_RUNTIME_DIR/ocibox when not root) */
	const char *log;  /* --log FILE */
	enum ob_log_format log_format;
	bool debug;
	bool systemd_cgroup;
	const char *cgroup_manager; /* cgroupfs|systemd|disabled */
	const char *rootless;	    /* true|false|auto; NULL = auto */
	const char *applet;	    /* the applet name being run */
	const char *criu;	    /* --criu PATH (checkpoint/restore), NULL: criu on PATH */
};
extern struct ob_global_opts ob_opts;

/* Usage error: one line "APPLET: <msg> (see 'APPLET --help')" on stderr; returns 2. */
int ob_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The one container ID left after the options (argv[optind]); NULL after a usage error
 * ("missing container ID", "too many arguments"): the caller returns OB_EXIT_USAGE. */
const char *ob_id_arg(int argc, char **argv);
/* Same for applets that take no options at all, only ID. */
const char *ob_only_id_arg(int argc, char **argv);
/* An applet that takes only ID and makes one core call (oci-start, oci-pause, ...):
 * verb(--root, ID), its error logged; the exit code. */
int ob_id_verb(int argc, char **argv,
	       int (*verb)(const char *root, const char *id, struct ob_err *err));
/* After a failed exec of file (errno set): "failed to execute FILE: strerror" logged, the
 * exit code returned: 127 when it is not found, else 126 (util-linux's errexec). */
int ob_exec_failed(const char *file);
/* Print the applet's usage text (stdout) and return 0. */
int ob_print_usage(void);

#define OB_EXIT_OK	   0
#define OB_EXIT_FAIL	   1
#define OB_EXIT_USAGE	   2
#define OB_EXIT_CANNOT_RUN 126
#define OB_EXIT_NOT_FOUND  127

/* Prototypes and usage strings of every applet, generated from applets.list. */
#define APPLET(cname, name, alias, flags, summary)                                                 \
	int cname##_main(int argc, char **argv);                                                   \
	extern const char cname##_usage[];
#include "applets.h"
#undef APPLET

#endif
