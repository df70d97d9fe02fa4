/* cgtool - drive core/cgroup from the tests, one call per command, without a container.
 *
 * Linked against build/libocibox.a, the same core the ocibox binary runs, and cgroot.c:
 * OCIBOX_CGROUP_ROOT=DIR is the cgroup root (a fake tree's back end is there too).
 *
 *   cgtool path CGROUPS_PATH ID [systemd]   print the resolved cgroup path
 *   cgtool create PATH [empty]              ob_cgroup_create (empty: OB_CGROUP_MUST_BE_EMPTY)
 *   cgtool apply PATH FIELD=VALUE...        build a struct ob_resources and ob_cgroup_apply
 *   cgtool enter PATH PID | freeze PATH | thaw PATH | state PATH | pids PATH
 *   cgtool kill PATH SIGNAL | stats PATH | destroy PATH | mode | oom PATH
 *
 * apply FIELDs (config.json's names under linux.resources): memory.limit, .reservation,
 * .swap, .swappiness, .disableOOMKiller, .useHierarchy, .checkBeforeUpdate, .kernel,
 * .kernelTCP; cpu.shares, .quota, .burst, .period, .realtimeRuntime, .realtimePeriod,
 * .cpus, .mems, .idle; pids.limit; blockIO.weight, .leafWeight,
 * blockIO.weightDevice=MAJ:MIN:W[:LEAF], blockIO.throttleReadBpsDevice=MAJ:MIN:RATE (and
 * WriteBps, ReadIOPS, WriteIOPS); hugepageLimits=SIZE:LIMIT; network.classID;
 * network.priorities=NAME:PRIO; rdma=DEV:HANDLES:OBJECTS;
 * devices=allow|deny:TYPE:MAJ:MIN:ACCESS (TYPE a|b|c, MAJ/MIN * for any); unified=KEY:VALUE.
 */
#include "core/cgroup.h"
#include "core/log.h"
#include "core/spec.h"
#include "core/util.h"

#include <inttypes.h>

static int die(const char *msg)
{
	fprintf(stderr, "cgtool: %s\n", msg);
	return 1;
}

#define PUSH(arr, n) (arr = ob_xrealloc(arr, (n + 1) * sizeof(*arr)), &arr[n++])

static int64_t num(const char *s)
{
	return strtoll(s, NULL, 0);
}

static int parse_field(struct ob_resources *r, char *kv)
{
	char *eq = strchr(kv, '=');
	if (!eq)
		return -1;
	*eq = '\0';
	const char *k = kv, *v = eq + 1;
	struct ob_memory *m = &r->memory;
	struct ob_cpu *c = &r->cpu;
	struct ob_blkio *b = &r->blkio;
#define SET(field, name, expr, flag)                                                               \
	if (streq(k, name)) {                                                                      \
		field = (expr);                                                                    \
		flag = true;                                                                       \
		return 0;                                                                          \
	}
	if (startswith(k, "memory."))
		r->has_memory = true;
	if (startswith(k, "cpu."))
		r->has_cpu = true;
	if (startswith(k, "blockIO."))
		r->has_blkio = true;
	SET(m->limit, "memory.limit", num(v), m->has_limit);
	SET(m->reservation, "memory.reservation", num(v), m->has_reservation);
	SET(m->swap, "memory.swap", num(v), m->has_swap);
	SET(m->kernel, "memory.kernel", num(v), m->has_kernel);
	SET(m->kernel_tcp, "memory.kernelTCP", num(v), m->has_kernel_tcp);
	SET(m->swappiness, "memory.swappiness", (uint64_t)num(v), m->has_swappiness);
	SET(m->disable_oom_killer, "memory.disableOOMKiller", streq(v, "true"),
	    m->has_disable_oom_killer);
	SET(m->use_hierarchy, "memory.useHierarchy", streq(v, "true"), m->has_use_hierarchy);
	SET(m->check_before_update, "memory.checkBeforeUpdate", streq(v, "true"),
	    m->has_check_before_update);
	SET(c->shares, "cpu.shares", (uint64_t)num(v), c->has_shares);
	SET(c->quota, "cpu.quota", num(v), c->has_quota);
	SET(c->burst, "cpu.burst", (uint64_t)num(v), c->has_burst);
	SET(c->period, "cpu.period", (uint64_t)num(v), c->has_period);
	SET(c->realtime_runtime, "cpu.realtimeRuntime", num(v), c->has_realtime_runtime);
	SET(c->realtime_period, "cpu.realtimePeriod", (uint64_t)num(v), c->has_realtime_period);
	SET(c->idle, "cpu.idle", num(v), c->has_idle);
	if (streq(k, "cpu.cpus")) {
		c->cpus = ob_xstrdup(v);
		return 0;
	}
	if (streq(k, "cpu.mems")) {
		c->mems = ob_xstrdup(v);
		return 0;
	}
	SET(r->pids_limit, "pids.limit", num(v), r->has_pids_limit);
	SET(b->weight, "blockIO.weight", (uint16_t)num(v), b->has_weight);
	SET(b->leaf_weight, "blockIO.leafWeight", (uint16_t)num(v), b->has_leaf_weight);
	SET(r->net_class_id, "network.classID", (uint32_t)num(v), r->has_net_class_id);
	long long a1 = 0, a2 = 0, a3 = 0, a4 = -1;
	if (streq(k, "blockIO.weightDevice")) {
		int n = sscanf(v, "%lld:%lld:%lld:%lld", &a1, &a2, &a3, &a4);
		struct ob_blkio_device *d = PUSH(b->weight_device, b->n_weight_device);
		*d = (struct ob_blkio_device){.major = a1,
					      .minor = a2,
					      .has_weight = n >= 3,
					      .weight = (uint16_t)a3,
					      .has_leaf_weight = n == 4,
					      .leaf_weight = (uint16_t)a4};
		return 0;
	}
	struct {
		const char *name;
		struct ob_blkio_device **v;
		size_t *n;
	} thr[] = {
	    {"blockIO.throttleReadBpsDevice", &b->throttle_read_bps, &b->n_throttle_read_bps},
	    {"blockIO.throttleWriteBpsDevice", &b->throttle_write_bps, &b->n_throttle_write_bps},
	    {"blockIO.throttleReadIOPSDevice", &b->throttle_read_iops, &b->n_throttle_read_iops},
	    {"blockIO.throttleWriteIOPSDevice", &b->throttle_write_iops, &b->n_throttle_write_iops},
	};
	for (size_t i = 0; i < ARRAY_SIZE(thr); i++)
		if (streq(k, thr[i].name)) {
			sscanf(v, "%lld:%lld:%lld", &a1, &a2, &a3);
			*thr[i].v = ob_xrealloc(*thr[i].v, (*thr[i].n + 1) * sizeof(**thr[i].v));
			(*thr[i].v)[(*thr[i].n)++] = (struct ob_blkio_device){
			    .major = a1, .minor = a2, .rate = (uint64_t)a3};
			return 0;
		}
	char s1[64] = "", s2[256] = "";
	if (streq(k, "hugepageLimits")) {
		sscanf(v, "%63[^:]:%lld", s1, &a1);
		struct ob_hugepage_limit *h = PUSH(r->hugepage_limits, r->n_hugepage_limits);
		*h = (struct ob_hugepage_limit){.page_size = ob_xstrdup(s1), .limit = (uint64_t)a1};
		return 0;
	}
	if (streq(k, "network.priorities")) {
		sscanf(v, "%63[^:]:%lld", s1, &a1);
		struct ob_net_priority *p = PUSH(r->net_priorities, r->n_net_priorities);
		*p = (struct ob_net_priority){.name = ob_xstrdup(s1), .priority = (uint32_t)a1};
		return 0;
	}
	if (streq(k, "rdma")) {
		sscanf(v, "%63[^:]:%lld:%lld", s1, &a1, &a2);
		struct ob_rdma_limit *l = PUSH(r->rdma, r->n_rdma);
		*l = (struct ob_rdma_limit){.device = ob_xstrdup(s1),
					    .has_hca_handles = true,
					    .hca_handles = (uint32_t)a1,
					    .has_hca_objects = true,
					    .hca_objects = (uint32_t)a2};
		return 0;
	}
	if (streq(k, "unified")) {
		sscanf(v, "%63[^:]:%255[^\n]", s1, s2);
		struct ob_kv *u = PUSH(r->unified, r->n_unified);
		*u = (struct ob_kv){.key = ob_xstrdup(s1), .value = ob_xstrdup(s2)};
		return 0;
	}
	if (streq(k, "devices")) {
		char allow[8], type, maj[16], min[16], acc[8] = "";
		if (sscanf(v, "%7[^:]:%c:%15[^:]:%15[^:]:%7s", allow, &type, maj, min, acc) < 4)
			return -1;
		struct ob_device_cgroup *d = PUSH(r->devices, r->n_devices);
		*d = (struct ob_device_cgroup){.allow = streq(allow, "allow"),
					       .type = type,
					       .has_major = !streq(maj, "*"),
					       .major = num(maj),
					       .has_minor = !streq(min, "*"),
					       .minor = num(min),
					       .access = *acc ? ob_xstrdup(acc) : NULL};
		return 0;
	}
	return -1;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return die("usage: see the comment at the top of test/tools/cgtool.c");
	ob_log_init(NULL, OB_LOG_TEXT, getenv("CGTOOL_DEBUG") != NULL);
	ob_log_set_prefix("cgtool");
	struct ob_err err = {0};
	const char *cmd = argv[1];
	int r = 0;
	if (streq(cmd, "mode")) {
		enum ob_cgroup_mode mode;
		if (ob_cgroup_detect(&mode, &err) < 0)
			return die(err.msg);
		printf("%s\n", ob_cgroup_mode_name(mode));
		return 0;
	}
	if (argc < 3)
		return die("missing PATH");
	struct ob_cgroup *cg = NULL;
	if (streq(cmd, "path"))
		r = ob_cgroup_open(argv[2], argc > 3 ? argv[3] : "id", argc > 4, &cg, &err);
	else
		r = ob_cgroup_open(argv[2], NULL, false, &cg, &err);
	if (r < 0)
		return die(err.msg);
	if (streq(cmd, "path")) {
		printf("%s\n", ob_cgroup_path(cg));
	} else if (streq(cmd, "create")) {
		r = ob_cgroup_create(cg, argc > 3 ? OB_CGROUP_MUST_BE_EMPTY : 0, &err);
	} else if (streq(cmd, "apply")) {
		struct ob_resources res;
		memset(&res, 0, sizeof(res));
		res.present = true;
		for (int i = 3; i < argc; i++)
			if (parse_field(&res, argv[i]) < 0) {
				fprintf(stderr, "cgtool: bad field `%s`\n", argv[i]);
				return 2;
			}
		r = ob_cgroup_apply(cg, &res, &err);
	} else if (streq(cmd, "enter") && argc > 3) {
		r = ob_cgroup_enter(cg, (pid_t)atoi(argv[3]), &err);
	} else if (streq(cmd, "freeze")) {
		r = ob_cgroup_freeze(cg, &err);
	} else if (streq(cmd, "thaw")) {
		r = ob_cgroup_thaw(cg, &err);
	} else if (streq(cmd, "state")) {
		enum ob_freezer_state st;
		r = ob_cgroup_freezer_state(cg, &st, &err);
		if (r == 0)
			printf("%s\n", st == OB_FREEZER_FROZEN	   ? "frozen"
				       : st == OB_FREEZER_FREEZING ? "freezing"
								   : "thawed");
	} else if (streq(cmd, "pids")) {
		pid_t *pids = NULL;
		size_t n = 0;
		r = ob_cgroup_pids(cg, &pids, &n, &err);
		for (size_t i = 0; r == 0 && i < n; i++)
			printf("%d\n", (int)pids[i]);
		free(pids);
	} else if (streq(cmd, "kill") && argc > 3) {
		r = ob_cgroup_kill(cg, ob_signal_parse(argv[3]), &err);
	} else if (streq(cmd, "oom")) {
		uint64_t n = 0;
		r = ob_cgroup_oom_kills(cg, &n, &err);
		if (r == 0)
			printf("%" PRIu64 "\n", n);
	} else if (streq(cmd, "stats")) {
		struct ob_cgroup_stats st;
		r = ob_cgroup_stats(cg, &st, &err);
		if (r == 0) {
			printf("cpu.total %" PRIu64 "\ncpu.user %" PRIu64 "\ncpu.percpu %zu\n",
			       st.cpu.total, st.cpu.user, st.cpu.n_percpu);
			printf("memory.usage %" PRIu64 "\nmemory.limit %" PRIu64
			       "\nmemory.raw %zu\n",
			       st.memory.usage.usage, st.memory.usage.limit, st.memory.n_raw);
			printf("pids.current %" PRIu64 "\npids.limit %" PRIu64 "\n",
			       st.pids.current, st.pids.limit);
			printf("blkio.present %d\n", st.blkio.present);
			for (size_t i = 0; i < st.n_hugetlb; i++)
				printf("hugetlb.%s.usage %" PRIu64 "\n", st.hugetlb[i].page_size,
				       st.hugetlb[i].usage);
			ob_cgroup_stats_free(&st);
		}
	} else if (streq(cmd, "destroy")) {
		r = ob_cgroup_destroy(cg, 5000, &err);
	} else {
		return die("unknown command");
	}
	ob_cgroup_free(cg);
	if (r < 0)
		return die(err.msg);
	return 0;
}
