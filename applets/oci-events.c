/* oci-events - resource usage and OOM events of a container as JSON lines (runc events). */
#include "applet.h"

#include <time.h>

#include "../core/cgroup.h"
#include "../core/state.h"

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

static void sleep_ns(uint64_t ns)
{
	struct timespec ts = {(time_t)(ns / 1000000000ULL), (long)(ns % 1000000000ULL)};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static int print_stats(const struct ob_cgroup *cg, const char *id, struct ob_err *err)
{
	struct ob_cgroup_stats stats;
	int r = ob_cgroup_stats(cg, &stats, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *json = ob_state_event_json("stats", id, &stats);
	ob_cgroup_stats_free(&stats);
	puts(json);
	fflush(stdout);
	return 0;
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
	_cleanup_state_ struct ob_state *st = NULL;
	_cleanup_(ob_cgroup_freep) struct ob_cgroup *cg = NULL;
	int r;
	{
		_cleanup_close_ int lock = -1;
		r = ob_cgroup_of_container(ob_opts.root, id, &st, &cg, &lock, &err);
	}
	if (r == 0 && ob_state_status(st) == OB_STATUS_STOPPED)
		r = ob_error_msg(&err, EINVAL, "container `%s` is stopped", id);
	if (r == 0 && once)
		r = print_stats(cg, id, &err);
	if (r < 0 || once)
		goto out;

	/* OOM kills are seen by polling the cgroup's counter (v1 memory.oom_control,
	 * v2 memory.events) ten times a second; stats every interval. */
	uint64_t ooms = 0, now, next = ob_now_ns();
	/* OOM kills before we started are not events */
	ob_cgroup_oom_kills(cg, &ooms, NULL);
	for (;;) {
		uint64_t n = 0;
		if (ob_cgroup_oom_kills(cg, &n, NULL) == 0 && n > ooms) {
			ooms = n;
			_cleanup_free_ char *json = ob_state_event_json("oom", id, NULL);
			puts(json);
			fflush(stdout);
		}
		if (ob_state_status(st) == OB_STATUS_STOPPED)
			break;
		now = ob_now_ns();
		if (now >= next) {
			if (print_stats(cg, id, &err) < 0 && ob_cgroup_exists(cg)) {
				r = -1;
				break;
			}
			next = now + interval;
		}
		uint64_t cur = ob_now_ns(), wait = next > cur ? next - cur : 0;
		sleep_ns(wait < 100000000ULL ? wait : 100000000ULL);
	}
out:
	if (r < 0) {
		ob_log_error("%s", err.msg);
		return OB_EXIT_FAIL;
	}
	return OB_EXIT_OK;
}
