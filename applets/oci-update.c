/* oci-update - change the resource limits of a running container (runc update). */
#include "applet.h"

#include "../core/spec.h"
#include "../core/container.h"

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

int oci_update_main(int argc, char **argv)
{
	/* --resources, then one long option per resource flag the core knows */
	struct option opts[16] = {{"resources", required_argument, NULL, 'r'}};
	size_t n_opts = 1;
	for (size_t i = 0; ob_resources_flag_name(i) && n_opts < ARRAY_SIZE(opts) - 1; i++)
		opts[n_opts++] =
		    (struct option){ob_resources_flag_name(i), required_argument, NULL, 256};
	struct ob_resources res;
	memset(&res, 0, sizeof(res));
	const char *file = NULL;
	/* options apply after the file: keep them until it is read */
	struct {
		const char *name, *value;
	} set[32];
	size_t n_set = 0;
	int c, idx;
	while ((c = getopt_long(argc, argv, "r:", opts, &idx)) != -1) {
		if (c == 'r') {
			file = optarg;
			continue;
		}
		if (c != 256)
			return OB_EXIT_USAGE;
		if (n_set == ARRAY_SIZE(set))
			return ob_usage_error("too many options");
		set[n_set].name = opts[idx].name;
		set[n_set++].value = optarg;
	}
	const char *id = ob_id_arg(argc, argv);
	if (!id)
		return OB_EXIT_USAGE;
	struct ob_err err = {0};
	if (file && ob_spec_load_resources(file, &res, &err) < 0) {
		ob_log_error("%s", err.msg);
		return OB_EXIT_FAIL;
	}
	for (size_t i = 0; i < n_set; i++)
		if (ob_resources_set_flag(&res, set[i].name, set[i].value, &err) < 0) {
			ob_resources_free(&res);
			return ob_usage_error("%s", err.msg);
		}
	int r = ob_container_update(ob_opts.root, id, &res, &err);
	ob_resources_free(&res);
	if (r < 0) {
		ob_log_error("%s", err.msg);
		return OB_EXIT_FAIL;
	}
	return OB_EXIT_OK;
}
