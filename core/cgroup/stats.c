/* stats.c - usage counters for oci-events: memory, cpu, pids, blkio/io, hugetlb,
 * read from whichever hierarchy holds each controller. */
#include <inttypes.h>

#include "internal.h"

static uint64_t rd(const struct cg_hier *h, const char *file)
{
	uint64_t v = 0;
	if (cg_read_u64(h, file, &v, NULL) < 0)
		return 0;
	return v;
}

/* "key value" lines: the value of key, 0 when absent. */
static uint64_t kv_get(const char *text, const char *key)
{
	size_t kl = strlen(key);
	for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (strneq(l, key, kl) && l[kl] == ' ')
			return strtoull(l + kl + 1, NULL, 10);
	return 0;
}

static uint64_t kv_file(const struct cg_hier *h, const char *file, const char *key)
{
	_cleanup_free_ char *t = NULL;
	if (cg_read(h, file, &t, NULL) < 0)
		return 0;
	return kv_get(t, key);
}

static void raw_stats(const struct cg_hier *h, struct ob_cgroup_stats *st)
{
	_cleanup_free_ char *t = NULL;
	if (cg_read(h, "memory.stat", &t, NULL) < 0)
		return;
	char *save = NULL;
	for (char *l = strtok_r(t, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *sp = strchr(l, ' ');
		if (!sp)
			continue;
		*sp = '\0';
		st->memory.raw =
		    ob_xrealloc(st->memory.raw, (st->memory.n_raw + 1) * sizeof(*st->memory.raw));
		st->memory.raw[st->memory.n_raw++] = (struct ob_cgroup_kv){
		    .key = ob_xstrdup(l), .value = strtoull(sp + 1, NULL, 10)};
	}
}

static void memory_stats(const struct ob_cgroup *cg, struct ob_cgroup_stats *st)
{
	const struct cg_hier *h = cg_find(cg, "memory");
	if (!h || access(h->dir, F_OK) < 0)
		return;
	st->memory.present = true;
	if (h->m->v2) {
		st->memory.usage = (struct ob_cgroup_mem_data){
		    .usage = rd(h, "memory.current"),
		    .max_usage = rd(h, "memory.peak"),
		    .limit = rd(h, "memory.max"),
		    .failcnt = kv_file(h, "memory.events", "max"),
		};
		st->memory.swap = (struct ob_cgroup_mem_data){
		    .usage = rd(h, "memory.swap.current"),
		    .max_usage = rd(h, "memory.swap.peak"),
		    .limit = rd(h, "memory.swap.max"),
		    .failcnt = kv_file(h, "memory.swap.events", "max"),
		};
		st->memory.oom_kill = kv_file(h, "memory.events", "oom_kill");
		raw_stats(h, st);
		for (size_t i = 0; i < st->memory.n_raw; i++)
			if (streq(st->memory.raw[i].key, "file"))
				st->memory.cache = st->memory.raw[i].value;
		return;
	}
	st->memory.usage = (struct ob_cgroup_mem_data){
	    .usage = rd(h, "memory.usage_in_bytes"),
	    .max_usage = rd(h, "memory.max_usage_in_bytes"),
	    .limit = rd(h, "memory.limit_in_bytes"),
	    .failcnt = rd(h, "memory.failcnt"),
	};
	st->memory.swap = (struct ob_cgroup_mem_data){
	    .usage = rd(h, "memory.memsw.usage_in_bytes"),
	    .max_usage = rd(h, "memory.memsw.max_usage_in_bytes"),
	    .limit = rd(h, "memory.memsw.limit_in_bytes"),
	    .failcnt = rd(h, "memory.memsw.failcnt"),
	};
	st->memory.kernel = (struct ob_cgroup_mem_data){
	    .usage = rd(h, "memory.kmem.usage_in_bytes"),
	    .max_usage = rd(h, "memory.kmem.max_usage_in_bytes"),
	    .limit = rd(h, "memory.kmem.limit_in_bytes"),
	    .failcnt = rd(h, "memory.kmem.failcnt"),
	};
	st->memory.oom_kill = kv_file(h, "memory.oom_control", "oom_kill");
	raw_stats(h, st);
	for (size_t i = 0; i < st->memory.n_raw; i++)
		if (streq(st->memory.raw[i].key, "cache"))
			st->memory.cache = st->memory.raw[i].value;
}

static void cpu_stats(const struct ob_cgroup *cg, struct ob_cgroup_stats *st)
{
	const struct cg_hier *acct = cg_find(cg, "cpuacct"), *cpu = cg_find(cg, "cpu");
	if (!acct && cg->mode == OB_CGROUP_V2)
		acct = cpu = cg_v2(cg); /* cpu.stat is a core file in v2 */
	if (acct && access(acct->dir, F_OK) == 0) {
		st->cpu.present = true;
		if (acct->m->v2) {
			_cleanup_free_ char *t = NULL;
			if (cg_read(acct, "cpu.stat", &t, NULL) == 0) {
				st->cpu.total = kv_get(t, "usage_usec") * 1000;
				st->cpu.user = kv_get(t, "user_usec") * 1000;
				st->cpu.kernel = kv_get(t, "system_usec") * 1000;
				st->cpu.periods = kv_get(t, "nr_periods");
				st->cpu.throttled_periods = kv_get(t, "nr_throttled");
				st->cpu.throttled_time = kv_get(t, "throttled_usec") * 1000;
			}
			return;
		}
		st->cpu.total = rd(acct, "cpuacct.usage");
		long hz = sysconf(_SC_CLK_TCK);
		if (hz <= 0)
			hz = 100;
		_cleanup_free_ char *t = NULL;
		if (cg_read(acct, "cpuacct.stat", &t, NULL) == 0) {
			st->cpu.user = kv_get(t, "user") * (1000000000ULL / (uint64_t)hz);
			st->cpu.kernel = kv_get(t, "system") * (1000000000ULL / (uint64_t)hz);
		}
		_cleanup_free_ char *pc = NULL;
		if (cg_read(acct, "cpuacct.usage_percpu", &pc, NULL) == 0) {
			char *save = NULL;
			for (char *w = strtok_r(pc, " \n", &save); w;
			     w = strtok_r(NULL, " \n", &save)) {
				st->cpu.percpu = ob_xrealloc(
				    st->cpu.percpu, (st->cpu.n_percpu + 1) * sizeof(uint64_t));
				st->cpu.percpu[st->cpu.n_percpu++] = strtoull(w, NULL, 10);
			}
		}
	}
	if (cpu && !cpu->m->v2 && access(cpu->dir, F_OK) == 0) {
		st->cpu.present = true;
		_cleanup_free_ char *t = NULL;
		if (cg_read(cpu, "cpu.stat", &t, NULL) == 0) {
			st->cpu.periods = kv_get(t, "nr_periods");
			st->cpu.throttled_periods = kv_get(t, "nr_throttled");
			st->cpu.throttled_time = kv_get(t, "throttled_time");
		}
	}
}

static void pids_stats(const struct ob_cgroup *cg, struct ob_cgroup_stats *st)
{
	const struct cg_hier *h = cg_find(cg, "pids");
	if (!h || access(h->dir, F_OK) < 0)
		return;
	st->pids.present = true;
	st->pids.current = rd(h, "pids.current");
	uint64_t lim = rd(h, "pids.max");
	st->pids.limit = lim == UINT64_MAX ? 0 : lim;
}

static void blk_add(struct ob_cgroup_blkio_entry **v, size_t *n, uint32_t maj, uint32_t min,
		    const char *op, uint64_t value)
{
	*v = ob_xrealloc(*v, (*n + 1) * sizeof(**v));
	struct ob_cgroup_blkio_entry *e = &(*v)[(*n)++];
	*e = (struct ob_cgroup_blkio_entry){.major = maj, .minor = min, .value = value};
	snprintf(e->op, sizeof(e->op), "%s", op);
}

static void blkio_v1_file(const struct cg_hier *h, const char *file,
			  struct ob_cgroup_blkio_entry **v, size_t *n)
{
	_cleanup_free_ char *t = NULL;
	if (cg_read(h, file, &t, NULL) < 0)
		return;
	char *save = NULL;
	for (char *l = strtok_r(t, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		unsigned maj, min;
		char op[16];
		unsigned long long value;
		if (sscanf(l, "%u:%u %15s %llu", &maj, &min, op, &value) == 4)
			blk_add(v, n, maj, min, op, value);
	}
}

static void blkio_stats(const struct ob_cgroup *cg, struct ob_cgroup_stats *st)
{
	const struct cg_hier *h = cg_find(cg, "blkio");
	if (!h)
		h = cg_find(cg, "io");
	if (!h || access(h->dir, F_OK) < 0)
		return;
	st->blkio.present = true;
	if (!h->m->v2) {
		const char *sb = cg_has_file(h, "blkio.io_service_bytes_recursive")
				     ? "blkio.io_service_bytes_recursive"
				     : "blkio.throttle.io_service_bytes_recursive";
		const char *sv = cg_has_file(h, "blkio.io_serviced_recursive")
				     ? "blkio.io_serviced_recursive"
				     : "blkio.throttle.io_serviced_recursive";
		blkio_v1_file(h, sb, &st->blkio.service_bytes, &st->blkio.n_service_bytes);
		blkio_v1_file(h, sv, &st->blkio.serviced, &st->blkio.n_serviced);
		return;
	}
	_cleanup_free_ char *t = NULL;
	if (cg_read(h, "io.stat", &t, NULL) < 0)
		return;
	char *save = NULL;
	for (char *l = strtok_r(t, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		unsigned maj, min;
		int off = 0;
		if (sscanf(l, "%u:%u%n", &maj, &min, &off) != 2)
			continue;
		char *kv = l + off;
		uint64_t rb = 0, wb = 0, ri = 0, wi = 0;
		char *s2 = NULL;
		for (char *w = strtok_r(kv, " ", &s2); w; w = strtok_r(NULL, " ", &s2)) {
			char *eq = strchr(w, '=');
			if (!eq)
				continue;
			uint64_t v = strtoull(eq + 1, NULL, 10);
			*eq = '\0';
			if (streq(w, "rbytes"))
				rb = v;
			else if (streq(w, "wbytes"))
				wb = v;
			else if (streq(w, "rios"))
				ri = v;
			else if (streq(w, "wios"))
				wi = v;
		}
		blk_add(&st->blkio.service_bytes, &st->blkio.n_service_bytes, maj, min, "Read", rb);
		blk_add(&st->blkio.service_bytes, &st->blkio.n_service_bytes, maj, min, "Write",
			wb);
		blk_add(&st->blkio.serviced, &st->blkio.n_serviced, maj, min, "Read", ri);
		blk_add(&st->blkio.serviced, &st->blkio.n_serviced, maj, min, "Write", wi);
	}
}

static void hugetlb_stats(const struct ob_cgroup *cg, struct ob_cgroup_stats *st)
{
	const struct cg_hier *h = cg_find(cg, "hugetlb");
	if (!h)
		return;
	_cleanup_closedir_ DIR *d = opendir(h->dir);
	if (!d)
		return;
	const char *suffix = h->m->v2 ? ".max" : ".limit_in_bytes";
	struct dirent *de;
	while ((de = readdir(d))) {
		/* one page size per "hugetlb.<size><suffix>" (not the .rsvd ones) */
		const char *n = de->d_name;
		size_t len = strlen(n), sl = strlen(suffix);
		if (!startswith(n, "hugetlb.") || len <= 8 + sl || !streq(n + len - sl, suffix) ||
		    strstr(n, ".rsvd."))
			continue;
		struct ob_cgroup_hugetlb hs = {0};
		snprintf(hs.page_size, sizeof(hs.page_size), "%.*s", (int)(len - 8 - sl), n + 8);
		_cleanup_free_ char *usage = ob_xasprintf("hugetlb.%s.%s", hs.page_size,
							  h->m->v2 ? "current" : "usage_in_bytes");
		hs.usage = rd(h, usage);
		if (h->m->v2) {
			_cleanup_free_ char *ev = ob_xasprintf("hugetlb.%s.events", hs.page_size);
			hs.failcnt = kv_file(h, ev, "max");
		} else {
			_cleanup_free_ char *mx =
			    ob_xasprintf("hugetlb.%s.max_usage_in_bytes", hs.page_size);
			_cleanup_free_ char *fc = ob_xasprintf("hugetlb.%s.failcnt", hs.page_size);
			hs.max_usage = rd(h, mx);
			hs.failcnt = rd(h, fc);
		}
		st->hugetlb = ob_xrealloc(st->hugetlb, (st->n_hugetlb + 1) * sizeof(*st->hugetlb));
		st->hugetlb[st->n_hugetlb++] = hs;
	}
}

int ob_cgroup_stats(const struct ob_cgroup *cg, struct ob_cgroup_stats *ret, struct ob_err *err)
{
	if (!ob_cgroup_exists(cg))
		return ob_error_msg(err, ENOENT, "cgroup `%s` does not exist", cg->path);
	struct ob_cgroup_stats st;
	memset(&st, 0, sizeof(st));
	memory_stats(cg, &st);
	cpu_stats(cg, &st);
	pids_stats(cg, &st);
	blkio_stats(cg, &st);
	hugetlb_stats(cg, &st);
	*ret = st;
	return 0;
}

void ob_cgroup_stats_free(struct ob_cgroup_stats *st)
{
	if (!st)
		return;
	free(st->cpu.percpu);
	for (size_t i = 0; i < st->memory.n_raw; i++)
		free(st->memory.raw[i].key);
	free(st->memory.raw);
	free(st->blkio.service_bytes);
	free(st->blkio.serviced);
	free(st->hugetlb);
	memset(st, 0, sizeof(*st));
}

int ob_cgroup_oom_kills(const struct ob_cgroup *cg, uint64_t *ret, struct ob_err *err)
{
	const struct cg_hier *h = cg_find(cg, "memory");
	if (!h)
		return ob_error_msg(err, ENOTSUP, "no memory controller for cgroup `%s`", cg->path);
	_cleanup_free_ char *t = NULL;
	int r = cg_read(h, h->m->v2 ? "memory.events" : "memory.oom_control", &t, err);
	if (r < 0)
		return r;
	*ret = kv_get(t, "oom_kill");
	return 0;
}
