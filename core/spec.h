/* spec.h - runtime-spec 1.3 config.json as typed structs (the Linux part, in full).
 *
 * core/spec/parse.c is the only reader of config.json (jansson); everything else sees these
 * structs. Optional values carry a has_* flag; strings are NULL when absent; arrays are
 * (pointer, count) pairs; string lists are NULL-terminated vectors.
 */
#ifndef OB_SPEC_H
#define OB_SPEC_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"
#include "ns.h"

struct ob_kv {
	char *key;
	char *value;
};

struct ob_mount {
	char *destination;
	char *source;
	char *type;
	char **options; /* as written; see ob_mount_flags below for the parsed form */
	size_t n_options;
	struct ob_idmap *uid_mappings, *gid_mappings; /* idmapped mounts */
	size_t n_uid_mappings, n_gid_mappings;
	/* parsed from options by spec/parse.c */
	unsigned long flags;	     /* MS_* set */
	unsigned long clear_flags;   /* MS_* to clear (e.g. "rw", "suid") */
	unsigned long propagation;   /* MS_SHARED|MS_SLAVE|MS_PRIVATE|MS_UNBINDABLE [|MS_REC] */
	uint64_t attr_set, attr_clr; /* MOUNT_ATTR_* for recursive "rro", "rnosuid", ... */
	bool recursive_attr;	     /* any r* option seen */
	bool bind;		     /* bind or rbind option, or type "bind" (MS_BIND in flags) */
	bool idmap, ridmap;
	char *data; /* remaining fs-specific options joined by ',' */
};

struct ob_idmap {
	uint32_t container_id;
	uint32_t host_id;
	uint32_t size;
};

struct ob_rlimit {
	int resource; /* RLIMIT_* */
	char *type;   /* "RLIMIT_NOFILE" */
	uint64_t soft, hard;
};

struct ob_hook {
	char *path;
	char **args;
	char **env;
	int timeout; /* seconds, 0 = none */
	bool has_timeout;
};

struct ob_hooks {
	struct ob_hook *prestart, *create_runtime, *create_container, *start_container, *poststart,
	    *poststop;
	size_t n_prestart, n_create_runtime, n_create_container, n_start_container, n_poststart,
	    n_poststop;
};

/* The kernel's NGROUPS_MAX (include/uapi/linux/limits.h): more additionalGids are refused. */
#define OB_NGROUPS_MAX 65536

struct ob_user {
	uint32_t uid, gid;
	bool has_umask;
	uint32_t umask;
	uint32_t *additional_gids;
	size_t n_additional_gids; /* at most OB_NGROUPS_MAX */
	char *username;		  /* windows only in the spec; kept for completeness */
};

struct ob_capabilities {
	/* capability names as written ("CAP_CHOWN"); validated by spec/parse.c against libcap */
	char **bounding, **effective, **inheritable, **permitted, **ambient;
	bool present; /* the object was there at all */
};

struct ob_scheduler {
	bool present;
	char *policy; /* SCHED_OTHER, ... */
	int policy_num;
	int32_t nice;
	int32_t priority;
	char **flags;
	uint64_t runtime, deadline, period;
};

struct ob_io_priority {
	bool present;
	char *class; /* IOPRIO_CLASS_RT|BE|IDLE */
	int class_num;
	int priority;
};

struct ob_exec_cpu_affinity {
	char *initial; /* cpu list "0-3,7" */
	char *final;
};

struct ob_process {
	bool terminal;
	bool has_console_size;
	uint32_t console_height, console_width;
	struct ob_user user;
	char **args;
	char *command_line;
	char **env;
	char *cwd;
	struct ob_capabilities capabilities;
	struct ob_rlimit *rlimits;
	size_t n_rlimits;
	bool no_new_privileges;
	char *apparmor_profile;
	bool has_oom_score_adj;
	int oom_score_adj;
	char *selinux_label;
	struct ob_scheduler scheduler;
	struct ob_io_priority io_priority;
	struct ob_exec_cpu_affinity exec_cpu_affinity;
};

struct ob_namespace {
	enum ob_ns_type type;
	char *path; /* NULL: create a new one */
};

struct ob_device {
	char *path;
	char type; /* 'c', 'b', 'u', 'p' */
	int64_t major, minor;
	bool has_file_mode;
	uint32_t file_mode; /* as written: may carry S_IFMT/Go type bits; use & 07777 */
	bool has_uid, has_gid;
	uint32_t uid, gid;
};

struct ob_device_cgroup {
	bool allow;
	char type; /* 'a', 'c', 'b'; 0 = absent (all) */
	bool has_major, has_minor;
	int64_t major, minor;
	char *access; /* "rwm" */
};

/* Optional integers: a has_ flag beside the value. */
#define OB_OPT(type, name)                                                                         \
	bool has_##name;                                                                           \
	type name

struct ob_memory {
	OB_OPT(int64_t, limit);
	OB_OPT(int64_t, reservation);
	OB_OPT(int64_t, swap);
	OB_OPT(int64_t, kernel);
	OB_OPT(int64_t, kernel_tcp);
	OB_OPT(uint64_t, swappiness);
	OB_OPT(bool, disable_oom_killer);
	OB_OPT(bool, use_hierarchy);
	OB_OPT(bool, check_before_update);
};

struct ob_cpu {
	OB_OPT(uint64_t, shares);
	OB_OPT(int64_t, quota);
	OB_OPT(uint64_t, burst);
	OB_OPT(uint64_t, period);
	OB_OPT(int64_t, realtime_runtime);
	OB_OPT(uint64_t, realtime_period);
	char *cpus;
	char *mems;
	OB_OPT(int64_t, idle);
};

struct ob_blkio_device {
	int64_t major, minor;
	OB_OPT(uint16_t, weight);
	OB_OPT(uint16_t, leaf_weight);
	uint64_t rate; /* throttle devices */
};

struct ob_blkio {
	OB_OPT(uint16_t, weight);
	OB_OPT(uint16_t, leaf_weight);
	struct ob_blkio_device *weight_device;
	size_t n_weight_device;
	struct ob_blkio_device *throttle_read_bps, *throttle_write_bps, *throttle_read_iops,
	    *throttle_write_iops;
	size_t n_throttle_read_bps, n_throttle_write_bps, n_throttle_read_iops,
	    n_throttle_write_iops;
};

struct ob_hugepage_limit {
	char *page_size; /* "2MB" */
	uint64_t limit;
};

struct ob_net_priority {
	char *name;
	uint32_t priority;
};

struct ob_rdma_limit {
	char *device;
	OB_OPT(uint32_t, hca_handles);
	OB_OPT(uint32_t, hca_objects);
};

struct ob_resources {
	bool present;
	struct ob_device_cgroup *devices;
	size_t n_devices;
	bool has_memory, has_cpu, has_pids, has_blkio, has_network;
	struct ob_memory memory;
	struct ob_cpu cpu;
	OB_OPT(int64_t, pids_limit);
	struct ob_blkio blkio;
	struct ob_hugepage_limit *hugepage_limits;
	size_t n_hugepage_limits;
	OB_OPT(uint32_t, net_class_id);
	struct ob_net_priority *net_priorities;
	size_t n_net_priorities;
	struct ob_rdma_limit *rdma;
	size_t n_rdma;
	struct ob_kv *unified;
	size_t n_unified;
};

struct ob_seccomp_arg {
	uint32_t index;
	uint64_t value, value_two;
	char *op; /* SCMP_CMP_EQ ... */
};

struct ob_seccomp_syscall {
	char **names;
	char *action;
	OB_OPT(uint32_t, errno_ret);
	struct ob_seccomp_arg *args;
	size_t n_args;
};

struct ob_seccomp {
	bool present;
	char *default_action;
	OB_OPT(uint32_t, default_errno_ret);
	char **architectures;
	char **flags;
	char *listener_path;
	char *listener_metadata;
	struct ob_seccomp_syscall *syscalls;
	size_t n_syscalls;
};

struct ob_net_device {
	char *host_name; /* the key of linux.netDevices */
	char *name;	 /* name inside the container; NULL: keep */
};

struct ob_intel_rdt {
	bool present;
	char *clos_id;
	char *l3_cache_schema;
	char *mem_bw_schema;
	char **schemata;
	bool enable_monitoring;	     /* runtime-spec 1.3 */
	bool enable_cmt, enable_mbm; /* 1.1 - 1.2, still read */
};

struct ob_memory_policy {
	bool present;
	char *mode; /* MPOL_* */
	char *nodes;
	char **flags;
};

struct ob_time_offsets {
	bool has_boottime, has_monotonic;
	int64_t boottime_secs, monotonic_secs;
	uint32_t boottime_nanosecs, monotonic_nanosecs;
};

struct ob_linux {
	struct ob_namespace *namespaces;
	size_t n_namespaces;
	struct ob_idmap *uid_mappings, *gid_mappings;
	size_t n_uid_mappings, n_gid_mappings;
	struct ob_time_offsets time_offsets;
	struct ob_device *devices;
	size_t n_devices;
	char *cgroups_path;
	struct ob_resources resources;
	struct ob_intel_rdt intel_rdt;
	struct ob_memory_policy memory_policy;
	struct ob_net_device *net_devices;
	size_t n_net_devices;
	struct ob_kv *sysctl;
	size_t n_sysctl;
	struct ob_seccomp seccomp;
	char *rootfs_propagation;
	unsigned long rootfs_propagation_flags; /* MS_* parsed */
	char **masked_paths;
	char **readonly_paths;
	char *mount_label;
	bool has_personality;
	char *personality_domain; /* LINUX, LINUX32 */
	char **personality_flags;
};

struct ob_spec {
	char *oci_version;
	char *root_path; /* as written */
	bool root_readonly;
	struct ob_mount *mounts;
	size_t n_mounts;
	bool has_process;
	struct ob_process process;
	char *hostname;
	char *domainname;
	struct ob_hooks hooks;
	struct ob_kv *annotations;
	size_t n_annotations;
	bool has_linux;
	struct ob_linux linux_;
};

/* Parse config.json text. name is used in messages ("config.json"). On error err->msg is
 * "config.json:3:14: ..." for malformed JSON or "config.json: linux.namespaces[2].type: ..." */
int ob_spec_parse(const char *text, size_t len, const char *name, struct ob_spec **ret,
		  struct ob_err *err);
int ob_spec_load(const char *path, struct ob_spec **ret, struct ob_err *err);
/* Parse just a process object (oci-exec --process) or a linux.resources object
 * (oci-update --resources). */
int ob_spec_parse_process(const char *text, size_t len, const char *name, struct ob_process *ret,
			  struct ob_err *err);
int ob_spec_parse_resources(const char *text, size_t len, const char *name,
			    struct ob_resources *ret, struct ob_err *err);
void ob_spec_free(struct ob_spec *spec);
void ob_process_free(struct ob_process *p);
void ob_resources_free(struct ob_resources *r);

const struct ob_namespace *ob_spec_namespace(const struct ob_spec *s, enum ob_ns_type t);

/* Check a whole config.json and report every problem found, not just the first: returns
 * the number of problems (0 = valid) and sets *ret_problems to a NULL-terminated vector of
 * messages in the same form as ob_spec_parse's (free with ob_strv_free). */
int ob_spec_validate(const char *text, size_t len, const char *name, char ***ret_problems);

/* Whether the container has a namespace of type t of its own. */
typedef bool (*ob_spec_private_ns_fn)(enum ob_ns_type t, void *ctx);
/* The rules across fields that create refuses a spec for before anything exists
 * (core/spec/check.c; ob_spec_validate reports them too): what needs a mount namespace
 * without one, hostname, domainname and linux.sysctl only in namespaces of the
 * container's own (private_ns(t, ctx): create's answer; NULL: the type listed in
 * linux.namespaces, all --validate can know), id maps for a new user namespace, idmap on
 * bind mounts only, no linux.intelRdt. The first problem in err ("NAME: ..."); -EINVAL. */
int ob_spec_check(const struct ob_spec *s, const char *name, ob_spec_private_ns_fn private_ns,
		  void *ctx, struct ob_err *err);

/* Helpers the runtime shares with the parser. */
/* Fill the parsed fields (flags, propagation, MOUNT_ATTR_*, bind, idmap, data) of m from
 * m->options. */
void ob_mount_parse_options(struct ob_mount *m);
int ob_rlimit_from_name(const char *name); /* "RLIMIT_NOFILE" -> RLIMIT_NOFILE; -EINVAL */
int ob_cap_from_name(const char *name);	   /* "CAP_KILL" -> CAP_KILL (libcap); -EINVAL */
bool ob_ifname_valid(const char *name);	   /* kernel's dev_valid_name(); "%d" allowed */

/* oci-update: runc update's resource flag `--name value` (memory, memory-reservation,
 * memory-swap, pids-limit, cpu-quota, cpu-period, cpu-shares, cpu-rt-period, cpu-rt-runtime,
 * cpuset-cpus, cpuset-mems, blkio-weight) onto res (core/spec/flags.c). -EINVAL/-ERANGE for
 * a bad value ("--memory: invalid value `x`"). ob_resources_flag_name(i): the i-th name,
 * NULL past the end. */
int ob_resources_set_flag(struct ob_resources *res, const char *name, const char *value,
			  struct ob_err *err);
const char *ob_resources_flag_name(size_t i);
/* A linux.resources object (JSON) from file, or stdin for "-" (oci-update, cgexec). */
int ob_spec_load_resources(const char *file, struct ob_resources *res, struct ob_err *err);

#endif
