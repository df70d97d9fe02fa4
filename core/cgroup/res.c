/* res.c - linux.resources written to cgroup files, each where its controller lives
 * (v1 file names and units, or v2's), with runc's conversions between the two. */
#include <fcntl.h>
#include <inttypes.h>
#include <sys/sysmacros.h>

#include "internal.h"
#include "../log.h"

uint64_t ob_cgroup_shares_to_weight(uint64_t shares)
{
	/* runc: [2, 262144] -> [1, 10000] */
	if (shares == 0)
		return 0;
	if (shares < 2)
		shares = 2;
	if (shares > 262144)
		shares = 262144;
	return 1 + ((shares - 2) * 9999) / 262142;
}

static uint64_t weight_to_shares(uint64_t weight)
{
	if (weight < 1)
		weight = 1;
	if (weight > 10000)
		weight = 10000;
	return 2 + ((weight - 1) * 262142) / 9999;
}

uint64_t ob_cgroup_blkio_to_io_weight(uint64_t weight)
{
	/* runc: [10, 1000] -> [1, 10000] */
	if (weight == 0)
		return 0;
	if (weight < 10)
		weight = 10;
	return 1 + ((weight - 10) * 9999) / 990;
}

static uint64_t io_to_blkio_weight(uint64_t weight)
{
	if (weight < 1)
		weight = 1;
	if (weight > 10000)
		weight = 10000;
	return 10 + ((weight - 1) * 990) / 9999;
}

static int need(const struct ob_cgroup *cg, const char *ctrl, const char *what,
		const struct cg_hier **ret, struct ob_err *err)
{
	*ret = cg_find(cg, ctrl);
	if (*ret)
		return 0;
	const struct cg_hier *v2 = cg_v2(cg);
	if (cg->mode == OB_CGROUP_V2)
		return ob_error_msg(err, ENOTSUP,
				    "%s: cgroup v2 controller %s is not available in %s", what,
				    ctrl, v2 ? v2->m->mnt : "the unified hierarchy");
	return ob_error_msg(err, ENOTSUP, "%s: cgroup v1 controller %s is not mounted", what, ctrl);
}

/* v1 writes -1 for "no limit"; v2 writes "max". */
static void fmt_limit(char *buf, size_t len, bool v2, int64_t v)
{
	if (v < 0)
		snprintf(buf, len, "%s", v2 ? "max" : "-1");
	else
		snprintf(buf, len, "%" PRId64, v);
}

static int write_limit(const struct cg_hier *h, const char *file, int64_t v, struct ob_err *err)
{
	char buf[32];
	fmt_limit(buf, sizeof(buf), h->m->v2, v);
	return cg_write(h, file, buf, err);
}

/* ---- memory ---- */

static int mem_check_usage(const struct cg_hier *h, int64_t limit, struct ob_err *err)
{
	uint64_t usage;
	const char *file = h->m->v2 ? "memory.current" : "memory.usage_in_bytes";
	if (limit < 0 || cg_read_u64(h, file, &usage, NULL) < 0)
		return 0;
	if ((uint64_t)limit < usage)
		return ob_error_msg(err, EBUSY,
				    "memory limit %" PRId64 " is below the current usage %" PRIu64
				    " of %s (checkBeforeUpdate)",
				    limit, usage, h->dir);
	return 0;
}

static int mem_v1(const struct cg_hier *h, const struct ob_memory *m, struct ob_err *err)
{
	int r;
	int64_t mem = m->has_limit ? m->limit : 0, swap = m->has_swap ? m->swap : 0;
	if (m->has_limit && mem == -1 && swap == 0)
		swap = -1; /* unlimited memory, swap not given: both unlimited (runc) */
	if (swap != 0 && !cg_has_file(h, "memory.memsw.limit_in_bytes"))
		return ob_error_msg(err, ENOTSUP,
				    "memory.swap: %s has no memory.memsw.limit_in_bytes (swap "
				    "accounting is off: boot with swapaccount=1)",
				    h->dir);
	if (mem != 0 && swap != 0) {
		/* The kernel wants limit <= memsw at every step: order the two writes. */
		uint64_t cur = 0;
		cg_read_u64(h, "memory.limit_in_bytes", &cur, NULL);
		if (swap == -1 || cur < (uint64_t)swap) {
			if ((r = write_limit(h, "memory.memsw.limit_in_bytes", swap, err)) < 0 ||
			    (r = write_limit(h, "memory.limit_in_bytes", mem, err)) < 0)
				return r;
		} else {
			if ((r = write_limit(h, "memory.limit_in_bytes", mem, err)) < 0 ||
			    (r = write_limit(h, "memory.memsw.limit_in_bytes", swap, err)) < 0)
				return r;
		}
	} else if (mem != 0) {
		if ((r = write_limit(h, "memory.limit_in_bytes", mem, err)) < 0)
			return r;
	} else if (swap != 0) {
		if ((r = write_limit(h, "memory.memsw.limit_in_bytes", swap, err)) < 0)
			return r;
	}
	if (m->has_reservation &&
	    (r = write_limit(h, "memory.soft_limit_in_bytes", m->reservation, err)) < 0)
		return r;
	if (m->has_swappiness &&
	    (r = cg_writef(h, "memory.swappiness", err, "%" PRIu64, m->swappiness)) < 0)
		return r;
	if (m->has_disable_oom_killer &&
	    (r = cg_write(h, "memory.oom_control", m->disable_oom_killer ? "1" : "0", err)) < 0)
		return r;
	if (m->has_use_hierarchy &&
	    (r = cg_write(h, "memory.use_hierarchy", m->use_hierarchy ? "1" : "0", err)) < 0)
		return r;
	/* kernelTCP: deprecated by the spec, yet v1 kernels still take it (6.x too), and
	 * crun 1.8.1 sets it; where the file is gone (v1 without kmem accounting) it is
	 * skipped, as crun does */
	if (m->has_kernel_tcp && cg_has_file(h, "memory.kmem.tcp.limit_in_bytes") &&
	    (r = write_limit(h, "memory.kmem.tcp.limit_in_bytes", m->kernel_tcp, err)) < 0)
		return r;
	return 0;
}

/* runc's ConvertMemorySwapToCgroupV2Value: v1's memory+swap -> v2's swap alone. */
static int swap_to_v2(int64_t swap, int64_t mem, int64_t *ret, struct ob_err *err)
{
	if (mem == -1 && swap == 0) {
		*ret = -1;
		return 0;
	}
	if (swap == -1 || swap == 0) {
		*ret = swap;
		return 0;
	}
	if (mem == 0 || mem == -1)
		return ob_error_msg(err, EINVAL, "memory.swap %" PRId64 " needs a memory.limit",
				    swap);
	if (swap < mem)
		return ob_error_msg(err, EINVAL,
				    "memory.swap %" PRId64
				    " (memory+swap) is below memory.limit %" PRId64,
				    swap, mem);
	*ret = swap - mem;
	return 0;
}

static int mem_v2(const struct cg_hier *h, const struct ob_memory *m, struct ob_err *err)
{
	int r;
	int64_t mem = m->has_limit ? m->limit : 0, swap = 0;
	if (m->has_limit || m->has_swap) {
		r = swap_to_v2(m->has_swap ? m->swap : 0, mem, &swap, err);
		if (r < 0)
			return r;
	}
	if (swap != 0) {
		if (!cg_has_file(h, "memory.swap.max")) {
			if (swap > 0)
				return ob_error_msg(err, ENOTSUP,
						    "memory.swap: %s has no memory.swap.max (swap "
						    "accounting is off)",
						    h->dir);
		} else if ((r = write_limit(h, "memory.swap.max", swap, err)) < 0) {
			return r;
		}
	}
	if (m->has_limit && mem != 0 && (r = write_limit(h, "memory.max", mem, err)) < 0)
		return r;
	if (m->has_reservation && (r = write_limit(h, "memory.low", m->reservation, err)) < 0)
		return r;
	if (m->has_disable_oom_killer && m->disable_oom_killer)
		return ob_error_msg(err, ENOTSUP,
				    "memory.disableOOMKiller: cgroup v2 has no OOM killer switch");
	/* swappiness and useHierarchy have no v2 file: v2 is always hierarchical and takes
	 * swappiness from the system, as runc and crun treat them. */
	if (m->has_swappiness)
		ob_log_debug("cgroup: memory.swappiness ignored on cgroup v2");
	return 0;
}

static int apply_memory(const struct ob_cgroup *cg, const struct ob_memory *m, struct ob_err *err)
{
	const struct cg_hier *h;
	int r = need(cg, "memory", "linux.resources.memory", &h, err);
	if (r < 0)
		return r;
	if (m->has_check_before_update && m->check_before_update && m->has_limit &&
	    (r = mem_check_usage(h, m->limit, err)) < 0)
		return r;
	/* kernel (kmem): deprecated by the spec and not applied by kernels >= 5.16 (writes to
	 * memory.kmem.limit_in_bytes fail or do nothing there), ignored as runc 1.2 does;
	 * kernelTCP: v1 only, see mem_v1 (v2 has no such limit) */
	return h->m->v2 ? mem_v2(h, m, err) : mem_v1(h, m, err);
}

/* ---- cpu, cpuset ---- */

static int cpu_v1(const struct cg_hier *h, const struct ob_cpu *c, struct ob_err *err)
{
	int r;
	if (c->has_shares && c->shares != 0 &&
	    (r = cg_writef(h, "cpu.shares", err, "%" PRIu64, c->shares)) < 0)
		return r;
	if (c->has_period && c->period != 0) {
		r = cg_writef(h, "cpu.cfs_period_us", err, "%" PRIu64, c->period);
		if (r == -EINVAL && c->has_quota) {
			/* the old quota does not fit the new period: quota first (runc) */
			if ((r = write_limit(h, "cpu.cfs_quota_us", c->quota, err)) < 0)
				return r;
			r = cg_writef(h, "cpu.cfs_period_us", err, "%" PRIu64, c->period);
		}
		if (r < 0)
			return r;
	}
	if (c->has_quota && c->quota != 0 &&
	    (r = write_limit(h, "cpu.cfs_quota_us", c->quota, err)) < 0)
		return r;
	if (c->has_burst && (r = cg_writef(h, "cpu.cfs_burst_us", err, "%" PRIu64, c->burst)) < 0)
		return r;
	if (c->has_realtime_period && c->realtime_period != 0 &&
	    (r = cg_writef(h, "cpu.rt_period_us", err, "%" PRIu64, c->realtime_period)) < 0)
		return r;
	if (c->has_realtime_runtime && c->realtime_runtime != 0 &&
	    (r = cg_writef(h, "cpu.rt_runtime_us", err, "%" PRId64, c->realtime_runtime)) < 0)
		return r;
	if (c->has_idle && (r = cg_writef(h, "cpu.idle", err, "%" PRId64, c->idle)) < 0)
		return r;
	return 0;
}

static int cpu_v2(const struct cg_hier *h, const struct ob_cpu *c, struct ob_err *err)
{
	int r;
	if (c->has_shares && c->shares != 0 &&
	    (r = cg_writef(h, "cpu.weight", err, "%" PRIu64,
			   ob_cgroup_shares_to_weight(c->shares))) < 0)
		return r;
	int64_t quota = c->has_quota ? c->quota : 0;
	uint64_t period = c->has_period ? c->period : 0;
	if (quota != 0 || period != 0) {
		char buf[64];
		int n = quota > 0 ? snprintf(buf, sizeof(buf), "%" PRId64, quota)
				  : snprintf(buf, sizeof(buf), "max");
		if (period != 0)
			snprintf(buf + n, sizeof(buf) - n, " %" PRIu64, period);
		if ((r = cg_write(h, "cpu.max", buf, err)) < 0)
			return r;
	}
	if (c->has_burst && (r = cg_writef(h, "cpu.max.burst", err, "%" PRIu64, c->burst)) < 0)
		return r;
	if ((c->has_realtime_period && c->realtime_period != 0) ||
	    (c->has_realtime_runtime && c->realtime_runtime != 0))
		return ob_error_msg(err, ENOTSUP,
				    "cpu.realtimeRuntime/realtimePeriod: cgroup v2 has no realtime "
				    "scheduler limits");
	if (c->has_idle && (r = cg_writef(h, "cpu.idle", err, "%" PRId64, c->idle)) < 0)
		return r;
	return 0;
}

static int apply_cpu(const struct ob_cgroup *cg, const struct ob_cpu *c, struct ob_err *err)
{
	const struct cg_hier *h;
	int r;
	bool any_cpu = c->has_shares || c->has_quota || c->has_period || c->has_burst ||
		       c->has_realtime_period || c->has_realtime_runtime || c->has_idle;
	if (any_cpu) {
		if ((r = need(cg, "cpu", "linux.resources.cpu", &h, err)) < 0)
			return r;
		r = h->m->v2 ? cpu_v2(h, c, err) : cpu_v1(h, c, err);
		if (r < 0)
			return r;
	}
	if ((c->cpus && *c->cpus) || (c->mems && *c->mems)) {
		if ((r = need(cg, "cpuset", "linux.resources.cpu.cpus/mems", &h, err)) < 0)
			return r;
		if (c->cpus && *c->cpus && (r = cg_write(h, "cpuset.cpus", c->cpus, err)) < 0)
			return r;
		if (c->mems && *c->mems && (r = cg_write(h, "cpuset.mems", c->mems, err)) < 0)
			return r;
	}
	return 0;
}

/* ---- blkio / io ---- */

static int blkio_v1(const struct cg_hier *h, const struct ob_blkio *b, struct ob_err *err)
{
	int r;
	/* CFQ's blkio.weight is gone from current kernels; BFQ has blkio.bfq.weight. */
	const char *wfile = cg_has_file(h, "blkio.weight") ? "blkio.weight" : "blkio.bfq.weight";
	const char *wdfile = cg_has_file(h, "blkio.weight_device") ? "blkio.weight_device"
								   : "blkio.bfq.weight_device";
	if (b->has_weight && b->weight != 0) {
		if (!cg_has_file(h, wfile))
			return ob_error_msg(err, ENOTSUP,
					    "blockIO.weight: %s has neither blkio.weight nor "
					    "blkio.bfq.weight (no CFQ or BFQ I/O scheduler)",
					    h->dir);
		if ((r = cg_writef(h, wfile, err, "%u", b->weight)) < 0)
			return r;
	}
	/* leaf weights were CFQ's only: BFQ has none */
	bool leaf = cg_has_file(h, "blkio.leaf_weight");
	if (b->has_leaf_weight && b->leaf_weight != 0) {
		if (!leaf)
			return ob_error_msg(
			    err, ENOTSUP,
			    "blockIO.leafWeight: %s has no blkio.leaf_weight (CFQ's; "
			    "the kernel has no CFQ I/O scheduler)",
			    h->dir);
		if ((r = cg_writef(h, "blkio.leaf_weight", err, "%u", b->leaf_weight)) < 0)
			return r;
	}
	for (size_t i = 0; i < b->n_weight_device; i++) {
		const struct ob_blkio_device *d = &b->weight_device[i];
		if (d->has_weight && !cg_has_file(h, wdfile))
			return ob_error_msg(
			    err, ENOTSUP,
			    "blockIO.weightDevice[%zu]: %s has neither "
			    "blkio.weight_device nor blkio.bfq.weight_device (no CFQ or "
			    "BFQ I/O scheduler)",
			    i, h->dir);
		if (d->has_leaf_weight && !leaf)
			return ob_error_msg(
			    err, ENOTSUP,
			    "blockIO.weightDevice[%zu].leafWeight: %s has no "
			    "blkio.leaf_weight_device (CFQ's; the kernel has no CFQ I/O "
			    "scheduler)",
			    i, h->dir);
		if (d->has_weight && (r = cg_writef(h, wdfile, err, "%" PRId64 ":%" PRId64 " %u",
						    d->major, d->minor, d->weight)) < 0)
			return r;
		if (d->has_leaf_weight &&
		    (r = cg_writef(h, "blkio.leaf_weight_device", err, "%" PRId64 ":%" PRId64 " %u",
				   d->major, d->minor, d->leaf_weight)) < 0)
			return r;
	}
	const struct {
		const struct ob_blkio_device *d;
		size_t n;
		const char *file;
	} thr[] = {
	    {b->throttle_read_bps, b->n_throttle_read_bps, "blkio.throttle.read_bps_device"},
	    {b->throttle_write_bps, b->n_throttle_write_bps, "blkio.throttle.write_bps_device"},
	    {b->throttle_read_iops, b->n_throttle_read_iops, "blkio.throttle.read_iops_device"},
	    {b->throttle_write_iops, b->n_throttle_write_iops, "blkio.throttle.write_iops_device"},
	};
	for (size_t t = 0; t < ARRAY_SIZE(thr); t++)
		for (size_t i = 0; i < thr[t].n; i++)
			if ((r = cg_writef(h, thr[t].file, err, "%" PRId64 ":%" PRId64 " %" PRIu64,
					   thr[t].d[i].major, thr[t].d[i].minor,
					   thr[t].d[i].rate)) < 0)
				return r;
	return 0;
}

static int blkio_v2(const struct cg_hier *h, const struct ob_blkio *b, struct ob_err *err)
{
	int r;
	/* io.weight takes the converted weight; BFQ's io.bfq.weight the v1 value itself. */
	bool bfq = !cg_has_file(h, "io.weight");
	const char *wfile = bfq ? "io.bfq.weight" : "io.weight";
	if (b->has_weight && b->weight != 0) {
		if (!cg_has_file(h, wfile))
			return ob_error_msg(
			    err, ENOTSUP,
			    "blockIO.weight: %s has neither io.weight nor io.bfq.weight", h->dir);
		uint64_t w = bfq ? b->weight : ob_cgroup_blkio_to_io_weight(b->weight);
		if ((r = cg_writef(h, wfile, err, "default %" PRIu64, w)) < 0)
			return r;
	}
	for (size_t i = 0; i < b->n_weight_device; i++) {
		const struct ob_blkio_device *d = &b->weight_device[i];
		if (!d->has_weight)
			continue;
		uint64_t w = bfq ? d->weight : ob_cgroup_blkio_to_io_weight(d->weight);
		if ((r = cg_writef(h, wfile, err, "%" PRId64 ":%" PRId64 " %" PRIu64, d->major,
				   d->minor, w)) < 0)
			return r;
	}
	/* leafWeight has no v2 counterpart (runc ignores it too). */
	const struct {
		const struct ob_blkio_device *d;
		size_t n;
		const char *key;
	} thr[] = {
	    {b->throttle_read_bps, b->n_throttle_read_bps, "rbps"},
	    {b->throttle_write_bps, b->n_throttle_write_bps, "wbps"},
	    {b->throttle_read_iops, b->n_throttle_read_iops, "riops"},
	    {b->throttle_write_iops, b->n_throttle_write_iops, "wiops"},
	};
	for (size_t t = 0; t < ARRAY_SIZE(thr); t++)
		for (size_t i = 0; i < thr[t].n; i++) {
			const struct ob_blkio_device *d = &thr[t].d[i];
			char v[32];
			/* v1's 0 removes the limit; v2 spells that "max" */
			if (d->rate == 0)
				snprintf(v, sizeof(v), "max");
			else
				snprintf(v, sizeof(v), "%" PRIu64, d->rate);
			if ((r = cg_writef(h, "io.max", err, "%" PRId64 ":%" PRId64 " %s=%s",
					   d->major, d->minor, thr[t].key, v)) < 0)
				return r;
		}
	return 0;
}

static bool blkio_set(const struct ob_blkio *b)
{
	return b->has_weight || b->has_leaf_weight || b->n_weight_device ||
	       b->n_throttle_read_bps || b->n_throttle_write_bps || b->n_throttle_read_iops ||
	       b->n_throttle_write_iops;
}

static int apply_blkio(const struct ob_cgroup *cg, const struct ob_blkio *b, struct ob_err *err)
{
	const struct cg_hier *h = cg_find(cg, "blkio");
	if (!h)
		h = cg_find(cg, "io");
	if (!h)
		return need(cg, cg->mode == OB_CGROUP_V2 ? "io" : "blkio",
			    "linux.resources.blockIO", &h, err);
	return h->m->v2 ? blkio_v2(h, b, err) : blkio_v1(h, b, err);
}

/* ---- hugetlb, network, rdma, pids ---- */

static int apply_hugetlb(const struct ob_cgroup *cg, const struct ob_resources *res,
			 struct ob_err *err)
{
	const struct cg_hier *h;
	int r = need(cg, "hugetlb", "linux.resources.hugepageLimits", &h, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < res->n_hugepage_limits; i++) {
		const struct ob_hugepage_limit *l = &res->hugepage_limits[i];
		if (!l->page_size || !*l->page_size || strchr(l->page_size, '/'))
			return ob_error_msg(err, EINVAL, "hugepageLimits[%zu]: invalid pageSize",
					    i);
		_cleanup_free_ char *file = ob_xasprintf("hugetlb.%s.%s", l->page_size,
							 h->m->v2 ? "max" : "limit_in_bytes");
		if (!cg_has_file(h, file))
			return ob_error_msg(
			    err, ENOTSUP,
			    "hugepageLimits: page size %s is not supported here (no "
			    "%s in %s)",
			    l->page_size, file, h->dir);
		if ((r = cg_writef(h, file, err, "%" PRIu64, l->limit)) < 0)
			return r;
		/* v2 also limits reservations; keep them in step, as runc does */
		_cleanup_free_ char *rsvd = ob_xasprintf("hugetlb.%s.rsvd.max", l->page_size);
		if (h->m->v2 && cg_has_file(h, rsvd) &&
		    (r = cg_writef(h, rsvd, err, "%" PRIu64, l->limit)) < 0)
			return r;
	}
	return 0;
}

static int apply_network(const struct ob_cgroup *cg, const struct ob_resources *res,
			 struct ob_err *err)
{
	const struct cg_hier *h;
	int r;
	if (res->has_net_class_id) {
		if (cg->mode == OB_CGROUP_V2)
			return ob_error_msg(
			    err, ENOTSUP,
			    "linux.resources.network.classID: cgroup v2 has no net_cls "
			    "controller");
		if ((r = need(cg, "net_cls", "linux.resources.network.classID", &h, err)) < 0)
			return r;
		if ((r = cg_writef(h, "net_cls.classid", err, "%u", res->net_class_id)) < 0)
			return r;
	}
	if (res->n_net_priorities) {
		if (cg->mode == OB_CGROUP_V2)
			return ob_error_msg(err, ENOTSUP,
					    "linux.resources.network.priorities: cgroup v2 has no "
					    "net_prio controller");
		if ((r = need(cg, "net_prio", "linux.resources.network.priorities", &h, err)) < 0)
			return r;
		for (size_t i = 0; i < res->n_net_priorities; i++)
			if ((r = cg_writef(h, "net_prio.ifpriomap", err, "%s %u",
					   res->net_priorities[i].name,
					   res->net_priorities[i].priority)) < 0)
				return r;
	}
	return 0;
}

static int apply_rdma(const struct ob_cgroup *cg, const struct ob_resources *res,
		      struct ob_err *err)
{
	const struct cg_hier *h;
	int r = need(cg, "rdma", "linux.resources.rdma", &h, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < res->n_rdma; i++) {
		const struct ob_rdma_limit *l = &res->rdma[i];
		char hh[24] = "max", ho[24] = "max";
		if (l->has_hca_handles)
			snprintf(hh, sizeof(hh), "%u", l->hca_handles);
		if (l->has_hca_objects)
			snprintf(ho, sizeof(ho), "%u", l->hca_objects);
		if ((r = cg_writef(h, "rdma.max", err, "%s hca_handle=%s hca_object=%s", l->device,
				   hh, ho)) < 0)
			return r;
	}
	return 0;
}

static int apply_pids(const struct ob_cgroup *cg, int64_t limit, struct ob_err *err)
{
	const struct cg_hier *h;
	int r = need(cg, "pids", "linux.resources.pids", &h, err);
	if (r < 0)
		return r;
	/* runc: 0 and -1 both mean no limit */
	if (limit <= 0)
		return cg_write(h, "pids.max", "max", err);
	return cg_writef(h, "pids.max", err, "%" PRId64, limit);
}

/* ---- devices ---- */

static void dev_num(char *buf, size_t len, bool has, int64_t v)
{
	if (has && v >= 0)
		snprintf(buf, len, "%" PRId64, v);
	else
		snprintf(buf, len, "*");
}

static int apply_devices(const struct ob_cgroup *cg, const struct ob_resources *res,
			 struct ob_err *err)
{
	for (size_t i = 0; i < res->n_devices; i++) {
		const struct ob_device_cgroup *d = &res->devices[i];
		char t = d->type ? d->type : 'a';
		if (t != 'a' && t != 'b' && t != 'c')
			return ob_error_msg(err, EINVAL, "linux.resources.devices[%zu].type: `%c`",
					    i, t);
		const char *acc = d->access && *d->access ? d->access : "rwm";
		if (strspn(acc, "rwm") != strlen(acc))
			return ob_error_msg(err, EINVAL,
					    "linux.resources.devices[%zu].access: `%s`", i, acc);
	}
	const struct cg_hier *h = NULL;
	for (size_t i = 0; i < cg->n && !h; i++)
		if (!cg->h[i].m->v2 && cg_find(cg, "devices") == &cg->h[i])
			h = &cg->h[i];
	if (h) {
		/* devices.allow and devices.deny opened once each: the kernel takes one rule
		 * per write(2), so the dozen default rules need no dozen open/close pairs */
		_cleanup_close_ int fd_deny = -1, fd_allow = -1;
		for (size_t i = 0; i < res->n_devices; i++) {
			const struct ob_device_cgroup *d = &res->devices[i];
			char maj[24], min[24], rule[80];
			dev_num(maj, sizeof(maj), d->has_major, d->major);
			dev_num(min, sizeof(min), d->has_minor, d->minor);
			snprintf(rule, sizeof(rule), "%c %s:%s %s", d->type ? d->type : 'a', maj,
				 min, d->access && *d->access ? d->access : "rwm");
			int r = cg_write_fd(h->dir, d->allow ? "devices.allow" : "devices.deny",
					    rule, d->allow ? &fd_allow : &fd_deny, err);
			if (r < 0)
				return r;
		}
		return 0;
	}
	const struct cg_hier *v2 = cg_v2(cg);
	if (!v2)
		return ob_error_msg(err, ENOTSUP,
				    "linux.resources.devices: cgroup v1 controller devices is not "
				    "mounted");
	if (!cg_be->kernel) {
		ob_log_debug("cgroup: %s tree, device program not attached", cg_be->name);
		return 0;
	}
	if (cg->v2fd < 0)
		return ob_error(err, ENOENT, "linux.resources.devices: cgroup `%s`", v2->dir);
	return cg_devices_bpf(cg->v2fd, v2->dir, res->devices, res->n_devices, err);
}

/* ---- unified ---- */

static int apply_unified(const struct ob_cgroup *cg, const struct ob_resources *res,
			 struct ob_err *err)
{
	const struct cg_hier *v2 = cg_v2(cg);
	if (!v2)
		return ob_error_msg(
		    err, ENOTSUP,
		    "linux.resources.unified needs cgroup v2; this host is cgroup v1");
	for (size_t i = 0; i < res->n_unified; i++) {
		const char *k = res->unified[i].key, *v = res->unified[i].value;
		const char *dot = k ? strchr(k, '.') : NULL;
		if (!dot || dot == k || strchr(k, '/') || !v)
			return ob_error_msg(
			    err, EINVAL, "linux.resources.unified: invalid key `%s`", k ? k : "");
		_cleanup_free_ char *ctrl = strndup(k, (size_t)(dot - k));
		if (!streq(ctrl, "cgroup") && cg_find(cg, ctrl) != v2)
			return ob_error_msg(err, ENOTSUP,
					    "linux.resources.unified: `%s`: controller %s is not "
					    "available in the cgroup v2 hierarchy %s",
					    k, ctrl, v2->m->mnt);
		int r = cg_write(v2, k, v, err);
		if (r < 0)
			return ob_error_prefix(err, r, "linux.resources.unified");
	}
	return 0;
}

int ob_cgroup_apply(const struct ob_cgroup *cg, const struct ob_resources *res, struct ob_err *err)
{
	int r;
	if (!res)
		return 0;
	if (res->has_memory && (r = apply_memory(cg, &res->memory, err)) < 0)
		return r;
	if (res->has_cpu && (r = apply_cpu(cg, &res->cpu, err)) < 0)
		return r;
	if ((res->has_pids || res->has_pids_limit) && res->has_pids_limit &&
	    (r = apply_pids(cg, res->pids_limit, err)) < 0)
		return r;
	if (res->has_blkio && blkio_set(&res->blkio) && (r = apply_blkio(cg, &res->blkio, err)) < 0)
		return r;
	if (res->n_hugepage_limits && (r = apply_hugetlb(cg, res, err)) < 0)
		return r;
	if ((res->has_net_class_id || res->n_net_priorities) &&
	    (r = apply_network(cg, res, err)) < 0)
		return r;
	if (res->n_rdma && (r = apply_rdma(cg, res, err)) < 0)
		return r;
	if (res->n_devices && (r = apply_devices(cg, res, err)) < 0)
		return r;
	/* unified last: it overrides what the typed fields set (runc's order) */
	if (res->n_unified && (r = apply_unified(cg, res, err)) < 0)
		return r;
	return 0;
}

/* ---- one limit by its v2 name (cgexec --limit) ---- */

static int parse_size_value(const char *key, const char *value, int64_t *ret, struct ob_err *err)
{
	if (ob_parse_size(value, ret) < 0)
		return ob_error_msg(err, EINVAL, "%s: invalid size `%s`", key, value);
	return 0;
}

static int parse_u64_value(const char *key, const char *value, uint64_t *ret, struct ob_err *err)
{
	if (cg_parse_u64(value, ret) < 0 || *ret == UINT64_MAX)
		return ob_error_msg(err, EINVAL, "%s: invalid number `%s`", key, value);
	return 0;
}

static int limit_need(const struct ob_cgroup *cg, const char *ctrl, const char *key,
		      const struct cg_hier **ret, struct ob_err *err)
{
	*ret = cg_find(cg, ctrl);
	if (*ret)
		return 0;
	return ob_error_msg(err, ENOTSUP, "%s: controller %s is not in the cgroup's hierarchies",
			    key, ctrl);
}

/* "rbps=N wbps=max ..." for one device -> v1 throttle files */
static int io_max_v1(const struct cg_hier *h, const char *key, const char *value,
		     struct ob_err *err)
{
	_cleanup_free_ char *copy = ob_xstrdup(value);
	char *save = NULL, *dev = strtok_r(copy, " ", &save);
	unsigned maj, min;
	if (!dev || sscanf(dev, "%u:%u", &maj, &min) != 2)
		return ob_error_msg(err, EINVAL, "%s: expected `MAJ:MIN rbps=N ...`, got `%s`", key,
				    value);
	for (char *t = strtok_r(NULL, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		static const char *const map[][2] = {
		    {"rbps", "blkio.throttle.read_bps_device"},
		    {"wbps", "blkio.throttle.write_bps_device"},
		    {"riops", "blkio.throttle.read_iops_device"},
		    {"wiops", "blkio.throttle.write_iops_device"},
		};
		char *eq = strchr(t, '=');
		size_t k;
		if (eq)
			*eq = '\0';
		for (k = 0; k < ARRAY_SIZE(map); k++)
			if (streq(t, map[k][0]))
				break;
		if (!eq || k == ARRAY_SIZE(map))
			return ob_error_msg(err, EINVAL, "%s: unknown io.max key `%s`", key, t);
		uint64_t v = 0;
		if (!streq(eq + 1, "max") && parse_u64_value(key, eq + 1, &v, err) < 0)
			return -EINVAL;
		int r = cg_writef(h, map[k][1], err, "%u:%u %" PRIu64, maj, min, v);
		if (r < 0)
			return r;
	}
	return 0;
}

/* memory.max, .low, .high, .swap.max: v2 as named, v1 on its files. */
static int limit_memory(const struct cg_hier *h, const char *key, const char *value,
			struct ob_err *err)
{
	int64_t size;
	int r = parse_size_value(key, value, &size, err);
	if (r < 0)
		return r;
	if (h->m->v2)
		return write_limit(h, key, size, err);
	if (streq(key, "memory.max"))
		return write_limit(h, "memory.limit_in_bytes", size, err);
	if (streq(key, "memory.low"))
		return write_limit(h, "memory.soft_limit_in_bytes", size, err);
	if (streq(key, "memory.high"))
		return ob_error_msg(err, ENOTSUP, "%s has no cgroup v1 equivalent", key);
	/* v1 limits memory+swap together: memsw = the memory limit + swap */
	uint64_t cur;
	if ((r = cg_read_u64(h, "memory.limit_in_bytes", &cur, err)) < 0)
		return r;
	int64_t memsw = size < 0 || cur >= (uint64_t)INT64_MAX / 2 ? -1 : (int64_t)cur + size;
	return write_limit(h, "memory.memsw.limit_in_bytes", memsw, err);
}

/* cpu.max "QUOTA|max [PERIOD]": v2 as given, v1 cfs_quota_us and cfs_period_us. */
static int limit_cpu_max(const struct cg_hier *h, const char *key, const char *value,
			 struct ob_err *err)
{
	char q[32] = "", p[32] = "";
	int k = sscanf(value, "%31s %31s", q, p), r;
	uint64_t qv = 0, pv = 0;
	if (k < 1 || (!streq(q, "max") && parse_u64_value(key, q, &qv, err) < 0) ||
	    (k == 2 && parse_u64_value(key, p, &pv, err) < 0))
		return ob_error_msg(err, EINVAL, "%s: expected `QUOTA|max [PERIOD]`, got `%s`", key,
				    value);
	if (h->m->v2)
		return cg_write(h, key, value, err);
	if (k == 2 && (r = cg_writef(h, "cpu.cfs_period_us", err, "%" PRIu64, pv)) < 0)
		return r;
	return streq(q, "max") ? cg_write(h, "cpu.cfs_quota_us", "-1", err)
			       : cg_writef(h, "cpu.cfs_quota_us", err, "%" PRIu64, qv);
}

int ob_cgroup_set_limit(const struct ob_cgroup *cg, const char *key, const char *value,
			struct ob_err *err)
{
	const struct cg_hier *h;
	int64_t size;
	uint64_t n;
	int r;
	const char *dot = strchr(key, '.');
	if (!dot || dot == key || strchr(key, '/') || startswith(key, "cgroup."))
		return ob_error_msg(err, EINVAL, "unknown limit `%s`", key);
	_cleanup_free_ char *ctrl = strndup(key, (size_t)(dot - key));
	if (streq(ctrl, "io") && !cg_find(cg, "io"))
		ctrl = (free(ctrl), ob_xstrdup("blkio"));
	if ((r = limit_need(cg, ctrl, key, &h, err)) < 0)
		return r;
	bool v2 = h->m->v2;

	if (streq(key, "memory.max") || streq(key, "memory.low") || streq(key, "memory.high") ||
	    streq(key, "memory.swap.max"))
		return limit_memory(h, key, value, err);
	if (startswith(key, "hugetlb.") && strlen(key) > 12 &&
	    streq(key + strlen(key) - 4, ".max")) {
		if ((r = parse_size_value(key, value, &size, err)) < 0)
			return r;
		if (v2)
			return write_limit(h, key, size, err);
		_cleanup_free_ char *f =
		    ob_xasprintf("%.*s.limit_in_bytes", (int)(strlen(key) - 4), key);
		return write_limit(h, f, size, err);
	}
	if (streq(key, "pids.max")) {
		if (!streq(value, "max") && (r = parse_u64_value(key, value, &n, err)) < 0)
			return r;
		return cg_write(h, "pids.max", value, err);
	}
	if (streq(key, "cpu.max"))
		return limit_cpu_max(h, key, value, err);
	if (streq(key, "cpu.weight")) {
		if ((r = parse_u64_value(key, value, &n, err)) < 0)
			return r;
		if (n < 1 || n > 10000)
			return ob_error_msg(err, EINVAL, "%s: `%s` is outside 1-10000", key, value);
		if (v2)
			return cg_write(h, key, value, err);
		return cg_writef(h, "cpu.shares", err, "%" PRIu64, weight_to_shares(n));
	}
	if (streq(key, "cpu.max.burst")) {
		if ((r = parse_u64_value(key, value, &n, err)) < 0)
			return r;
		return cg_write(h, v2 ? key : "cpu.cfs_burst_us", value, err);
	}
	if (streq(key, "io.weight")) {
		if ((r = parse_u64_value(key, value, &n, err)) < 0)
			return r;
		if (n < 1 || n > 10000)
			return ob_error_msg(err, EINVAL, "%s: `%s` is outside 1-10000", key, value);
		if (v2)
			return cg_writef(
			    h, cg_has_file(h, "io.weight") ? "io.weight" : "io.bfq.weight", err,
			    "default %" PRIu64, n);
		const char *f =
		    cg_has_file(h, "blkio.weight") ? "blkio.weight" : "blkio.bfq.weight";
		return cg_writef(h, f, err, "%" PRIu64, io_to_blkio_weight(n));
	}
	if (streq(key, "io.max"))
		return v2 ? cg_write(h, key, value, err) : io_max_v1(h, key, value, err);
	/* Anything else: a file the controller itself has, written as given
	 * ("cpuset.cpus", "cpu.idle", "memory.swappiness", "memory.oom.group", ...). */
	if (!cg_has_file(h, key))
		return ob_error_msg(err, EINVAL, "unknown limit `%s` (no such file in %s)", key,
				    h->dir);
	return cg_write(h, key, value, err);
}
