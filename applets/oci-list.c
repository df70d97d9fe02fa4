/* oci-list - list the containers under --root. */
#include "applet.h"

#include "../core/state.h"

const char oci_list_usage[] =
    "Usage: oci-list [-q|--quiet] [-f|--format table|json]\n"
    "List the containers: a table (ID PID STATUS BUNDLE CREATED OWNER), the ids only\n"
    "(-q), or a JSON array of their states. A half-made entry (its create still running,\n"
    "or killed) ends its line with the reason in parentheses (\"reason\" in JSON).\n";

int oci_list_main(int argc, char **argv)
{
	static const struct option opts[] = {{"quiet", no_argument, NULL, 'q'},
					     {"format", required_argument, NULL, 'f'},
					     {NULL, 0, NULL, 0}};
	bool quiet = false, json = false;
	int c;
	while ((c = getopt_long(argc, argv, "+qf:", opts, NULL)) != -1) {
		if (c == 'q')
			quiet = true;
		else if (c == 'f' && (streq(optarg, "json") || streq(optarg, "table")))
			json = streq(optarg, "json");
		else if (c == 'f')
			return ob_usage_error("--format: `%s` is not table or json", optarg);
		else
			return OB_EXIT_USAGE;
	}
	if (optind != argc)
		return ob_usage_error("too many arguments");
	struct ob_err err = {0};
	_cleanup_strv_ char **ids = NULL;
	if (ob_state_list(ob_opts.root, &ids, &err) < 0) {
		ob_log_error("%s", err.msg);
		return OB_EXIT_FAIL;
	}
	if (quiet) {
		for (char **id = ids; *id; id++)
			puts(*id);
		return OB_EXIT_OK;
	}
	size_t n = ob_strv_len(ids), k = 0;
	struct ob_state **sts = ob_xcalloc(n + 1, sizeof(*sts));
	for (size_t i = 0; i < n; i++)
		if (ob_state_load(ob_opts.root, ids[i], &sts[k], NULL) == 0)
			k++;
	if (json) {
		_cleanup_free_ char *s = ob_state_list_json(sts, k);
		puts(s);
	} else {
		printf("%-12s %-8s %-10s %-40s %-31s %s\n", "ID", "PID", "STATUS", "BUNDLE",
		       "CREATED", "OWNER");
		for (size_t i = 0; i < k; i++) {
			enum ob_status s = ob_state_status(sts[i]);
			char owner[64];
			ob_state_owner_name(sts[i], owner, sizeof(owner));
			char why[256];
			bool half = ob_state_half_made(sts[i], why, sizeof(why));
			printf("%-12s %-8d %-10s %-40s %-31s %s%s%s%s\n", sts[i]->id,
			       s == OB_STATUS_STOPPED ? 0 : (int)sts[i]->pid, ob_status_name(s),
			       sts[i]->bundle ? sts[i]->bundle : "",
			       sts[i]->created ? sts[i]->created : "", owner, half ? " (" : "",
			       half ? why : "", half ? ")" : "");
		}
	}
	for (size_t i = 0; i < k; i++)
		ob_state_free(sts[i]);
	free(sts);
	return OB_EXIT_OK;
}
