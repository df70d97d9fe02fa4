/* cgroup.h - control groups: one interface over cgroup v1, v2 and hybrid hosts.
 *
 * The layout is read at run time from /proc/self/mountinfo: v1 (one hierarchy per
 * controller or per co-mounted set, under /sys/fs/cgroup/<name>), v2 (one unified
 * hierarchy at /sys/fs/cgroup) or hybrid (v1 hierarchies plus a cgroup2 mount, usually
 * /sys/fs/cgroup/unified, holding what v1 does not: hugetlb on these machines). Each
 * resource is written where its controller lives, in that hierarchy's file format, so a
 * hybrid host is simply "some controllers in v1, some in v2".
 *
 * A struct ob_cgroup is one cgroup path resolved in every hierarchy (or in those of a
 * controller subset, for cgexec). Opening resolves only; ob_cgroup_create makes the
 * directories and ob_cgroup_destroy removes them again.
 *
 * Test hook: ob_cgroup_set_root(DIR) makes DIR the cgroup root instead of mountinfo's
 * mounts (the test tools set it from the environment: test/tools/cgroot.c; the product
 * reads no environment for it; a container's state records it, so later commands on that
 * container use the same tree). The layout is then read from the tree: DIR/cgroup.controllers
 * present = v2 rooted at DIR; otherwise every DIR/<name> holding cgroup.procs is a v1
 * hierarchy for the comma-separated controllers <name>, and DIR/unified holding
 * cgroup.controllers makes it hybrid. A DIR that is no cgroup filesystem needs a back end
 * of the test tool's (cgroup/backend.h: a prepared fake tree, where interface files are
 * created on write, no BPF device program is attached and ob_cgroup_kill signals nothing);
 * the product refuses it.
 */
#ifndef OB_CGROUP_H
#define OB_CGROUP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"
#include "spec.h"

#define OB_CGROUP_DEFAULT_PARENT "/ocibox"

enum ob_cgroup_mode {
	OB_CGROUP_V1 = 1,
	OB_CGROUP_V2,
	OB_CGROUP_HYBRID,
};

/* Test hook (see above). NULL restores the default (mountinfo). Not thread safe; call
 * before any other ob_cgroup_* function. */
void ob_cgroup_set_root(const char *root);
/* The root set by ob_cgroup_set_root, or NULL (the container module records it in the
 * state so later commands on the container use the same tree). */
const char *ob_cgroup_root(void);
/* The host's layout ("v1", "v2", "hybrid" from ob_cgroup_mode_name). */
int ob_cgroup_detect(enum ob_cgroup_mode *ret_mode, struct ob_err *err);
const char *ob_cgroup_mode_name(enum ob_cgroup_mode mode);

struct ob_cgroup;

/* Resolve a container's cgroup (nothing is created):
 * - cgroups_path absolute ("/libpod_parent/x"): that path in every hierarchy;
 * - relative ("a/b"): under OB_CGROUP_DEFAULT_PARENT ("/ocibox/a/b");
 * - NULL or "": OB_CGROUP_DEFAULT_PARENT "/" container_id;
 * - systemd true: "slice:prefix:name" (runc's form) mapped to
 *   /<slice path>/<prefix>-<name>.scope; refused when systemd is not running (PID 1 not
 *   systemd: no /run/systemd/system) and, without systemd, the slice form is refused too.
 * A path that climbs out of its base with ".." is refused. */
int ob_cgroup_open(const char *cgroups_path, const char *container_id, bool systemd,
		   struct ob_cgroup **ret, struct ob_err *err);
/* Resolve path (absolute, or relative to the hierarchy root) only in the hierarchies
 * holding the comma-separated controllers ("memory,cpu"; "*" or "" = all; on v2 any list
 * is accepted and the unified hierarchy used; "name=systemd" names a named v1 hierarchy).
 * Unknown controllers are refused: "cgroup controller `foo` is not available". */
int ob_cgroup_open_controllers(const char *controllers, const char *path, struct ob_cgroup **ret,
			       struct ob_err *err);
void ob_cgroup_free(struct ob_cgroup *cg);
static inline void ob_cgroup_freep(struct ob_cgroup **cg)
{
	if (*cg)
		ob_cgroup_free(*cg);
}

/* The cgroup path inside the hierarchies ("/ocibox/ID"); what state.json records. */
const char *ob_cgroup_path(const struct ob_cgroup *cg);
/* The topmost directory ob_cgroup_create made, as a cgroup path ("/ocibox-x" for
 * "/ocibox-x/sub" when both were made; the shallowest over the hierarchies), or NULL.
 * The container module records it so a later delete also removes those parents. */
const char *ob_cgroup_created_top(const struct ob_cgroup *cg);
/* Tell cg that the parents up to top (a prefix of its path) were made for it. */
void ob_cgroup_set_created_top(struct ob_cgroup *cg, const char *top);
/* The directory whose freezing stops the cgroup's processes: the v1 freezer hierarchy's,
 * else the v2 cgroup's (CRIU's --freeze-cgroup); NULL when none (or a test tree). */
const char *ob_cgroup_freezer_dir(const struct ob_cgroup *cg);
/* Whether one of cg's hierarchies holds controller ctrl ("memory"; "io" and "blkio" are
 * taken as the same). */
bool ob_cgroup_has_controller(const struct ob_cgroup *cg, const char *ctrl);
/* Whether the cgroup directory exists in every resolved hierarchy. */
bool ob_cgroup_exists(const struct ob_cgroup *cg);
/* An O_RDONLY|O_DIRECTORY fd of the cgroup in the v2 (or hybrid's unified) hierarchy, for
 * clone3(CLONE_INTO_CGROUP); -1 when there is none, it does not exist yet, or the root is
 * a test tree. Owned by cg. */
int ob_cgroup_v2_fd(const struct ob_cgroup *cg);

#define OB_CGROUP_MUST_BE_EMPTY 0x1u /* refuse a cgroup that already holds processes */

/* Make the cgroup in every hierarchy (parents too; in v2 the parents' subtree_control
 * gets the available controllers; in v1 cpuset, cpus/mems are copied from the parent).
 * An existing cgroup is reused (with OB_CGROUP_MUST_BE_EMPTY only when it holds no
 * process: "cgroup `/ocibox/x` already holds processes (pid N): another container?").
 * On failure what this call made is removed. */
int ob_cgroup_create(struct ob_cgroup *cg, unsigned flags, struct ob_err *err);
/* Refuse a cgroup that holds processes (in any resolved hierarchy). */
int ob_cgroup_check_empty(const struct ob_cgroup *cg, struct ob_err *err);
/* Move pid into the cgroup in every resolved hierarchy. */
int ob_cgroup_enter(const struct ob_cgroup *cg, pid_t pid, struct ob_err *err);
/* Move the calling process, which must be single-threaded, into the cgroup: "0" into
 * each v1 hierarchy's `tasks` (no threadgroup rwsem, see below) and the v2 cgroup.procs. */
int ob_cgroup_enter_self(const struct ob_cgroup *cg, struct ob_err *err);
/* For a process that joins by itself (the container init, right after clone): the `tasks`
 * file of every v1 hierarchy, opened write-only, to write "0" into. A task that moves
 * itself skips the threadgroup rwsem whose RCU sync a pid written to cgroup.procs waits
 * for (a grace period: milliseconds per create on an idle machine). The v2 part must be
 * joined by clone3(CLONE_INTO_CGROUP, ob_cgroup_v2_fd). Returns 1 with the files in
 * *ret_fds (*ret_n of them, none on a pure v2 host) and their directories in *ret_dirs
 * (for error messages; both malloc'd), or 0 when the caller must use ob_cgroup_enter
 * instead (a test tree, a v2 part without its fd). */
int ob_cgroup_open_tasks(const struct ob_cgroup *cg, int **ret_fds, char ***ret_dirs, size_t *ret_n,
			 struct ob_err *err);
/* Apply linux.resources (create and update). Errors name the file and the value:
 * "set memory.limit_in_bytes to `x` in `/sys/fs/cgroup/memory/ocibox/c`: Invalid argument",
 * "cgroup v1 controller net_cls is not mounted". */
int ob_cgroup_apply(const struct ob_cgroup *cg, const struct ob_resources *res, struct ob_err *err);
/* Set one limit by its v2 name ("memory.max", "pids.max", "cpu.max", "cpu.weight",
 * "memory.high", "memory.low", "memory.swap.max", "cpuset.cpus", "io.weight",
 * "hugetlb.2MB.max", ...), mapped to the v1 file where the controller lives in v1
 * (memory.max -> memory.limit_in_bytes, cpu.max -> cpu.cfs_quota_us/cfs_period_us,
 * cpu.weight -> cpu.shares, ...). Sizes take suffixes ("64M"). Unknown key: -EINVAL. */
int ob_cgroup_set_limit(const struct ob_cgroup *cg, const char *key, const char *value,
			struct ob_err *err);

enum ob_freezer_state {
	OB_FREEZER_THAWED,
	OB_FREEZER_FREEZING,
	OB_FREEZER_FROZEN,
};
/* Freeze (v1 freezer.state FROZEN, waiting until it is; v2 cgroup.freeze 1, waiting for
 * cgroup.events "frozen 1") and thaw. */
int ob_cgroup_freeze(const struct ob_cgroup *cg, struct ob_err *err);
int ob_cgroup_thaw(const struct ob_cgroup *cg, struct ob_err *err);
int ob_cgroup_freezer_state(const struct ob_cgroup *cg, enum ob_freezer_state *ret,
			    struct ob_err *err);

/* Every pid in the cgroup and its descendants (sorted). *ret is malloc'd. */
int ob_cgroup_pids(const struct ob_cgroup *cg, pid_t **ret, size_t *ret_n, struct ob_err *err);
/* Signal every process: SIGKILL through v2 cgroup.kill where present; otherwise freeze,
 * signal each pid, thaw (so no process forks past the list). */
int ob_cgroup_kill(const struct ob_cgroup *cg, int sig, struct ob_err *err);
/* Remove the cgroup (and sub-cgroups) from every hierarchy, retrying for up to timeout_ms
 * while it drains (-EBUSY after that); then the empty parents this object created and
 * the empty parents up to OB_CGROUP_DEFAULT_PARENT. A missing cgroup is not an error. */
int ob_cgroup_destroy(struct ob_cgroup *cg, int timeout_ms, struct ob_err *err);

struct ob_cgroup_kv {
	char *key;
	uint64_t value;
};
struct ob_cgroup_mem_data {
	uint64_t usage, max_usage, limit, failcnt; /* limit UINT64_MAX = no limit */
};
struct ob_cgroup_blkio_entry {
	uint32_t major, minor;
	char op[8]; /* "Read", "Write", "Sync", "Async", "Discard", "Total" */
	uint64_t value;
};
struct ob_cgroup_hugetlb {
	char page_size[16]; /* "2MB" */
	uint64_t usage, max_usage, failcnt;
};
struct ob_cgroup_stats {
	struct {
		bool present;
		uint64_t total, user, kernel; /* ns */
		uint64_t *percpu;	      /* ns, v1 cpuacct only */
		size_t n_percpu;
		uint64_t periods, throttled_periods, throttled_time; /* time in ns */
	} cpu;
	struct {
		bool present;
		struct ob_cgroup_mem_data usage, swap, kernel;
		uint64_t cache;
		uint64_t oom_kill;	  /* OOM kills seen in this cgroup */
		struct ob_cgroup_kv *raw; /* memory.stat */
		size_t n_raw;
	} memory;
	struct {
		bool present;
		uint64_t current, limit; /* limit 0 = max */
	} pids;
	struct {
		bool present;
		struct ob_cgroup_blkio_entry *service_bytes, *serviced;
		size_t n_service_bytes, n_serviced;
	} blkio;
	struct ob_cgroup_hugetlb *hugetlb;
	size_t n_hugetlb;
};
int ob_cgroup_stats(const struct ob_cgroup *cg, struct ob_cgroup_stats *ret, struct ob_err *err);
void ob_cgroup_stats_free(struct ob_cgroup_stats *st);
/* The number of OOM kills so far (v1 memory.oom_control oom_kill, v2 memory.events). */
int ob_cgroup_oom_kills(const struct ob_cgroup *cg, uint64_t *ret, struct ob_err *err);

/* runc's conversions, exported for oci-update and the tests. */
uint64_t ob_cgroup_shares_to_weight(uint64_t shares);
uint64_t ob_cgroup_blkio_to_io_weight(uint64_t weight);

/* ---- cgexec's groups (core/cgroup/groups.c) ---- */
struct ob_cgroup_group {
	const char *controllers; /* "cpu,memory" or "*" */
	const char *path;
	struct ob_cgroup *cg;
	bool made; /* made by ob_cgroup_groups_open: removed by ob_cgroup_groups_release */
};
/* Open each group; a missing one is made when create, else "cgroup `x` does not exist".
 * Then the linux.resources file (JSON, "-" stdin; NULL: none) is applied to the first
 * group, and the KEY=VALUE limits (cgroup v2 names, ob_cgroup_set_limit; NULL: none) each
 * on the first group whose hierarchies hold KEY's controller. */
int ob_cgroup_groups_open(struct ob_cgroup_group *g, size_t n, bool create, const char *resources,
			  char **limits, struct ob_err *err);
/* The calling process into every group. */
int ob_cgroup_groups_enter_self(const struct ob_cgroup_group *g, size_t n, struct ob_err *err);
/* Kill what is left in the groups made, remove them; free all. The first failure in err. */
int ob_cgroup_groups_release(struct ob_cgroup_group *g, size_t n, struct ob_err *err);

/* ---- a container's cgroup (core/cgroup/state.c) ---- */
struct ob_state;
/* The cgroup recorded in a container's state (st->cgroup_path, in the tree recorded as
 * ext "cgroup_root"); *ret NULL when the container has none. */
int ob_cgroup_open_state(const struct ob_state *st, struct ob_cgroup **ret, struct ob_err *err);
/* Lock container id, load its state and open its cgroup ("container `x` has no cgroup").
 * Close *ret_lock to unlock. */
int ob_cgroup_of_container(const char *root, const char *id, struct ob_state **ret_st,
			   struct ob_cgroup **ret_cg, int *ret_lock, struct ob_err *err);
/* The container's effective resources: linux.resources with, when it has device rules,
 * runc's default devices allowed after them (linux.devices adds none, as runc). Shallow:
 * points into spec, and at *ret_devs (malloc'd, or NULL) for the devices. */
struct ob_resources ob_cgroup_spec_resources(const struct ob_spec *spec,
					     struct ob_device_cgroup **ret_devs);
/* ob_cgroup_apply of ob_cgroup_spec_resources. */
int ob_cgroup_apply_spec(const struct ob_cgroup *cg, const struct ob_spec *spec,
			 struct ob_err *err);
/* Whether the container's cgroup is frozen (status "paused"). */
bool ob_cgroup_state_frozen(const struct ob_state *st);

#endif
