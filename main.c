/* main.c - the ocibox multicall dispatcher.
 *
 * basename(argv[0]) selects the applet (install symlinks); otherwise the first non-option
 * argument names an applet or a runc verb (alias). Global options (runc's spellings, both
 * "--opt v" and "--opt=v") come before the applet or verb.
 */
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "applets/applet.h"
#include "core/criu.h"

#include "version.h"
#define OB_SPEC_VERSION "1.3.0"

struct applet {
	const char *name, *alias, *flags, *summary, *usage;
	int (*main)(int, char **);
};

static const struct applet applets[] = {
#define APPLET(cname, name, alias, flags, summary)                                                 \
	{name, alias, flags, summary, cname##_usage, cname##_main},
#include "applets.h"
#undef APPLET
    {NULL, NULL, NULL, NULL, NULL, NULL},
};

struct ob_global_opts ob_opts = {.root = NULL, .log_format = OB_LOG_TEXT};
static const struct applet *current;

int ob_usage_error(const char *fmt, ...)
{
	const char *name = current ? current->name : "ocibox";
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s: %s (see '%s --help')\n", name, msg, name);
	return OB_EXIT_USAGE;
}

const char *ob_id_arg(int argc, char **argv)
{
	if (optind != argc - 1) {
		ob_usage_error(optind >= argc ? "missing container ID" : "too many arguments");
		return NULL;
	}
	return argv[optind];
}

const char *ob_only_id_arg(int argc, char **argv)
{
	static const struct option none[] = {{NULL, 0, NULL, 0}};
	if (getopt_long(argc, argv, "", none, NULL) != -1)
		return NULL;
	return ob_id_arg(argc, argv);
}

int ob_id_verb(int argc, char **argv,
	       int (*verb)(const char *root, const char *id, struct ob_err *err))
{
	const char *id = ob_only_id_arg(argc, argv);
	if (!id)
		return OB_EXIT_USAGE;
	struct ob_err err = {0};
	if (verb(ob_opts.root, id, &err) < 0) {
		ob_log_error("%s", err.msg);
		return OB_EXIT_FAIL;
	}
	return OB_EXIT_OK;
}

int ob_exec_failed(const char *file)
{
	int e = errno;
	ob_log_error("failed to execute %s: %s", file, strerror(e));
	return e == ENOENT ? OB_EXIT_NOT_FOUND : OB_EXIT_CANNOT_RUN;
}

int ob_print_usage(void)
{
	if (current)
		fputs(current->usage, stdout);
	return 0;
}

static const struct applet *find_applet(const char *name, bool aliases)
{
	for (size_t i = 0; applets[i].name; i++) {
		if (streq(applets[i].name, name))
			return &applets[i];
		if (aliases && !streq(applets[i].alias, "-") && streq(applets[i].alias, name))
			return &applets[i];
	}
	return NULL;
}

static void print_help(void)
{
	printf("Usage: ocibox [GLOBAL OPTIONS] APPLET|COMMAND [ARGS...]\n"
	       "       APPLET [ARGS...]        (through a symlink named after the applet)\n\n"
	       "An OCI container runtime (runtime-spec " OB_SPEC_VERSION
	       ") in one multicall binary.\n\n"
	       "Applets (runc command in brackets):\n");
	for (size_t i = 0; applets[i].name; i++) {
		char left[48];
		if (streq(applets[i].alias, "-"))
			snprintf(left, sizeof(left), "%s", applets[i].name);
		else
			snprintf(left, sizeof(left), "%s [%s]", applets[i].name, applets[i].alias);
		printf("  %-24s %s\n", left, applets[i].summary);
	}
	printf("\nGlobal options:\n"
	       "  --root DIR              state directory (default " OB_DEFAULT_ROOT ")\n"
	       "  --log FILE              write log lines to FILE\n"
	       "  --log-format text|json  log line format (default text)\n"
	       "  --debug                 log debug messages\n"
	       "  --systemd-cgroup        cgroupsPath is slice:prefix:name (systemd)\n"
	       "  --cgroup-manager M      cgroupfs|systemd|disabled\n"
	       "  --rootless true|false|auto\n"
	       "  --criu PATH             the criu binary for checkpoint/restore (default: PATH)\n"
	       "  --list                  list the applets, one a line\n"
	       "  --install [-s] DIR      a hard link (-s: symlink) per applet in DIR; a file\n"
	       "                          that is not ocibox is left alone\n"
	       "  --version, --help\n"
	       "\nAPPLET --help prints the applet's usage.\n");
	/* checkpoint/restore need a criu that works on this kernel: say whether there is one */
	char criu[512];
	ob_criu_set_path(ob_opts.criu);
	bool ok = ob_criu_works(criu, sizeof(criu));
	printf("\nCheckpoint/restore (oci-checkpoint, oci-restore): %s: %s\n",
	       ok ? "available" : "not available", criu);
}

/* ocibox --install [-s] DIR: a link per applet in DIR (busybox's --install): hard links to
 * this binary, or with -s symlinks ("ocibox" when the binary is in DIR itself, as in an
 * initramfs's /bin, else its absolute path). A file that is not already a link to this
 * binary is never replaced (util-linux's nsenter, busybox's applets stay as they are). */
static int install_links(int argc, char **argv)
{
	bool sym = argc == 2 && streq(argv[0], "-s");
	if (argc != (sym ? 2 : 1) || argv[argc - 1][0] == '-') {
		fprintf(stderr, "ocibox: usage: ocibox --install [-s] DIR\n");
		return OB_EXIT_USAGE;
	}
	const char *dir = argv[argc - 1];
	char exe[PATH_MAX], rdir[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0) {
		fprintf(stderr, "ocibox: --install: /proc/self/exe: %s\n", strerror(errno));
		return OB_EXIT_FAIL;
	}
	exe[n] = '\0';
	if (!realpath(dir, rdir)) {
		fprintf(stderr, "ocibox: --install: `%s`: %s\n", dir, strerror(errno));
		return OB_EXIT_FAIL;
	}
	const char *exe_base = strrchr(exe, '/') + 1;
	bool same_dir =
	    (size_t)(exe_base - exe - 1) == strlen(rdir) && strncmp(exe, rdir, strlen(rdir)) == 0;
	const char *target = same_dir ? exe_base : exe;
	struct stat self;
	if (stat(exe, &self) < 0) {
		fprintf(stderr, "ocibox: --install: `%s`: %s\n", exe, strerror(errno));
		return OB_EXIT_FAIL;
	}
	int status = 0;
	for (size_t i = 0; applets[i].name; i++) {
		_cleanup_free_ char *path = ob_xasprintf("%s/%s", rdir, applets[i].name);
		struct stat st;
		if (lstat(path, &st) == 0) {
			char old[PATH_MAX];
			ssize_t m = S_ISLNK(st.st_mode) ? readlink(path, old, sizeof(old) - 1) : -1;
			if (m >= 0)
				old[m] = '\0';
			bool ours = (m >= 0 && streq(old, target)) ||
				    (!S_ISLNK(st.st_mode) && st.st_ino == self.st_ino &&
				     st.st_dev == self.st_dev);
			if (!ours) {
				fprintf(stderr,
					"ocibox: --install: `%s` exists and is not ocibox: left "
					"alone\n",
					path);
				continue;
			}
			if (unlink(path) < 0 && errno != ENOENT)
				goto fail;
		}
		if ((sym ? symlink(target, path) : link(exe, path)) < 0)
			goto fail;
		continue;
	fail:
		fprintf(stderr, "ocibox: --install: `%s`: %s\n", path, strerror(errno));
		status = OB_EXIT_FAIL;
	}
	return status;
}

static void print_version(void)
{
	printf("ocibox version %s\ncommit: %s\nspec: %s\n", OB_VERSION, OB_COMMIT, OB_SPEC_VERSION);
}

/* Parse one global option at argv[*i]. Returns 1 when consumed, 0 when argv[*i] is not a
 * global option, -1 (after printing) on a usage error, 2 when the program is done (help). */
static int parse_global(int argc, char **argv, int *i)
{
	static const char *const with_value[] = {"--root", "--log", "--log-format",
						 "--cgroup-manager", "--criu"};
	const char *arg = argv[*i];
	if (strncmp(arg, "--", 2) != 0)
		return 0;
	char name[64];
	const char *value = NULL;
	const char *eq = strchr(arg, '=');
	size_t nlen = eq ? (size_t)(eq - arg) : strlen(arg);
	if (nlen >= sizeof(name))
		return 0;
	memcpy(name, arg, nlen);
	name[nlen] = '\0';
	if (eq)
		value = eq + 1;

	bool needs_value = false;
	for (size_t k = 0; k < ARRAY_SIZE(with_value); k++)
		if (streq(name, with_value[k]))
			needs_value = true;
	if (needs_value && !value) {
		if (*i + 1 >= argc) {
			fprintf(stderr, "ocibox: option %s needs a value\n", name);
			return -1;
		}
		value = argv[++*i];
	}
	if (streq(name, "--root")) {
		ob_opts.root = value;
	} else if (streq(name, "--log")) {
		ob_opts.log = value;
	} else if (streq(name, "--log-format")) {
		if (streq(value, "json"))
			ob_opts.log_format = OB_LOG_JSON;
		else if (streq(value, "text"))
			ob_opts.log_format = OB_LOG_TEXT;
		else {
			fprintf(stderr,
				"ocibox: --log-format: unknown format `%s` (text or json)\n",
				value);
			return -1;
		}
	} else if (streq(name, "--cgroup-manager")) {
		if (!streq(value, "cgroupfs") && !streq(value, "systemd") &&
		    !streq(value, "disabled")) {
			fprintf(stderr,
				"ocibox: --cgroup-manager: unknown manager `%s` (cgroupfs, systemd "
				"or disabled)\n",
				value);
			return -1;
		}
		ob_opts.cgroup_manager = value;
		if (streq(value, "systemd"))
			ob_opts.systemd_cgroup = true;
	} else if (streq(name, "--criu")) {
		ob_opts.criu = value;
	} else if (streq(name, "--debug") && !value) {
		ob_opts.debug = true;
	} else if (streq(name, "--systemd-cgroup") && !value) {
		ob_opts.systemd_cgroup = true;
	} else if (streq(name, "--rootless")) {
		if (!value && *i + 1 < argc &&
		    (streq(argv[*i + 1], "true") || streq(argv[*i + 1], "false") ||
		     streq(argv[*i + 1], "auto")))
			value = argv[++*i];
		if (!value)
			value = "true";
		if (!streq(value, "true") && !streq(value, "false") && !streq(value, "auto")) {
			fprintf(stderr, "ocibox: --rootless: `%s` is not true, false or auto\n",
				value);
			return -1;
		}
		ob_opts.rootless = value;
	} else {
		return 0;
	}
	return 1;
}

static int run_applet(const struct applet *a, int argc, char **argv)
{
	current = a;
	ob_opts.applet = a->name;
	ob_log_set_prefix(a->name);
	if (!ob_opts.root) {
		const char *xdg = getenv("XDG_RUNTIME_DIR");
		if (geteuid() != 0 && xdg && *xdg)
			ob_opts.root = ob_xasprintf("%s/ocibox", xdg);
		else
			ob_opts.root = OB_DEFAULT_ROOT;
	}
	if (ob_log_init(ob_opts.log, ob_opts.log_format, ob_opts.debug) < 0) {
		fprintf(stderr, "%s: open log file `%s`: %s\n", a->name, ob_opts.log,
			strerror(errno));
		return OB_EXIT_FAIL;
	}
	/* flag h: the applet answers --help itself */
	if (argc > 1 && (streq(argv[1], "--help") || streq(argv[1], "-h")) &&
	    !strchr(a->flags, 'h'))
		return ob_print_usage();
	optind = 0; /* a fresh getopt for the applet */
	return a->main(argc, argv);
}

int main(int argc, char **argv)
{
	const char *self = argc > 0 ? argv[0] : "ocibox";
	const char *base = strrchr(self, '/');
	base = base ? base + 1 : self;

	const struct applet *a = find_applet(base, false);
	if (a) {
		/* Through a symlink: runc-style applets ("g") take global options first too. */
		int i = 1;
		if (strchr(a->flags, 'g')) {
			while (i < argc) {
				int r = parse_global(argc, argv, &i);
				if (r < 0)
					return OB_EXIT_USAGE;
				if (r == 0)
					break;
				i++;
			}
		}
		if (i > 1) {
			argv[i - 1] = argv[0];
			return run_applet(a, argc - i + 1, argv + i - 1);
		}
		return run_applet(a, argc, argv);
	}

	int i = 1;
	for (; i < argc; i++) {
		const char *arg = argv[i];
		if (streq(arg, "--help") || streq(arg, "-h")) {
			print_help();
			return 0;
		}
		if (streq(arg, "--version") || streq(arg, "-v")) {
			print_version();
			return 0;
		}
		if (streq(arg, "--install"))
			return install_links(argc - i - 1, argv + i + 1);
		if (streq(arg, "--list")) {
			for (size_t k = 0; applets[k].name; k++)
				printf("%s\n", applets[k].name);
			return 0;
		}
		int r = parse_global(argc, argv, &i);
		if (r < 0)
			return OB_EXIT_USAGE;
		if (r == 0)
			break;
	}
	if (i >= argc) {
		print_help();
		return OB_EXIT_USAGE;
	}
	if (argv[i][0] == '-') {
		fprintf(stderr, "ocibox: unknown global option `%s` (see 'ocibox --help')\n",
			argv[i]);
		return OB_EXIT_USAGE;
	}
	if (streq(argv[i], "help")) {
		print_help();
		return 0;
	}
	if (streq(argv[i], "version")) {
		print_version();
		return 0;
	}
	a = find_applet(argv[i], true);
	if (!a) {
		fprintf(stderr, "ocibox: unknown applet or command `%s` (see 'ocibox --help')\n",
			argv[i]);
		return OB_EXIT_USAGE;
	}
	return run_applet(a, argc - i, argv + i);
}
