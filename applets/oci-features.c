/* oci-features - print what this runtime recognises and this host supports, as the
 * runtime-spec features document (features.md), the way `runc features` prints it.
 *
 *   oci-features | jq -r '.linux.seccomp.supportedFlags[]'
 */
#include "applet.h"

#include "../core/criu.h"
#include "../core/spec_features.h"

const char oci_features_usage[] =
    "Usage: oci-features\n"
    "Print the runtime-spec features JSON of ocibox on this host (runc features): the\n"
    "spec versions, hooks, mount options, namespaces, capabilities, cgroup, seccomp,\n"
    "LSM, idmap, netDevices and memory-policy support; whether checkpoint/restore work\n"
    "(annotation org.opencontainers.runc.checkpoint.enabled, only with a working criu).\n";

int oci_features_main(int argc, char **argv)
{
	static const struct option longopts[] = {{NULL, 0, NULL, 0}};
	struct ob_err err = {0};
	_cleanup_free_ char *json = NULL;
	int c;

	opterr = 0; /* our own one-line usage errors */
	while ((c = getopt_long(argc, argv, "+", longopts, NULL)) != -1) {
		if (optopt)
			return ob_usage_error("unknown option `-%c`", optopt);
		return ob_usage_error("unknown option `%s`", argv[optind - 1]);
	}
	if (optind < argc)
		return ob_usage_error("unexpected argument `%s`", argv[optind]);

	ob_criu_set_path(ob_opts.criu);
	if (ob_spec_features(&json, &err) < 0) {
		ob_log_error("%s", err.msg);
		return OB_EXIT_FAIL;
	}
	if (fputs(json, stdout) == EOF || fflush(stdout) == EOF) {
		ob_log_error("write standard output: %m");
		return OB_EXIT_FAIL;
	}
	return OB_EXIT_OK;
}
