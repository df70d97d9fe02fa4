/* oci-spec - write a default config.json (runc spec), edit one in a pipeline, validate one.
 *
 *   oci-spec [-b DIR] [--rootless] [--force]          write DIR/config.json
 *   oci-spec -o - | oci-spec -i - --hostname web -- /bin/sh -c 'echo hi' > config.json
 *   oci-spec --validate [FILE|-]                        every problem, one a line; exit 1
 */
#include "applet.h"

#include <sys/stat.h>

#include "../core/spec.h"
#include "../core/seccomp.h"
#include "../core/spec_edit.h"

const char oci_spec_usage[] =
    "Usage: oci-spec [OPTIONS] [EDITS] [-- ARGS...]\n"
    "       oci-spec --validate [FILE|-]\n"
    "Write a default OCI runtime-spec config.json, or edit one, or check one.\n"
    "\n"
    "Without -i and edits it writes BUNDLE/config.json (as runc spec); with -i or edits\n"
    "the result goes to stdout unless -o is given.\n"
    "\n"
    "  -b, --bundle DIR        bundle directory (default .)\n"
    "      --rootless          the rootless variant (user namespace, no network namespace)\n"
    "  -f, --force             overwrite an existing output file\n"
    "  -o, --output FILE|-     where to write (- is stdout); written atomically\n"
    "  -i, --input FILE|-      a spec to edit instead of the default\n"
    "      --validate [FILE|-] check a spec (default BUNDLE/config.json); prints every\n"
    "                          problem on one line each, exit 1 when any\n"
    "Edits:\n"
    "      --args 'A B C'      process args, split on blanks, or a JSON array '[\"a\",\"b c\"]'\n"
    "      -- ARGS...          process args, as given\n"
    "      --env K=V           set an environment variable (replaces K)\n"
    "      --cwd DIR           working directory (absolute)\n"
    "      --hostname NAME\n"
    "      --terminal, --no-terminal\n"
    "      --rootfs PATH       root.path\n"
    "      --readonly, --no-readonly   root.readonly\n"
    "      --bind SRC:DST[:ro|rw]      add a bind mount (replaces one at DST)\n"
    "      --tmpfs DST[:OPTS]  add a tmpfs (OPTS comma-separated; default nosuid,nodev,mode=1777)\n"
    "      --mount TYPE:SRC:DST[:OPTS]  add a mount (replaces one at DST)\n"
    "      --no-mount DST      remove the mount at DST\n"
    "      --ns TYPE[=PATH]    create (or join PATH) a namespace of TYPE\n"
    "      --no-ns TYPE        remove the namespace of TYPE\n"
    "      --uid-map C:H:N, --gid-map C:H:N   id mappings (first one replaces; adds a user ns)\n"
    "      --memory SIZE       memory limit (64M, 1G, -1)\n"
    "      --pids-limit N\n"
    "      --cpus N.N          CPU quota (period 100000)\n"
    "      --cap-add CAP, --cap-drop CAP   in every capability set (CAP_X, X or ALL)\n"
    "      --annotation K=V\n"
    "      --hook STAGE:PATH[:ARG...]   prestart|createRuntime|createContainer|\n"
    "                          startContainer|poststart|poststop; the ARGs are the\n"
    "                          hook's whole argv, argv[0] first (default: PATH)\n"
    "      --seccomp FILE      linux.seccomp from FILE (a linux.seccomp object)\n"
    "      --seccomp-default   linux.seccomp: the built-in default profile (Docker's\n"
    "                          protections: allow-list, EPERM for everything else)\n";

enum {
	OPT_ROOTLESS = 0x100,
	OPT_VALIDATE,
	OPT_ARGS,
	OPT_ENV,
	OPT_CWD,
	OPT_HOSTNAME,
	OPT_TERMINAL,
	OPT_NO_TERMINAL,
	OPT_ROOTFS,
	OPT_READONLY,
	OPT_NO_READONLY,
	OPT_BIND,
	OPT_TMPFS,
	OPT_MOUNT,
	OPT_NO_MOUNT,
	OPT_NS,
	OPT_NO_NS,
	OPT_UID_MAP,
	OPT_GID_MAP,
	OPT_MEMORY,
	OPT_PIDS,
	OPT_CPUS,
	OPT_CAP_ADD,
	OPT_CAP_DROP,
	OPT_ANNOTATION,
	OPT_HOOK,
	OPT_SECCOMP,
	OPT_SECCOMP_DEFAULT,
};

static const struct option longopts[] = {
    {"bundle", required_argument, NULL, 'b'},
    {"rootless", no_argument, NULL, OPT_ROOTLESS},
    {"force", no_argument, NULL, 'f'},
    {"output", required_argument, NULL, 'o'},
    {"input", required_argument, NULL, 'i'},
    {"validate", optional_argument, NULL, OPT_VALIDATE},
    {"args", required_argument, NULL, OPT_ARGS},
    {"env", required_argument, NULL, OPT_ENV},
    {"cwd", required_argument, NULL, OPT_CWD},
    {"hostname", required_argument, NULL, OPT_HOSTNAME},
    {"terminal", no_argument, NULL, OPT_TERMINAL},
    {"no-terminal", no_argument, NULL, OPT_NO_TERMINAL},
    {"rootfs", required_argument, NULL, OPT_ROOTFS},
    {"readonly", no_argument, NULL, OPT_READONLY},
    {"no-readonly", no_argument, NULL, OPT_NO_READONLY},
    {"bind", required_argument, NULL, OPT_BIND},
    {"tmpfs", required_argument, NULL, OPT_TMPFS},
    {"mount", required_argument, NULL, OPT_MOUNT},
    {"no-mount", required_argument, NULL, OPT_NO_MOUNT},
    {"ns", required_argument, NULL, OPT_NS},
    {"no-ns", required_argument, NULL, OPT_NO_NS},
    {"uid-map", required_argument, NULL, OPT_UID_MAP},
    {"gid-map", required_argument, NULL, OPT_GID_MAP},
    {"memory", required_argument, NULL, OPT_MEMORY},
    {"pids-limit", required_argument, NULL, OPT_PIDS},
    {"cpus", required_argument, NULL, OPT_CPUS},
    {"cap-add", required_argument, NULL, OPT_CAP_ADD},
    {"cap-drop", required_argument, NULL, OPT_CAP_DROP},
    {"annotation", required_argument, NULL, OPT_ANNOTATION},
    {"hook", required_argument, NULL, OPT_HOOK},
    {"seccomp", required_argument, NULL, OPT_SECCOMP},
    {"seccomp-default", no_argument, NULL, OPT_SECCOMP_DEFAULT},
    {NULL, 0, NULL, 0},
};

/* Edits are applied in command-line order, after the input is read. */
struct edit {
	int opt;
	const char *name;
	const char *value;
};

static int read_input(const char *path, char **ret, size_t *ret_len, struct ob_err *err)
{
	if (streq(path, "-")) {
		int r = ob_read_fd(STDIN_FILENO, ret, ret_len, err);
		return r < 0 ? ob_error_prefix(err, r, "standard input") : 0;
	}
	return ob_read_json_file(path, ret, ret_len, err);
}

static const char *display_name(const char *path)
{
	return streq(path, "-") ? "<stdin>" : path;
}

static int validate(const char *path)
{
	struct ob_err err = {0};
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	if (read_input(path, &text, &len, &err) < 0) {
		ob_log_error("%s", err.msg);
		return OB_EXIT_FAIL;
	}
	_cleanup_strv_ char **problems = NULL;
	int n = ob_spec_validate(text, len, display_name(path), &problems);
	for (int i = 0; i < n; i++)
		ob_log_error("%s", problems[i]);
	if (n > 0)
		return OB_EXIT_FAIL;
	printf("%s: valid\n", display_name(path));
	return OB_EXIT_OK;
}

static int apply(struct ob_spec_doc *d, const struct edit *e, bool *uid_seen, bool *gid_seen,
		 struct ob_err *err)
{
	const char *v = e->value;
	switch (e->opt) {
	case OPT_ARGS:
		return ob_spec_doc_set_args_string(d, v, err);
	case OPT_ENV:
		return ob_spec_doc_set_env(d, v, err);
	case OPT_CWD:
		return ob_spec_doc_set_cwd(d, v, err);
	case OPT_HOSTNAME:
		return ob_spec_doc_set_hostname(d, v, err);
	case OPT_TERMINAL:
	case OPT_NO_TERMINAL:
		return ob_spec_doc_set_terminal(d, e->opt == OPT_TERMINAL, err);
	case OPT_ROOTFS:
		return ob_spec_doc_set_rootfs(d, v, err);
	case OPT_READONLY:
	case OPT_NO_READONLY:
		return ob_spec_doc_set_readonly(d, e->opt == OPT_READONLY, err);
	case OPT_BIND:
		return ob_spec_doc_add_bind(d, v, err);
	case OPT_TMPFS:
		return ob_spec_doc_add_tmpfs(d, v, err);
	case OPT_MOUNT:
		return ob_spec_doc_add_mount(d, v, err);
	case OPT_NO_MOUNT:
		return ob_spec_doc_remove_mount(d, v, err);
	case OPT_NS:
		return ob_spec_doc_set_ns(d, v, err);
	case OPT_NO_NS:
		return ob_spec_doc_remove_ns(d, v, err);
	case OPT_UID_MAP: {
		int r = ob_spec_doc_add_idmap(d, false, v, !*uid_seen, err);
		*uid_seen = true;
		return r;
	}
	case OPT_GID_MAP: {
		int r = ob_spec_doc_add_idmap(d, true, v, !*gid_seen, err);
		*gid_seen = true;
		return r;
	}
	case OPT_MEMORY:
		return ob_spec_doc_set_memory(d, v, err);
	case OPT_PIDS:
		return ob_spec_doc_set_pids_limit(d, v, err);
	case OPT_CPUS:
		return ob_spec_doc_set_cpus(d, v, err);
	case OPT_CAP_ADD:
	case OPT_CAP_DROP:
		return ob_spec_doc_cap(d, v, e->opt == OPT_CAP_ADD, err);
	case OPT_ANNOTATION:
		return ob_spec_doc_set_annotation(d, v, err);
	case OPT_HOOK:
		return ob_spec_doc_add_hook(d, v, err);
	case OPT_SECCOMP: {
		_cleanup_free_ char *text = NULL;
		size_t len = 0;
		int r = ob_read_json_file(v, &text, &len, err);
		return r < 0 ? r : ob_spec_doc_set_seccomp(d, text, len, v, err);
	}
	case OPT_SECCOMP_DEFAULT: {
		size_t len;
		const char *text = ob_seccomp_default_profile(&len);
		return ob_spec_doc_set_seccomp(d, text, len, "seccomp-default.json", err);
	}
	}
	return 0;
}

/* What create would refuse beyond the parser's rules (errnoRet range, an action that takes
 * no errno, NOTIFY without listenerPath, names libseccomp does not know). */
static int check_seccomp(const char *text, const char *name, struct ob_err *err)
{
	struct ob_spec *spec = NULL;
	struct ob_seccomp_prog *prog = NULL;
	int r = ob_spec_parse(text, strlen(text), name, &spec, err);
	if (r >= 0 && (r = ob_seccomp_prepare(&spec->linux_.seccomp, &prog, err)) < 0)
		ob_error_prefix(err, r, "%s", name);
	ob_seccomp_prog_free(prog);
	ob_spec_free(spec);
	return r;
}

static const char *opt_name(int opt)
{
	for (const struct option *o = longopts; o->name; o++)
		if (o->val == opt)
			return o->name;
	return "?";
}

int oci_spec_main(int argc, char **argv)
{
	const char *bundle = ".", *output = NULL, *input = NULL, *validate_path = NULL;
	bool rootless = ob_opts.rootless && streq(ob_opts.rootless, "true");
	bool force = false, do_validate = false;
	_cleanup_free_ struct edit *edits = ob_xcalloc((size_t)argc + 1, sizeof(struct edit));
	size_t n_edits = 0;
	int c;

	opterr = 0; /* our own one-line usage errors */
	while ((c = getopt_long(argc, argv, "+:b:fo:i:", longopts, NULL)) != -1) {
		switch (c) {
		case 'b':
			bundle = optarg;
			break;
		case OPT_ROOTLESS:
			rootless = true;
			break;
		case 'f':
			force = true;
			break;
		case 'o':
			output = optarg;
			break;
		case 'i':
			input = optarg;
			break;
		case OPT_VALIDATE:
			do_validate = true;
			validate_path = optarg;
			break;
		case ':':
			return ob_usage_error("option `%s` needs a value", argv[optind - 1]);
		case '?':
			if (optopt)
				return ob_usage_error("unknown option `-%c`", optopt);
			return ob_usage_error("unknown option `%s`", argv[optind - 1]);
		default:
			edits[n_edits++] = (struct edit){c, opt_name(c), optarg};
			break;
		}
	}
	char **args = NULL; /* after "--" */
	if (optind < argc) {
		if (do_validate && !validate_path && optind + 1 == argc &&
		    !streq(argv[optind - 1], "--")) {
			validate_path = argv[optind];
		} else if (optind > 0 && streq(argv[optind - 1], "--")) {
			args = argv + optind;
		} else {
			return ob_usage_error("unexpected argument `%s` (process args go after --)",
					      argv[optind]);
		}
	} else if (optind > 0 && optind <= argc && streq(argv[optind - 1], "--")) {
		return ob_usage_error("no process arguments after --");
	}

	_cleanup_free_ char *default_path = ob_xasprintf("%s/config.json", bundle);
	if (do_validate) {
		if (input || output || n_edits || args)
			return ob_usage_error("--validate takes no edits, -i or -o");
		return validate(validate_path ? validate_path : default_path);
	}

	struct ob_err err = {0};
	struct ob_spec_doc *doc = NULL;
	const char *name = "config.json";
	if (input) {
		_cleanup_free_ char *text = NULL;
		size_t len = 0;
		name = display_name(input);
		if (read_input(input, &text, &len, &err) < 0 ||
		    ob_spec_doc_parse(text, len, name, &doc, &err) < 0) {
			ob_log_error("%s", err.msg);
			return OB_EXIT_FAIL;
		}
		if (rootless)
			ob_log_warn("--rootless applies to the default spec only; ignored with -i");
	} else {
		doc = ob_spec_doc_default(rootless);
	}

	int ret = OB_EXIT_FAIL;
	char *text = NULL;
	const char *dest;
	bool uid_seen = false, gid_seen = false;
	for (size_t i = 0; i < n_edits; i++) {
		if (apply(doc, &edits[i], &uid_seen, &gid_seen, &err) < 0) {
			ob_log_error("--%s: %s", edits[i].name, err.msg);
			goto out;
		}
	}
	if (args && ob_spec_doc_set_args(doc, args, &err) < 0) {
		ob_log_error("%s", err.msg);
		goto out;
	}
	/* Never write a spec that ob_spec_load would refuse. */
	if (ob_spec_doc_check(doc, name, &err) < 0) {
		ob_log_error("%s", err.msg);
		goto out;
	}

	/* Where: -o wins; a pipeline (input or edits) writes stdout; else BUNDLE/config.json. */
	dest = output ? output : (input || n_edits || args) ? "-" : default_path;
	text = ob_spec_doc_dump(doc);
	for (size_t i = n_edits; i-- > 0;)
		if (edits[i].opt == OPT_SECCOMP || edits[i].opt == OPT_SECCOMP_DEFAULT) {
			if (check_seccomp(text, name, &err) < 0) {
				ob_log_error("--%s: %s", edits[i].name, err.msg);
				goto out;
			}
			break;
		}
	if (streq(dest, "-")) {
		int r = ob_write_all(STDOUT_FILENO, text, strlen(text));
		if (r < 0) {
			ob_log_error("write standard output: %s", strerror(-r));
			goto out;
		}
	} else {
		struct stat st;
		if (dest == default_path && stat(bundle, &st) < 0) {
			ob_log_error("bundle `%s`: %s", bundle, strerror(errno));
			goto out;
		}
		if (!force && lstat(dest, &st) == 0) {
			ob_log_error("`%s` exists; remove it first or use --force", dest);
			goto out;
		}
		if (ob_write_file_atomic(dest, text, strlen(text), 0644, &err) < 0) {
			ob_log_error("%s", err.msg);
			goto out;
		}
	}
	ret = OB_EXIT_OK;
out:
	free(text);
	ob_spec_doc_free(doc);
	return ret;
}
