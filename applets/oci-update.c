/* oci-update - change the resource limits of a running container (runc update). */
#include "applet.h"

#include "../core/cgroup.h"
#include "../core/cgroup/systemd.h"
#include "../core/spec.h"
#include "../core/state.h"

const char oci_update_usage[] =
    "Usage: oci-update [--resources FILE|-] [OPTIONS] ID\n"
    "Apply new limits to the cgroup of container ID, live.\n"
    "\n"
    "  -r, --resources FILE|-   a linux.resources object (JSON) from FILE or stdin\n"
    "  --memory N               memory limit (bytes, or 64M, 1G; -1 unlimited)\n"
    "  --memory-reservation N   memory soft limit\n"
    "  --memory-swap N          memory+swap limit (-1 unlimited)\n"
    "  --pids-limit N           maximum number of processes (-1 unlimited)\n"
    "  --cpu-quota N            CPU time in microseconds per period (-1 unlimited)\n"
    "  --cpu-period N           CFS period in microseconds\n"
    "  --cpu-shares N           relative CPU weight (v1 shares; converted on v2)\n"
    "  --cpu-rt-period N        realtime period (v1)\n"
    "  --cpu-rt-runtime N       realtime runtime (v1)\n"
    "  --cpuset-cpus LIST       CPUs allowed (0-3,7)\n"
    "  --cpuset-mems LIST       memory nodes allowed\n"
    "  --blkio-weight N         block I/O weight 10-1000 (converted on v2)\n"
    "Options override the same fields of --resources; its devices are left as they are\n"
    "(as runc does).\n";

enum {
	OPT_MEMORY = 256,
	OPT_MEMORY_RES,
	OPT_MEMORY_SWAP,
	OPT_PIDS,
	OPT_QUOTA,
	OPT_PERIOD,
	OPT_SHARES,
	OPT_RT_PERIOD,
	OPT_RT_RUNTIME,
	OPT_CPUS,
	OPT_MEMS,
	OPT_BLKIO,
};

static int read_resources(const char *file, struct ob_resources *res, struct ob_err *err)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	int r = streq(file, "-") ? ob_read_fd(STDIN_FILENO, &text, &len, err)
				 : ob_read_file(file, &text, &len, err);
	if (r < 0)
		return r;
	return ob_spec_parse_resources(text, len, streq(file, "-") ? "<stdin>" : file, res, err);
}

static int num_opt(const char *name, const char *v, bool size, int64_t *ret)
{
	int r = size ? ob_parse_size(v, ret) : ob_parse_int64(v, ret);
	if (r < 0)
		return ob_usage_error("--%s: invalid value `%s`", name, v);
	return 0;
}

int oci_update_main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"resources", required_argument, NULL, 'r'},
	    {"memory", required_argument, NULL, OPT_MEMORY},
	    {"memory-reservation", required_argument, NULL, OPT_MEMORY_RES},
	    {"memory-swap", required_argument, NULL, OPT_MEMORY_SWAP},
	    {"pids-limit", required_argument, NULL, OPT_PIDS},
	    {"cpu-quota", required_argument, NULL, OPT_QUOTA},
	    {"cpu-period", required_argument, NULL, OPT_PERIOD},
	    {"cpu-shares", required_argument, NULL, OPT_SHARES},
	    {"cpu-rt-period", required_argument, NULL, OPT_RT_PERIOD},
	    {"cpu-rt-runtime", required_argument, NULL, OPT_RT_RUNTIME},
	    {"cpuset-cpus", required_argument, NULL, OPT_CPUS},
	    {"cpuset-mems", required_argument, NULL, OPT_MEMS},
	    {"blkio-weight", required_argument, NULL, OPT_BLKIO},
	    {NULL, 0, NULL, 0},
	};
	struct ob_resources res;
	memset(&res, 0, sizeof(res));
	const char *file = NULL;
	/* options apply after the file: keep them until it is read */
	struct {
		int opt;
		const char *name, *value;
	} set[32];
	size_t n_set = 0;
	int c, idx;
	while ((c = getopt_long(argc, argv, "+r:", opts, &idx)) != -1) {
		if (c == 'r') {
			file = optarg;
			continue;
		}
		if (c < OPT_MEMORY)
			return OB_EXIT_USAGE;
		if (n_set == ARRAY_SIZE(set))
			return ob_usage_error("too many options");
		set[n_set].opt = c;
		set[n_set].name = opts[idx].name;
		set[n_set++].value = optarg;
	}
	const char *id = ob_id_arg(argc, argv);
	if (!id)
		return OB_EXIT_USAGE;
	struct ob_err err = {0};
	if (file && read_resources(file, &res, &err) < 0) {
		ob_log_error("%s", err.msg);
		return OB_EXIT_FAIL;
	}
	for (size_t i = 0; i < n_set; i++) {
		int64_t v = 0;
		const char *name = set[i].name, *val = set[i].value;
		switch (set[i].opt) {
		case OPT_MEMORY:
		case OPT_MEMORY_RES:
		case OPT_MEMORY_SWAP:
			if (num_opt(name, val, true, &v))
				return OB_EXIT_USAGE;
			res.has_memory = true;
			if (set[i].opt == OPT_MEMORY)
				res.memory.has_limit = true, res.memory.limit = v;
			else if (set[i].opt == OPT_MEMORY_RES)
				res.memory.has_reservation = true, res.memory.reservation = v;
			else
				res.memory.has_swap = true, res.memory.swap = v;
			break;
		case OPT_PIDS:
			if (num_opt(name, val, false, &v))
				return OB_EXIT_USAGE;
			res.has_pids = res.has_pids_limit = true;
			res.pids_limit = v;
			break;
		case OPT_QUOTA:
		case OPT_PERIOD:
		case OPT_SHARES:
		case OPT_RT_PERIOD:
		case OPT_RT_RUNTIME:
			if (num_opt(name, val, false, &v))
				return OB_EXIT_USAGE;
			if (set[i].opt != OPT_QUOTA && set[i].opt != OPT_RT_RUNTIME && v < 0)
				return ob_usage_error("--%s: invalid value `%s`", name, val);
			res.has_cpu = true;
			if (set[i].opt == OPT_QUOTA)
				res.cpu.has_quota = true, res.cpu.quota = v;
			else if (set[i].opt == OPT_PERIOD)
				res.cpu.has_period = true, res.cpu.period = (uint64_t)v;
			else if (set[i].opt == OPT_SHARES)
				res.cpu.has_shares = true, res.cpu.shares = (uint64_t)v;
			else if (set[i].opt == OPT_RT_PERIOD)
				res.cpu.has_realtime_period = true,
				res.cpu.realtime_period = (uint64_t)v;
			else
				res.cpu.has_realtime_runtime = true, res.cpu.realtime_runtime = v;
			break;
		case OPT_CPUS:
		case OPT_MEMS:
			res.has_cpu = true;
			if (set[i].opt == OPT_CPUS) {
				free(res.cpu.cpus);
				res.cpu.cpus = ob_xstrdup(val);
			} else {
				free(res.cpu.mems);
				res.cpu.mems = ob_xstrdup(val);
			}
			break;
		case OPT_BLKIO:
			if (num_opt(name, val, false, &v))
				return OB_EXIT_USAGE;
			if (v < 10 || v > 1000)
				return ob_usage_error("--blkio-weight: `%s` is outside 10-1000",
						      val);
			res.has_blkio = true;
			res.blkio.has_weight = true;
			res.blkio.weight = (uint16_t)v;
			break;
		}
	}

	_cleanup_state_ struct ob_state *st = NULL;
	_cleanup_(ob_cgroup_freep) struct ob_cgroup *cg = NULL;
	_cleanup_close_ int lock = -1;
	int r = ob_cgroup_of_container(ob_opts.root, id, &st, &cg, &lock, &err);
	if (r == 0 && ob_state_status(st) == OB_STATUS_STOPPED)
		r = ob_error_msg(&err, EINVAL, "container `%s` is stopped", id);
	/* devices stay as created (runc update leaves them too): a resources object copied
	 * from a spec carries its leading deny-all, which alone would cut /dev/null off */
	size_t n_devices = res.n_devices;
	res.n_devices = 0;
	if (r == 0)
		r = ob_cgroup_apply(cg, &res, &err);
	/* a systemd scope's unit properties follow, or systemd would restore the old ones */
	const char *unit = r == 0 ? ob_state_get_ext(st, "systemd_unit") : NULL;
	if (unit) {
		struct ob_systemd_unit u = {0};
		snprintf(u.unit, sizeof(u.unit), "%s", unit);
		r = ob_systemd_set(&u, &res, &err);
	}
	res.n_devices = n_devices;
	ob_resources_free(&res);
	if (r < 0) {
		ob_log_error("%s", err.msg);
		return OB_EXIT_FAIL;
	}
	return OB_EXIT_OK;
}
