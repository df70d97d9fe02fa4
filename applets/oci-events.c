/* oci-events - resource usage and OOM events of a container as JSON lines (runc events). */
#include "applet.h"

#include "../core/container.h"

const char oci_events_usage[] =
    "Usage: oci-events [--stats] [--interval D] ID\n"
    "Print JSON events of container ID, one a line, as runc does:\n"
    "  "
    "{\"type\":\"stats\",\"id\":ID,\"data\":{\"cpu\":..,\"memory\":..,\"pids\":..,\"blkio\":..,"
    "\"hugetlb\":..}}\n"
    "every interval D (default 5s; 500ms, 1m30s, ...), and {\"type\":\"oom\",\"id\":ID} when\n"
    "the OOM killer acts in the container's cgroup; ends when the container stops.\n"
    "  --stats   print the stats once and exit\n";

/* Go's time.Duration syntax: "5s", "100ms", "1m30s", "1.5h". */
static int parse_duration(const char *s, uint64_t *ret_ns)
{
	static const struct {
		const char *unit;
		double ns;
	} units[] = {{"ns", 1},	 {"us", 1e3}, {"µs", 1e3},  {"ms", 1e6},
		     {"s", 1e9}, {"m", 60e9}, {"h", 3600e9}};
	double total = 0;
	if (!*s)
		return -EINVAL;
	while (*s) {
		char *end;
		double v = strtod(s, &end);
		if (end == s || v < 0)
			return -EINVAL;
		size_t k, best = ARRAY_SIZE(units);
		for (k = 0; k < ARRAY_SIZE(units); k++)
			if (startswith(end, units[k].unit) &&
			    (best == ARRAY_SIZE(units) ||
			     strlen(units[k].unit) > strlen(units[best].unit)))
				best = k;
		if (best == ARRAY_SIZE(units))
			return -EINVAL;
		total += v * units[best].ns;
		s = end + strlen(units[best].unit);
	}
	if (total < 1e6)
		return -EINVAL; /* below a millisecond: a busy loop */
	*ret_ns = (uint64_t)total;
	return 0;
}

static void print_line(void *ctx, const char *json)
{
	puts(json);
	fflush(stdout);
}

int oci_events_main(int argc, char **argv)
{
	static const struct option opts[] = {{"stats", no_argument, NULL, 's'},
					     {"interval", required_argument, NULL, 'i'},
					     {NULL, 0, NULL, 0}};
	bool once = false;
	uint64_t interval = 5000000000ULL;
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 's')
			once = true;
		else if (c == 'i') {
			if (parse_duration(optarg, &interval) < 0)
				return ob_usage_error("--interval: invalid duration `%s`", optarg);
		} else
			return OB_EXIT_USAGE;
	}
	const char *id = ob_id_arg(argc, argv);
	if (!id)
		return OB_EXIT_USAGE;

	struct ob_err err = {0};
	struct ob_events_sink out = {print_line, NULL};
	if (ob_container_events(ob_opts.root, id, once, interval, &out, &err) < 0) {
		ob_log_error("%s", err.msg);
		return OB_EXIT_FAIL;
	}
	return OB_EXIT_OK;
}
