/* parse.c - config.json (runtime-spec 1.3, Linux) into the typed structs of spec.h.
 *
 * The only reader of config.json. Rules (config.md): unknown properties are ignored,
 * required ones enforced, JSON null is taken as "absent" for optional values (Go-written
 * specs carry them), enum values are checked where the schema lists them. Errors name the
 * place: "config.json:3:14: <jansson text>" for malformed JSON, "config.json: <json path>:
 * <problem>" for a bad value. In collect mode (ob_spec_validate) every problem is
 * recorded and parsing goes on; otherwise the first one stops it.
 */
#include "../spec.h"

#include <ctype.h>
#include <inttypes.h>
#include <jansson.h>
#include <limits.h>
#include <stdarg.h>
#include <sys/capability.h>
#include <sys/mount.h>
#include <sys/resource.h>

#include "../seccomp.h"
#include "internal.h"
#include "../util.h"

/* ---------------------------------------------------------------- small parsers */

static int parse_idmap(struct pc *c, const json_t *o, const char *path, struct ob_idmap *m)
{
	int res = 0;
#define T(x)                                                                                       \
	do {                                                                                       \
		int _r = (x);                                                                      \
		if (_r < 0) {                                                                      \
			res = _r;                                                                  \
			if (!c->collect)                                                           \
				return _r;                                                         \
		}                                                                                  \
	} while (0)
	T(get_u32_req(c, o, "containerID", path, &m->container_id));
	T(get_u32_req(c, o, "hostID", path, &m->host_id));
	T(get_u32_req(c, o, "size", path, &m->size));
	return res;
}

struct idmap_vec {
	struct ob_idmap *v;
};
static int idmap_elem(struct pc *c, const json_t *e, const char *path, size_t i, void *ctx)
{
	struct idmap_vec *iv = ctx;
	return parse_idmap(c, e, path, &iv->v[i]);
}

static int get_idmaps(struct pc *c, const json_t *o, const char *key, const char *parent,
		      struct ob_idmap **ret, size_t *ret_n)
{
	char p[P];
	json_t *a;
	int r = get_arr(c, o, key, parent, &a);
	if (r <= 0)
		return r;
	struct idmap_vec iv = {ob_xcalloc(json_array_size(a) + 1, sizeof(struct ob_idmap))};
	*ret = iv.v;
	*ret_n = json_array_size(a);
	return each_obj(c, a, jp(p, parent, key), idmap_elem, &iv);
}

/* ---------------------------------------------------------------- mounts */

enum mopt_kind {
	MO_SET,
	MO_CLR,
	MO_PROP,
	MO_ATTR_SET,
	MO_ATTR_CLR,
	MO_ATIME,
	MO_IGNORE,
	MO_UNIMPL, /* recognised and ignored, not advertised by oci-features */
	MO_BIND,
	MO_IDMAP,
	MO_RIDMAP
};

static const struct {
	const char *name;
	enum mopt_kind kind;
	unsigned long v;
} mount_opts[] = {
    {"defaults", MO_IGNORE, 0},
    {"ro", MO_SET, MS_RDONLY},
    {"rw", MO_CLR, MS_RDONLY},
    {"nosuid", MO_SET, MS_NOSUID},
    {"suid", MO_CLR, MS_NOSUID},
    {"nodev", MO_SET, MS_NODEV},
    {"dev", MO_CLR, MS_NODEV},
    {"noexec", MO_SET, MS_NOEXEC},
    {"exec", MO_CLR, MS_NOEXEC},
    {"sync", MO_SET, MS_SYNCHRONOUS},
    {"async", MO_CLR, MS_SYNCHRONOUS},
    {"dirsync", MO_SET, MS_DIRSYNC},
    {"remount", MO_SET, MS_REMOUNT},
    {"mand", MO_SET, MS_MANDLOCK},
    {"nomand", MO_CLR, MS_MANDLOCK},
    {"atime", MO_CLR, MS_NOATIME},
    {"noatime", MO_SET, MS_NOATIME},
    {"relatime", MO_SET, MS_RELATIME},
    {"norelatime", MO_CLR, MS_RELATIME},
    {"strictatime", MO_SET, MS_STRICTATIME},
    {"nostrictatime", MO_CLR, MS_STRICTATIME},
    {"nodiratime", MO_SET, MS_NODIRATIME},
    {"diratime", MO_CLR, MS_NODIRATIME},
    {"acl", MO_SET, MS_POSIXACL},
    {"noacl", MO_CLR, MS_POSIXACL},
    {"iversion", MO_SET, MS_I_VERSION},
    {"noiversion", MO_CLR, MS_I_VERSION},
    {"lazytime", MO_SET, MS_LAZYTIME},
    {"nolazytime", MO_CLR, MS_LAZYTIME},
    {"silent", MO_SET, MS_SILENT},
    {"loud", MO_CLR, MS_SILENT},
    {"nosymfollow", MO_SET, MS_NOSYMFOLLOW},
    {"symfollow", MO_CLR, MS_NOSYMFOLLOW},
    {"bind", MO_BIND, MS_BIND},
    {"rbind", MO_BIND, MS_BIND | MS_REC},
    {"private", MO_PROP, MS_PRIVATE},
    {"rprivate", MO_PROP, MS_PRIVATE | MS_REC},
    {"shared", MO_PROP, MS_SHARED},
    {"rshared", MO_PROP, MS_SHARED | MS_REC},
    {"slave", MO_PROP, MS_SLAVE},
    {"rslave", MO_PROP, MS_SLAVE | MS_REC},
    {"unbindable", MO_PROP, MS_UNBINDABLE},
    {"runbindable", MO_PROP, MS_UNBINDABLE | MS_REC},
    /* recursive attributes: mount_setattr(2) with AT_RECURSIVE */
    {"rro", MO_ATTR_SET, MOUNT_ATTR_RDONLY},
    {"rrw", MO_ATTR_CLR, MOUNT_ATTR_RDONLY},
    {"rnosuid", MO_ATTR_SET, MOUNT_ATTR_NOSUID},
    {"rsuid", MO_ATTR_CLR, MOUNT_ATTR_NOSUID},
    {"rnodev", MO_ATTR_SET, MOUNT_ATTR_NODEV},
    {"rdev", MO_ATTR_CLR, MOUNT_ATTR_NODEV},
    {"rnoexec", MO_ATTR_SET, MOUNT_ATTR_NOEXEC},
    {"rexec", MO_ATTR_CLR, MOUNT_ATTR_NOEXEC},
    {"rnodiratime", MO_ATTR_SET, MOUNT_ATTR_NODIRATIME},
    {"rdiratime", MO_ATTR_CLR, MOUNT_ATTR_NODIRATIME},
    {"rnosymfollow", MO_ATTR_SET, MOUNT_ATTR_NOSYMFOLLOW},
    {"rsymfollow", MO_ATTR_CLR, MOUNT_ATTR_NOSYMFOLLOW},
    /* atime modes: clear the whole MOUNT_ATTR__ATIME field, set one mode */
    {"rnoatime", MO_ATIME, MOUNT_ATTR_NOATIME},
    {"rrelatime", MO_ATIME, MOUNT_ATTR_RELATIME},
    {"rstrictatime", MO_ATIME, MOUNT_ATTR_STRICTATIME},
    {"ratime", MO_ATIME, MOUNT_ATTR_RELATIME},
    {"rnorelatime", MO_ATIME, MOUNT_ATTR_STRICTATIME},
    {"rnostrictatime", MO_ATIME, MOUNT_ATTR_RELATIME},
    {"idmap", MO_IDMAP, 0},
    {"ridmap", MO_RIDMAP, 0},
    /* crun's extension: copy the image's files into a tmpfs; not done, not an fs option */
    {"tmpcopyup", MO_UNIMPL, 0},
};

const char *ob_spec_mount_option(size_t i)
{
	for (size_t k = 0; k < ARRAY_SIZE(mount_opts); k++)
		if (mount_opts[k].kind != MO_UNIMPL && i-- == 0)
			return mount_opts[k].name;
	return NULL;
}

void ob_mount_parse_options(struct ob_mount *m)
{
	_cleanup_free_ char *data = NULL;
	m->flags = m->clear_flags = m->propagation = 0;
	m->attr_set = m->attr_clr = 0;
	m->recursive_attr = m->bind = m->idmap = m->ridmap = false;
	for (size_t i = 0; i < m->n_options; i++) {
		const char *o = m->options[i];
		size_t k;
		for (k = 0; k < ARRAY_SIZE(mount_opts); k++)
			if (streq(mount_opts[k].name, o))
				break;
		if (k == ARRAY_SIZE(mount_opts)) {
			char *d = data ? ob_xasprintf("%s,%s", data, o) : ob_xstrdup(o);
			free(data);
			data = d;
			continue;
		}
		unsigned long v = mount_opts[k].v;
		switch (mount_opts[k].kind) {
		case MO_SET:
			m->flags |= v;
			m->clear_flags &= ~v;
			break;
		case MO_CLR:
			m->clear_flags |= v;
			m->flags &= ~v;
			break;
		case MO_PROP:
			m->propagation = v;
			break;
		case MO_ATTR_SET:
			m->attr_set |= v;
			m->attr_clr &= ~(uint64_t)v;
			m->recursive_attr = true;
			break;
		case MO_ATTR_CLR:
			m->attr_clr |= v;
			m->attr_set &= ~(uint64_t)v;
			m->recursive_attr = true;
			break;
		case MO_ATIME:
			m->attr_clr |= MOUNT_ATTR__ATIME;
			m->attr_set = (m->attr_set & ~(uint64_t)MOUNT_ATTR__ATIME) | v;
			m->recursive_attr = true;
			break;
		case MO_BIND:
			m->bind = true;
			m->flags |= v;
			break;
		case MO_IDMAP:
			m->idmap = true;
			break;
		case MO_RIDMAP:
			m->ridmap = true;
			break;
		case MO_IGNORE:
		case MO_UNIMPL:
			break;
		}
	}
	free(m->data);
	m->data = TAKE_PTR(data);
}

static int mount_elem(struct pc *c, const json_t *o, const char *path, size_t i, void *ctx)
{
	struct ob_mount *m = &((struct ob_mount *)ctx)[i];
	int res = 0;
	T(get_str_req(c, o, "destination", path, &m->destination));
	if (m->destination && !*m->destination) {
		char p[P];
		T(bad(c, jp(p, path, "destination"), "must not be empty"));
	}
	T(get_str(c, o, "source", path, &m->source));
	T(get_str(c, o, "type", path, &m->type));
	T(get_strv(c, o, "options", path, &m->options));
	m->n_options = ob_strv_len(m->options);
	T(get_idmaps(c, o, "uidMappings", path, &m->uid_mappings, &m->n_uid_mappings));
	T(get_idmaps(c, o, "gidMappings", path, &m->gid_mappings, &m->n_gid_mappings));
	ob_mount_parse_options(m);
	/* type "bind" alone means a bind mount too, as runc reads it */
	if (m->type && streq(m->type, "bind") && !m->bind) {
		m->bind = true;
		m->flags |= MS_BIND;
	}
	return res;
}

/* ---------------------------------------------------------------- process */

static const char *const rlimit_names[] = {"RLIMIT_CPU",
					   "RLIMIT_FSIZE",
					   "RLIMIT_DATA",
					   "RLIMIT_STACK",
					   "RLIMIT_CORE",
					   "RLIMIT_RSS",
					   "RLIMIT_NPROC",
					   "RLIMIT_NOFILE",
					   "RLIMIT_MEMLOCK",
					   "RLIMIT_AS",
					   "RLIMIT_LOCKS",
					   "RLIMIT_SIGPENDING",
					   "RLIMIT_MSGQUEUE",
					   "RLIMIT_NICE",
					   "RLIMIT_RTPRIO",
					   "RLIMIT_RTTIME",
					   NULL};
static const int rlimit_values[] = {RLIMIT_CPU,	     RLIMIT_FSIZE, RLIMIT_DATA,	  RLIMIT_STACK,
				    RLIMIT_CORE,     RLIMIT_RSS,   RLIMIT_NPROC,  RLIMIT_NOFILE,
				    RLIMIT_MEMLOCK,  RLIMIT_AS,	   RLIMIT_LOCKS,  RLIMIT_SIGPENDING,
				    RLIMIT_MSGQUEUE, RLIMIT_NICE,  RLIMIT_RTPRIO, RLIMIT_RTTIME};

int ob_rlimit_from_name(const char *name)
{
	for (size_t i = 0; rlimit_names[i]; i++)
		if (streq(rlimit_names[i], name))
			return rlimit_values[i];
	return -EINVAL;
}

static int rlimit_elem(struct pc *c, const json_t *o, const char *path, size_t i, void *ctx)
{
	struct ob_process *proc = ctx;
	struct ob_rlimit *rl = &proc->rlimits[i];
	char p[P];
	int res = 0, r;
	rl->resource = -1;
	T(get_str_req(c, o, "type", path, &rl->type));
	if (rl->type) {
		rl->resource = ob_rlimit_from_name(rl->type);
		if (rl->resource < 0)
			T(bad(c, jp(p, path, "type"), "unknown rlimit `%s`", rl->type));
		for (size_t j = 0; j < i && rl->resource >= 0; j++)
			if (proc->rlimits[j].resource == rl->resource) {
				T(bad(c, jp(p, path, "type"), "duplicate rlimit `%s`", rl->type));
				break;
			}
	}
	r = get_u64(c, o, "soft", path, &rl->soft);
	T(r == 0 ? missing(c, path, "soft") : r);
	r = get_u64(c, o, "hard", path, &rl->hard);
	T(r == 0 ? missing(c, path, "hard") : r);
	if (rl->soft > rl->hard)
		T(bad(c, path, "soft limit %" PRIu64 " is above the hard limit %" PRIu64, rl->soft,
		      rl->hard));
	return res;
}

int ob_cap_from_name(const char *name)
{
	cap_value_t v;
	if (!startswith(name, "CAP_") || cap_from_name(name, &v) < 0)
		return -EINVAL;
	return v;
}

static int get_caps(struct pc *c, const json_t *o, const char *key, const char *parent, char ***ret)
{
	char p[P], pi[P];
	int r = get_strv(c, o, key, parent, ret);
	if (r <= 0)
		return r;
	jp(p, parent, key);
	int res = r;
	for (size_t i = 0; (*ret)[i]; i++)
		if (ob_cap_from_name((*ret)[i]) < 0) {
			res = bad(c, ji(pi, p, i), "unknown capability `%s`", (*ret)[i]);
			if (!c->collect)
				break;
		}
	return res;
}

static const char *const sched_policies[] = {"SCHED_OTHER",    "SCHED_FIFO", "SCHED_RR",
					     "SCHED_BATCH",    "SCHED_ISO",  "SCHED_IDLE",
					     "SCHED_DEADLINE", NULL};
static const char *const sched_flags[] = {"SCHED_FLAG_RESET_ON_FORK",  "SCHED_FLAG_RECLAIM",
					  "SCHED_FLAG_DL_OVERRUN",     "SCHED_FLAG_KEEP_POLICY",
					  "SCHED_FLAG_KEEP_PARAMS",    "SCHED_FLAG_UTIL_CLAMP_MIN",
					  "SCHED_FLAG_UTIL_CLAMP_MAX", NULL};
static const char *const ioprio_classes[] = {"IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE",
					     "IOPRIO_CLASS_IDLE", NULL};

static bool cpu_list_ok(const char *s)
{
	for (; *s; s++)
		if (!isdigit((unsigned char)*s) && !strchr(", -", *s))
			return false;
	return true;
}

/* config.md: env entries are KEY=VALUE (execve(2)'s form); one without `=` is refused, as
 * runc does, rather than dropped. */
static int check_env(struct pc *c, char *const *env, const char *path)
{
	int res = 0;
	char q[P], qi[P];
	for (size_t i = 0; env && env[i]; i++)
		if (!strchr(env[i], '=') || env[i][0] == '=')
			T(bad(c, ji(qi, jp(q, path, "env"), i), "`%s` is not KEY=VALUE", env[i]));
	return res;
}

static int process_user(struct pc *c, const json_t *o, const char *path, struct ob_process *p)
{
	char q[P], q2[P];
	json_t *x, *a;
	int res = 0, r = get_obj(c, o, "user", path, &x);
	if (r == 0)
		return missing(c, path, "user");
	if (r <= 0)
		return r;
	jp(q, path, "user");
	T(get_u32_req(c, x, "uid", q, &p->user.uid));
	T(get_u32_req(c, x, "gid", q, &p->user.gid));
	r = get_u32(c, x, "umask", q, &p->user.umask);
	T(r);
	p->user.has_umask = r > 0;
	if (p->user.has_umask && p->user.umask > 0777)
		T(bad(c, jp(q2, q, "umask"), "%u is not a file mode creation mask (0 - 511)",
		      p->user.umask));
	r = get_arr(c, x, "additionalGids", q, &a);
	T(r);
	if (r > 0) {
		jp(q2, q, "additionalGids");
		/* the kernel's NGROUPS_MAX (include/uapi/linux/limits.h), not glibc's */
		if (json_array_size(a) > OB_NGROUPS_MAX)
			T(bad(c, q2, "%zu groups: more than the kernel's limit (%d)",
			      json_array_size(a), OB_NGROUPS_MAX));
		p->user.n_additional_gids = json_array_size(a);
		p->user.additional_gids =
		    ob_xcalloc(p->user.n_additional_gids + 1, sizeof(uint32_t));
		size_t i;
		json_t *e;
		json_array_foreach(a, i, e)
		{
			int64_t v = 0;
			char qi[P];
			T(int_value(c, e, ji(qi, q2, i), 0, UINT32_MAX, &v));
			p->user.additional_gids[i] = (uint32_t)v;
		}
	}
	T(get_str(c, x, "username", q, &p->user.username));
	return res;
}

static int process_capabilities(struct pc *c, const json_t *o, const char *path,
				struct ob_process *p)
{
	char q[P];
	json_t *x;
	int res = 0, r = get_obj(c, o, "capabilities", path, &x);
	if (r <= 0)
		return r;
	jp(q, path, "capabilities");
	p->capabilities.present = true;
	T(get_caps(c, x, "bounding", q, &p->capabilities.bounding));
	T(get_caps(c, x, "effective", q, &p->capabilities.effective));
	T(get_caps(c, x, "inheritable", q, &p->capabilities.inheritable));
	T(get_caps(c, x, "permitted", q, &p->capabilities.permitted));
	T(get_caps(c, x, "ambient", q, &p->capabilities.ambient));
	return res;
}

static int process_scheduler(struct pc *c, const json_t *o, const char *path, struct ob_process *p)
{
	char q[P], q2[P];
	json_t *x;
	int res = 0, r = get_obj(c, o, "scheduler", path, &x);
	if (r <= 0)
		return r;
	jp(q, path, "scheduler");
	p->scheduler.present = true;
	r = get_enum(c, x, "policy", q, "scheduler policy", sched_policies, &p->scheduler.policy,
		     &p->scheduler.policy_num);
	T(r);
	if (r == 0)
		T(missing(c, q, "policy"));
	int32_t nice = 0;
	r = get_i32(c, x, "nice", q, &nice);
	T(r);
	if (r > 0 && (nice < -20 || nice > 19))
		T(bad(c, jp(q2, q, "nice"), "%d out of range [-20, 19]", nice));
	p->scheduler.nice = nice;
	T(get_i32(c, x, "priority", q, &p->scheduler.priority));
	r = get_strv(c, x, "flags", q, &p->scheduler.flags);
	T(r);
	if (r > 0)
		T(check_enum_strv(c, jp(q2, q, "flags"), "scheduler flag", p->scheduler.flags,
				  sched_flags));
	T(get_u64(c, x, "runtime", q, &p->scheduler.runtime));
	T(get_u64(c, x, "deadline", q, &p->scheduler.deadline));
	T(get_u64(c, x, "period", q, &p->scheduler.period));
	return res;
}

static int process_io_priority(struct pc *c, const json_t *o, const char *path,
			       struct ob_process *p)
{
	char q[P];
	json_t *x;
	int64_t v;
	int res = 0, r = get_obj(c, o, "ioPriority", path, &x);
	if (r <= 0)
		return r;
	jp(q, path, "ioPriority");
	p->io_priority.present = true;
	r = get_enum(c, x, "class", q, "I/O priority class", ioprio_classes, &p->io_priority.class,
		     &p->io_priority.class_num);
	T(r);
	if (r == 0)
		T(missing(c, q, "class"));
	if (r > 0)
		p->io_priority.class_num += 1; /* IOPRIO_CLASS_RT = 1 */
	r = get_int(c, x, "priority", q, 0, 7, &v);
	T(r);
	if (r > 0)
		p->io_priority.priority = (int)v;
	return res;
}

static int process_cpu_affinity(struct pc *c, const json_t *o, const char *path,
				struct ob_process *p)
{
	char q[P], q2[P];
	json_t *x;
	int res = 0, r = get_obj(c, o, "execCPUAffinity", path, &x);
	if (r <= 0)
		return r;
	jp(q, path, "execCPUAffinity");
	r = get_str(c, x, "initial", q, &p->exec_cpu_affinity.initial);
	T(r);
	if (r > 0 && !cpu_list_ok(p->exec_cpu_affinity.initial))
		T(bad(c, jp(q2, q, "initial"), "`%s` is not a cpu list",
		      p->exec_cpu_affinity.initial));
	r = get_str(c, x, "final", q, &p->exec_cpu_affinity.final);
	T(r);
	if (r > 0 && !cpu_list_ok(p->exec_cpu_affinity.final))
		T(bad(c, jp(q2, q, "final"), "`%s` is not a cpu list", p->exec_cpu_affinity.final));
	return res;
}

static int parse_process(struct pc *c, const json_t *o, const char *path, struct ob_process *p)
{
	char q[P];
	json_t *x, *a;
	int res = 0, r;

	T(get_bool(c, o, "terminal", path, &p->terminal));
	r = get_obj(c, o, "consoleSize", path, &x);
	T(r);
	if (r > 0) {
		jp(q, path, "consoleSize");
		p->has_console_size = true;
		T(get_u32_req(c, x, "height", q, &p->console_height));
		T(get_u32_req(c, x, "width", q, &p->console_width));
	}

	T(process_user(c, o, path, p));

	r = get_strv(c, o, "args", path, &p->args);
	T(r);
	if (r == 0)
		T(missing(c, path, "args"));
	else if (r > 0 && !p->args[0])
		T(bad(c, jp(q, path, "args"), "must have at least one entry"));
	T(get_str(c, o, "commandLine", path, &p->command_line));
	T(get_strv(c, o, "env", path, &p->env));
	T(check_env(c, p->env, path));
	r = get_str_req(c, o, "cwd", path, &p->cwd);
	T(r);
	if (r > 0 && p->cwd[0] != '/')
		T(bad(c, jp(q, path, "cwd"), "`%s` is not an absolute path", p->cwd));

	T(process_capabilities(c, o, path, p));

	r = get_arr(c, o, "rlimits", path, &a);
	T(r);
	if (r > 0) {
		p->n_rlimits = json_array_size(a);
		p->rlimits = ob_xcalloc(p->n_rlimits + 1, sizeof(*p->rlimits));
		T(each_obj(c, a, jp(q, path, "rlimits"), rlimit_elem, p));
	}

	T(get_bool(c, o, "noNewPrivileges", path, &p->no_new_privileges));
	T(get_str(c, o, "apparmorProfile", path, &p->apparmor_profile));
	int64_t v;
	r = get_int(c, o, "oomScoreAdj", path, -1000, 1000, &v);
	T(r);
	if (r > 0) {
		p->has_oom_score_adj = true;
		p->oom_score_adj = (int)v;
	}
	T(get_str(c, o, "selinuxLabel", path, &p->selinux_label));

	T(process_scheduler(c, o, path, p));
	T(process_io_priority(c, o, path, p));
	T(process_cpu_affinity(c, o, path, p));
	return res;
}

/* ---------------------------------------------------------------- hooks */

static int hook_elem(struct pc *c, const json_t *o, const char *path, size_t i, void *ctx)
{
	struct ob_hook *h = &((struct ob_hook *)ctx)[i];
	char p[P];
	int res = 0, r;
	r = get_str_req(c, o, "path", path, &h->path);
	T(r);
	if (r > 0 && h->path[0] != '/')
		T(bad(c, jp(p, path, "path"), "`%s` is not an absolute path", h->path));
	T(get_strv(c, o, "args", path, &h->args));
	T(get_strv(c, o, "env", path, &h->env));
	T(check_env(c, h->env, path));
	int64_t t;
	r = get_int(c, o, "timeout", path, 1, INT_MAX, &t);
	T(r);
	if (r > 0) {
		h->has_timeout = true;
		h->timeout = (int)t;
	}
	return res;
}

static int get_hooks(struct pc *c, const json_t *o, const char *key, const char *parent,
		     struct ob_hook **ret, size_t *ret_n)
{
	char p[P];
	json_t *a;
	int r = get_arr(c, o, key, parent, &a);
	if (r <= 0)
		return r;
	*ret_n = json_array_size(a);
	*ret = ob_xcalloc(*ret_n + 1, sizeof(struct ob_hook));
	return each_obj(c, a, jp(p, parent, key), hook_elem, *ret);
}

/* ---------------------------------------------------------------- linux */

static int ns_elem(struct pc *c, const json_t *o, const char *path, size_t i, void *ctx)
{
	struct ob_linux *l = ctx;
	struct ob_namespace *ns = &l->namespaces[i];
	char p[P];
	_cleanup_free_ char *type = NULL;
	int res = 0, r;
	ns->type = OB_NS_COUNT;
	r = get_str_req(c, o, "type", path, &type);
	T(r);
	if (r > 0) {
		int t = ob_ns_type_from_name(type);
		if (t < 0) {
			T(bad(c, jp(p, path, "type"), "unknown namespace `%s`", type));
		} else {
			for (size_t j = 0; j < i; j++)
				if (l->namespaces[j].type == (enum ob_ns_type)t) {
					T(bad(c, jp(p, path, "type"),
					      "duplicate namespace `%s` (also at [%zu])", type, j));
					t = -1;
					break;
				}
			if (t >= 0)
				ns->type = t;
		}
	}
	r = get_str(c, o, "path", path, &ns->path);
	T(r);
	if (r > 0 && ns->path[0] != '/')
		T(bad(c, jp(p, path, "path"), "`%s` is not an absolute path", ns->path));
	return res;
}

static int device_elem(struct pc *c, const json_t *o, const char *path, size_t i, void *ctx)
{
	struct ob_device *d = &((struct ob_device *)ctx)[i];
	char p[P];
	_cleanup_free_ char *type = NULL;
	int res = 0, r;
	r = get_str_req(c, o, "type", path, &type);
	T(r);
	if (r > 0) {
		if (strlen(type) != 1 || !strchr("cbup", type[0]))
			T(bad(c, jp(p, path, "type"), "unknown device type `%s` (c, b, u or p)",
			      type));
		else
			d->type = type[0];
	}
	r = get_str_req(c, o, "path", path, &d->path);
	T(r);
	if (r > 0 && d->path[0] != '/')
		T(bad(c, jp(p, path, "path"), "`%s` is not an absolute path", d->path));
	r = get_i64(c, o, "major", path, &d->major);
	T(r);
	if (r == 0 && d->type && d->type != 'p')
		T(missing(c, path, "major"));
	r = get_i64(c, o, "minor", path, &d->minor);
	T(r);
	if (r == 0 && d->type && d->type != 'p')
		T(missing(c, path, "minor"));
	/* The schema says 0 - 0777; engines built on Go's os.FileMode send type bits too, so
	 * any uint32 is read and the runtime keeps the permission bits. */
	int64_t mode;
	r = get_int(c, o, "fileMode", path, 0, UINT32_MAX, &mode);
	T(r);
	if (r > 0) {
		d->has_file_mode = true;
		d->file_mode = (uint32_t)mode;
	}
	r = get_u32(c, o, "uid", path, &d->uid);
	T(r);
	d->has_uid = r > 0;
	r = get_u32(c, o, "gid", path, &d->gid);
	T(r);
	d->has_gid = r > 0;
	return res;
}

static int devcg_elem(struct pc *c, const json_t *o, const char *path, size_t i, void *ctx)
{
	struct ob_device_cgroup *d = &((struct ob_device_cgroup *)ctx)[i];
	char p[P];
	_cleanup_free_ char *type = NULL;
	int res = 0, r;
	r = get_bool(c, o, "allow", path, &d->allow);
	T(r);
	if (r == 0)
		T(missing(c, path, "allow"));
	r = get_str(c, o, "type", path, &type);
	T(r);
	if (r > 0) {
		if (strlen(type) != 1 || !strchr("abc", type[0]))
			T(bad(c, jp(p, path, "type"), "unknown device type `%s` (a, c or b)",
			      type));
		else
			d->type = type[0];
	}
	r = get_i64(c, o, "major", path, &d->major);
	T(r);
	d->has_major = r > 0;
	r = get_i64(c, o, "minor", path, &d->minor);
	T(r);
	d->has_minor = r > 0;
	r = get_str(c, o, "access", path, &d->access);
	T(r);
	if (r > 0)
		for (const char *s = d->access; *s; s++)
			if (!strchr("rwm", *s)) {
				T(bad(c, jp(p, path, "access"),
				      "`%s`: access is made of r, w and m", d->access));
				break;
			}
	return res;
}

static int blkio_dev(struct pc *c, const json_t *o, const char *path, struct ob_blkio_device *d,
		     bool throttle)
{
	int res = 0, r;
	r = get_i64(c, o, "major", path, &d->major);
	T(r == 0 ? missing(c, path, "major") : r);
	r = get_i64(c, o, "minor", path, &d->minor);
	T(r == 0 ? missing(c, path, "minor") : r);
	if (throttle) {
		r = get_u64(c, o, "rate", path, &d->rate);
		T(r == 0 ? missing(c, path, "rate") : r);
	} else {
		r = get_u16(c, o, "weight", path, &d->weight);
		T(r);
		d->has_weight = r > 0;
		r = get_u16(c, o, "leafWeight", path, &d->leaf_weight);
		T(r);
		d->has_leaf_weight = r > 0;
	}
	return res;
}
static int blkio_weight_elem(struct pc *c, const json_t *o, const char *path, size_t i, void *ctx)
{
	return blkio_dev(c, o, path, &((struct ob_blkio_device *)ctx)[i], false);
}
static int blkio_throttle_elem(struct pc *c, const json_t *o, const char *path, size_t i, void *ctx)
{
	return blkio_dev(c, o, path, &((struct ob_blkio_device *)ctx)[i], true);
}

static int get_blkio_devs(struct pc *c, const json_t *o, const char *key, const char *parent,
			  bool throttle, struct ob_blkio_device **ret, size_t *ret_n)
{
	char p[P];
	json_t *a;
	int r = get_arr(c, o, key, parent, &a);
	if (r <= 0)
		return r;
	*ret_n = json_array_size(a);
	*ret = ob_xcalloc(*ret_n + 1, sizeof(struct ob_blkio_device));
	return each_obj(c, a, jp(p, parent, key),
			throttle ? blkio_throttle_elem : blkio_weight_elem, *ret);
}

static bool page_size_ok(const char *s)
{
	/* ^[1-9][0-9]*[KMG]B$ */
	if (*s < '1' || *s > '9')
		return false;
	while (isdigit((unsigned char)*s))
		s++;
	return (s[0] == 'K' || s[0] == 'M' || s[0] == 'G') && s[1] == 'B' && s[2] == 0;
}

static int hugepage_elem(struct pc *c, const json_t *o, const char *path, size_t i, void *ctx)
{
	struct ob_hugepage_limit *h = &((struct ob_hugepage_limit *)ctx)[i];
	char p[P];
	int res = 0, r;
	r = get_str_req(c, o, "pageSize", path, &h->page_size);
	T(r);
	if (r > 0 && !page_size_ok(h->page_size))
		T(bad(c, jp(p, path, "pageSize"), "`%s` is not a page size like `2MB` or `1GB`",
		      h->page_size));
	r = get_u64(c, o, "limit", path, &h->limit);
	T(r == 0 ? missing(c, path, "limit") : r);
	return res;
}

static int netprio_elem(struct pc *c, const json_t *o, const char *path, size_t i, void *ctx)
{
	struct ob_net_priority *n = &((struct ob_net_priority *)ctx)[i];
	int res = 0;
	T(get_str_req(c, o, "name", path, &n->name));
	T(get_u32_req(c, o, "priority", path, &n->priority));
	return res;
}

/* A signed limit where -1 means unlimited: below -1 is refused (the kernel would take it
 * as "no limit" or fail later, far from the field). */
static int limit_at_least_m1(struct pc *c, const char *path, const char *key, bool has, int64_t v)
{
	char q[P];
	if (has && v < -1)
		return bad(c, jp(q, path, key), "%" PRId64 " is not a limit (-1 is unlimited)", v);
	return 0;
}

static int res_memory(struct pc *c, const json_t *o, const char *path, struct ob_resources *rs)
{
	char q[P];
	json_t *x;
	int res = 0, r = get_obj(c, o, "memory", path, &x);
	if (r <= 0)
		return r;
	struct ob_memory *m = &rs->memory;
	rs->has_memory = true;
	jp(q, path, "memory");
	r = get_i64(c, x, "limit", q, &m->limit);
	T(r);
	m->has_limit = r > 0;
	r = get_i64(c, x, "reservation", q, &m->reservation);
	T(r);
	m->has_reservation = r > 0;
	r = get_i64(c, x, "swap", q, &m->swap);
	T(r);
	m->has_swap = r > 0;
	r = get_i64(c, x, "kernel", q, &m->kernel);
	T(r);
	m->has_kernel = r > 0;
	r = get_i64(c, x, "kernelTCP", q, &m->kernel_tcp);
	T(r);
	m->has_kernel_tcp = r > 0;
	T(limit_at_least_m1(c, q, "limit", m->has_limit, m->limit));
	T(limit_at_least_m1(c, q, "reservation", m->has_reservation, m->reservation));
	T(limit_at_least_m1(c, q, "swap", m->has_swap, m->swap));
	T(limit_at_least_m1(c, q, "kernel", m->has_kernel, m->kernel));
	T(limit_at_least_m1(c, q, "kernelTCP", m->has_kernel_tcp, m->kernel_tcp));
	r = get_u64(c, x, "swappiness", q, &m->swappiness);
	T(r);
	/* uint64 -1 is how Go engines say "not set" (runc reads it so) */
	m->has_swappiness = r > 0 && m->swappiness != UINT64_MAX;
	if (m->has_swappiness && m->swappiness > 100) {
		char q2[P];
		T(bad(c, jp(q2, q, "swappiness"), "%" PRIu64 " out of range [0, 100]",
		      m->swappiness));
	}
	r = get_bool(c, x, "disableOOMKiller", q, &m->disable_oom_killer);
	T(r);
	m->has_disable_oom_killer = r > 0;
	r = get_bool(c, x, "useHierarchy", q, &m->use_hierarchy);
	T(r);
	m->has_use_hierarchy = r > 0;
	r = get_bool(c, x, "checkBeforeUpdate", q, &m->check_before_update);
	T(r);
	m->has_check_before_update = r > 0;
	return res;
}

static int res_cpu(struct pc *c, const json_t *o, const char *path, struct ob_resources *rs)
{
	char q[P];
	json_t *x;
	int res = 0, r = get_obj(c, o, "cpu", path, &x);
	if (r <= 0)
		return r;
	struct ob_cpu *cp = &rs->cpu;
	rs->has_cpu = true;
	jp(q, path, "cpu");
	r = get_u64(c, x, "shares", q, &cp->shares);
	T(r);
	cp->has_shares = r > 0;
	r = get_i64(c, x, "quota", q, &cp->quota);
	T(r);
	cp->has_quota = r > 0;
	r = get_u64(c, x, "burst", q, &cp->burst);
	T(r);
	cp->has_burst = r > 0;
	r = get_u64(c, x, "period", q, &cp->period);
	T(r);
	cp->has_period = r > 0;
	r = get_i64(c, x, "realtimeRuntime", q, &cp->realtime_runtime);
	T(r);
	cp->has_realtime_runtime = r > 0;
	r = get_u64(c, x, "realtimePeriod", q, &cp->realtime_period);
	T(r);
	cp->has_realtime_period = r > 0;
	T(get_str(c, x, "cpus", q, &cp->cpus));
	T(get_str(c, x, "mems", q, &cp->mems));
	r = get_i64(c, x, "idle", q, &cp->idle);
	T(r);
	cp->has_idle = r > 0;
	/* shares, quota and period 0 are "not set" (Docker sends `"shares": 0`; runc and the
	 * cgroup code below skip them) */
	char q2[P];
	T(limit_at_least_m1(c, q, "quota", cp->has_quota, cp->quota));
	T(limit_at_least_m1(c, q, "realtimeRuntime", cp->has_realtime_runtime,
			    cp->realtime_runtime));
	if (cp->has_idle && cp->idle != 0 && cp->idle != 1)
		T(bad(c, jp(q2, q, "idle"), "%" PRId64 " is not 0 or 1", cp->idle));
	return res;
}

static int res_pids(struct pc *c, const json_t *o, const char *path, struct ob_resources *rs)
{
	char q[P];
	json_t *x;
	int res = 0, r = get_obj(c, o, "pids", path, &x);
	if (r <= 0)
		return r;
	rs->has_pids = true;
	jp(q, path, "pids");
	r = get_i64(c, x, "limit", q, &rs->pids_limit);
	T(r);
	if (r == 0)
		T(missing(c, q, "limit"));
	rs->has_pids_limit = r > 0;
	T(limit_at_least_m1(c, q, "limit", rs->has_pids_limit, rs->pids_limit));
	return res;
}

static int res_blkio(struct pc *c, const json_t *o, const char *path, struct ob_resources *rs)
{
	char q[P];
	json_t *x;
	int res = 0, r = get_obj(c, o, "blockIO", path, &x);
	if (r <= 0)
		return r;
	struct ob_blkio *b = &rs->blkio;
	rs->has_blkio = true;
	jp(q, path, "blockIO");
	r = get_u16(c, x, "weight", q, &b->weight);
	T(r);
	b->has_weight = r > 0;
	r = get_u16(c, x, "leafWeight", q, &b->leaf_weight);
	T(r);
	b->has_leaf_weight = r > 0;
	/* 10 - 1000 (config-linux.md "Block IO"); 0 is how Go engines say "not set" */
	char q2[P];
	if (b->has_weight && b->weight && (b->weight < 10 || b->weight > 1000))
		T(bad(c, jp(q2, q, "weight"), "%u is out of range [10, 1000]", b->weight));
	if (b->has_leaf_weight && b->leaf_weight && (b->leaf_weight < 10 || b->leaf_weight > 1000))
		T(bad(c, jp(q2, q, "leafWeight"), "%u is out of range [10, 1000]", b->leaf_weight));
	T(get_blkio_devs(c, x, "weightDevice", q, false, &b->weight_device, &b->n_weight_device));
	T(get_blkio_devs(c, x, "throttleReadBpsDevice", q, true, &b->throttle_read_bps,
			 &b->n_throttle_read_bps));
	T(get_blkio_devs(c, x, "throttleWriteBpsDevice", q, true, &b->throttle_write_bps,
			 &b->n_throttle_write_bps));
	T(get_blkio_devs(c, x, "throttleReadIOPSDevice", q, true, &b->throttle_read_iops,
			 &b->n_throttle_read_iops));
	T(get_blkio_devs(c, x, "throttleWriteIOPSDevice", q, true, &b->throttle_write_iops,
			 &b->n_throttle_write_iops));
	return res;
}

static int res_network(struct pc *c, const json_t *o, const char *path, struct ob_resources *rs)
{
	char q[P];
	json_t *x, *a;
	int res = 0, r = get_obj(c, o, "network", path, &x);
	if (r <= 0)
		return r;
	rs->has_network = true;
	jp(q, path, "network");
	r = get_u32(c, x, "classID", q, &rs->net_class_id);
	T(r);
	rs->has_net_class_id = r > 0;
	r = get_arr(c, x, "priorities", q, &a);
	T(r);
	if (r > 0) {
		char q2[P];
		rs->n_net_priorities = json_array_size(a);
		rs->net_priorities =
		    ob_xcalloc(rs->n_net_priorities + 1, sizeof(*rs->net_priorities));
		T(each_obj(c, a, jp(q2, q, "priorities"), netprio_elem, rs->net_priorities));
	}
	return res;
}

static int res_rdma(struct pc *c, const json_t *o, const char *path, struct ob_resources *rs)
{
	char q[P];
	json_t *x;
	int res = 0, r = get_obj(c, o, "rdma", path, &x);
	if (r <= 0)
		return r;
	jp(q, path, "rdma");
	rs->rdma = ob_xcalloc(json_object_size(x) + 1, sizeof(*rs->rdma));
	const char *k;
	json_t *v;
	json_object_foreach(x, k, v)
	{
		char qk[P];
		struct ob_rdma_limit *l = &rs->rdma[rs->n_rdma++];
		l->device = ob_xstrdup(k);
		jk(qk, q, k);
		if (!json_is_object(v)) {
			T(bad_type(c, qk, "object", v));
			continue;
		}
		r = get_u32(c, v, "hcaHandles", qk, &l->hca_handles);
		T(r);
		l->has_hca_handles = r > 0;
		r = get_u32(c, v, "hcaObjects", qk, &l->hca_objects);
		T(r);
		l->has_hca_objects = r > 0;
	}
	return res;
}

static int parse_resources(struct pc *c, const json_t *o, const char *path,
			   struct ob_resources *res_)
{
	char q[P];
	json_t *a;
	int res = 0, r;
	struct ob_resources *rs = res_;
	rs->present = true;

	r = get_arr(c, o, "devices", path, &a);
	T(r);
	if (r > 0) {
		rs->n_devices = json_array_size(a);
		rs->devices = ob_xcalloc(rs->n_devices + 1, sizeof(*rs->devices));
		T(each_obj(c, a, jp(q, path, "devices"), devcg_elem, rs->devices));
	}

	T(res_memory(c, o, path, rs));
	T(res_cpu(c, o, path, rs));
	T(res_pids(c, o, path, rs));
	T(res_blkio(c, o, path, rs));

	r = get_arr(c, o, "hugepageLimits", path, &a);
	T(r);
	if (r > 0) {
		rs->n_hugepage_limits = json_array_size(a);
		rs->hugepage_limits =
		    ob_xcalloc(rs->n_hugepage_limits + 1, sizeof(*rs->hugepage_limits));
		T(each_obj(c, a, jp(q, path, "hugepageLimits"), hugepage_elem,
			   rs->hugepage_limits));
	}

	T(res_network(c, o, path, rs));
	T(res_rdma(c, o, path, rs));

	T(get_map(c, o, "unified", path, &rs->unified, &rs->n_unified));
	return res;
}

static int scarg_elem(struct pc *c, const json_t *o, const char *path, size_t i, void *ctx)
{
	struct ob_seccomp_arg *a = &((struct ob_seccomp_arg *)ctx)[i];
	int res = 0, r;
	r = get_u32(c, o, "index", path, &a->index);
	T(r == 0 ? missing(c, path, "index") : r);
	if (r > 0 && a->index > 5) {
		char p[P];
		T(bad(c, jp(p, path, "index"), "%u out of range [0, 5]", a->index));
	}
	r = get_u64(c, o, "value", path, &a->value);
	T(r == 0 ? missing(c, path, "value") : r);
	T(get_u64(c, o, "valueTwo", path, &a->value_two));
	r = get_enum(c, o, "op", path, "seccomp operator", ob_seccomp_operators, &a->op, NULL);
	T(r == 0 ? missing(c, path, "op") : r);
	return res;
}

static int syscall_elem(struct pc *c, const json_t *o, const char *path, size_t i, void *ctx)
{
	struct ob_seccomp_syscall *s = &((struct ob_seccomp_syscall *)ctx)[i];
	char p[P];
	json_t *a;
	int res = 0, r;
	r = get_strv(c, o, "names", path, &s->names);
	T(r == 0 ? missing(c, path, "names") : r);
	if (r > 0 && !s->names[0])
		T(bad(c, jp(p, path, "names"), "must have at least one entry"));
	r = get_enum(c, o, "action", path, "seccomp action", ob_seccomp_actions, &s->action, NULL);
	T(r == 0 ? missing(c, path, "action") : r);
	r = get_u32(c, o, "errnoRet", path, &s->errno_ret);
	T(r);
	s->has_errno_ret = r > 0;
	r = get_arr(c, o, "args", path, &a);
	T(r);
	if (r > 0) {
		s->n_args = json_array_size(a);
		s->args = ob_xcalloc(s->n_args + 1, sizeof(*s->args));
		T(each_obj(c, a, jp(p, path, "args"), scarg_elem, s->args));
	}
	return res;
}

static int parse_seccomp(struct pc *c, const json_t *o, const char *path, struct ob_seccomp *s)
{
	char q[P];
	json_t *a;
	int res = 0, r;
	s->present = true;
	r = get_enum(c, o, "defaultAction", path, "seccomp action", ob_seccomp_actions,
		     &s->default_action, NULL);
	T(r == 0 ? missing(c, path, "defaultAction") : r);
	r = get_u32(c, o, "defaultErrnoRet", path, &s->default_errno_ret);
	T(r);
	s->has_default_errno_ret = r > 0;
	r = get_strv(c, o, "architectures", path, &s->architectures);
	T(r);
	if (r > 0)
		T(check_enum_strv(c, jp(q, path, "architectures"), "seccomp architecture",
				  s->architectures, ob_seccomp_arches));
	r = get_strv(c, o, "flags", path, &s->flags);
	T(r);
	if (r > 0)
		T(check_enum_strv(c, jp(q, path, "flags"), "seccomp flag", s->flags,
				  ob_seccomp_flags));
	T(get_str(c, o, "listenerPath", path, &s->listener_path));
	T(get_str(c, o, "listenerMetadata", path, &s->listener_metadata));
	r = get_arr(c, o, "syscalls", path, &a);
	T(r);
	if (r > 0) {
		s->n_syscalls = json_array_size(a);
		s->syscalls = ob_xcalloc(s->n_syscalls + 1, sizeof(*s->syscalls));
		T(each_obj(c, a, jp(q, path, "syscalls"), syscall_elem, s->syscalls));
	}
	return res;
}

/* dev_valid_name() of the kernel (net/core/dev.c); "%d" templates are allowed. */
bool ob_ifname_valid(const char *s)
{
	if (!*s || strlen(s) >= 16 || streq(s, ".") || streq(s, ".."))
		return false;
	for (; *s; s++)
		if (*s == '/' || *s == ':' || isspace((unsigned char)*s))
			return false;
	return true;
}

static const char *const propagations[] = {"private",	 "shared",	"slave",
					   "unbindable", "rprivate",	"rshared",
					   "rslave",	 "runbindable", NULL};
static const unsigned long propagation_flags[] = {
    MS_PRIVATE,		 MS_SHARED,	     MS_SLAVE,		MS_UNBINDABLE,
    MS_PRIVATE | MS_REC, MS_SHARED | MS_REC, MS_SLAVE | MS_REC, MS_UNBINDABLE | MS_REC};
const char *const ob_spec_mpol_modes[] = {
    "MPOL_DEFAULT",   "MPOL_BIND",	     "MPOL_INTERLEAVE", "MPOL_WEIGHTED_INTERLEAVE",
    "MPOL_PREFERRED", "MPOL_PREFERRED_MANY", "MPOL_LOCAL",	NULL};
const char *const ob_spec_mpol_flags[] = {"MPOL_F_NUMA_BALANCING", "MPOL_F_RELATIVE_NODES",
					  "MPOL_F_STATIC_NODES", NULL};
static const char *const personality_domains[] = {"LINUX", "LINUX32", NULL};

static int parse_time_offset(struct pc *c, const json_t *o, const char *key, const char *parent,
			     bool *has, int64_t *secs, uint32_t *nsecs)
{
	char q[P];
	json_t *x;
	int res = 0, r;
	r = get_obj(c, o, key, parent, &x);
	if (r <= 0)
		return r;
	*has = true;
	jp(q, parent, key);
	T(get_i64(c, x, "secs", q, secs));
	r = get_u32(c, x, "nanosecs", q, nsecs);
	T(r);
	if (r > 0 && *nsecs >= 1000000000u) {
		char q2[P];
		T(bad(c, jp(q2, q, "nanosecs"), "%u out of range [0, 999999999]", *nsecs));
	}
	return res;
}

static int linux_time_offsets(struct pc *c, const json_t *o, const char *path, struct ob_linux *l)
{
	char q[P];
	json_t *x;
	int res = 0, r = get_obj(c, o, "timeOffsets", path, &x);
	if (r <= 0)
		return r;
	struct ob_time_offsets *t = &l->time_offsets;
	jp(q, path, "timeOffsets");
	T(parse_time_offset(c, x, "boottime", q, &t->has_boottime, &t->boottime_secs,
			    &t->boottime_nanosecs));
	T(parse_time_offset(c, x, "monotonic", q, &t->has_monotonic, &t->monotonic_secs,
			    &t->monotonic_nanosecs));
	return res;
}

static int linux_intel_rdt(struct pc *c, const json_t *o, const char *path, struct ob_linux *l)
{
	char q[P], q2[P];
	json_t *x;
	int res = 0, r = get_obj(c, o, "intelRdt", path, &x);
	if (r <= 0)
		return r;
	struct ob_intel_rdt *rdt = &l->intel_rdt;
	jp(q, path, "intelRdt");
	rdt->present = true;
	T(get_str(c, x, "closID", q, &rdt->clos_id));
	T(get_str(c, x, "l3CacheSchema", q, &rdt->l3_cache_schema));
	r = get_str(c, x, "memBwSchema", q, &rdt->mem_bw_schema);
	T(r);
	if (r > 0 && (!startswith(rdt->mem_bw_schema, "MB:") || strchr(rdt->mem_bw_schema, '\n')))
		T(bad(c, jp(q2, q, "memBwSchema"), "`%s` does not start with `MB:`",
		      rdt->mem_bw_schema));
	T(get_strv(c, x, "schemata", q, &rdt->schemata));
	T(get_bool(c, x, "enableMonitoring", q, &rdt->enable_monitoring));
	T(get_bool(c, x, "enableCMT", q, &rdt->enable_cmt));
	T(get_bool(c, x, "enableMBM", q, &rdt->enable_mbm));
	return res;
}

static int linux_memory_policy(struct pc *c, const json_t *o, const char *path, struct ob_linux *l)
{
	char q[P], q2[P];
	json_t *x;
	int res = 0, r = get_obj(c, o, "memoryPolicy", path, &x);
	if (r <= 0)
		return r;
	struct ob_memory_policy *mp = &l->memory_policy;
	jp(q, path, "memoryPolicy");
	mp->present = true;
	r = get_enum(c, x, "mode", q, "memory policy mode", ob_spec_mpol_modes, &mp->mode, NULL);
	T(r == 0 ? missing(c, q, "mode") : r);
	T(get_str(c, x, "nodes", q, &mp->nodes));
	if (mp->nodes && !cpu_list_ok(mp->nodes))
		T(bad(c, jp(q2, q, "nodes"), "`%s` is not a node list", mp->nodes));
	r = get_strv(c, x, "flags", q, &mp->flags);
	T(r);
	if (r > 0)
		T(check_enum_strv(c, jp(q2, q, "flags"), "memory policy flag", mp->flags,
				  ob_spec_mpol_flags));
	return res;
}

static int linux_net_devices(struct pc *c, const json_t *o, const char *path, struct ob_linux *l)
{
	char q[P], q2[P];
	json_t *x;
	int res = 0, r = get_obj(c, o, "netDevices", path, &x);
	if (r <= 0)
		return r;
	jp(q, path, "netDevices");
	l->net_devices = ob_xcalloc(json_object_size(x) + 1, sizeof(*l->net_devices));
	const char *k;
	json_t *v;
	json_object_foreach(x, k, v)
	{
		char qk[P];
		struct ob_net_device *d = &l->net_devices[l->n_net_devices++];
		d->host_name = ob_xstrdup(k);
		jk(qk, q, k);
		if (!ob_ifname_valid(k))
			T(bad(c, qk, "`%s` is not a valid interface name", k));
		if (!json_is_object(v)) {
			T(bad_type(c, qk, "object", v));
			continue;
		}
		r = get_str(c, v, "name", qk, &d->name);
		T(r);
		if (r > 0 && !ob_ifname_valid(d->name))
			T(bad(c, jp(q2, qk, "name"), "`%s` is not a valid interface name",
			      d->name));
	}
	return res;
}

static int linux_personality(struct pc *c, const json_t *o, const char *path, struct ob_linux *l)
{
	char q[P];
	json_t *x;
	int res = 0, r = get_obj(c, o, "personality", path, &x);
	if (r <= 0)
		return r;
	jp(q, path, "personality");
	l->has_personality = true;
	r = get_enum(c, x, "domain", q, "personality domain", personality_domains,
		     &l->personality_domain, NULL);
	T(r == 0 ? missing(c, q, "domain") : r);
	T(get_strv(c, x, "flags", q, &l->personality_flags));
	return res;
}

static int parse_linux(struct pc *c, const json_t *o, const char *path, struct ob_linux *l)
{
	char q[P];
	json_t *x, *a;
	int res = 0, r;

	r = get_arr(c, o, "namespaces", path, &a);
	T(r);
	if (r > 0) {
		l->n_namespaces = json_array_size(a);
		l->namespaces = ob_xcalloc(l->n_namespaces + 1, sizeof(*l->namespaces));
		for (size_t i = 0; i < l->n_namespaces; i++)
			l->namespaces[i].type = OB_NS_COUNT;
		T(each_obj(c, a, jp(q, path, "namespaces"), ns_elem, l));
	}
	T(get_idmaps(c, o, "uidMappings", path, &l->uid_mappings, &l->n_uid_mappings));
	T(get_idmaps(c, o, "gidMappings", path, &l->gid_mappings, &l->n_gid_mappings));

	T(linux_time_offsets(c, o, path, l));

	r = get_arr(c, o, "devices", path, &a);
	T(r);
	if (r > 0) {
		l->n_devices = json_array_size(a);
		l->devices = ob_xcalloc(l->n_devices + 1, sizeof(*l->devices));
		T(each_obj(c, a, jp(q, path, "devices"), device_elem, l->devices));
	}
	T(get_str(c, o, "cgroupsPath", path, &l->cgroups_path));

	r = get_obj(c, o, "resources", path, &x);
	T(r);
	if (r > 0)
		T(parse_resources(c, x, jp(q, path, "resources"), &l->resources));

	T(linux_intel_rdt(c, o, path, l));
	T(linux_memory_policy(c, o, path, l));
	T(linux_net_devices(c, o, path, l));

	T(get_map(c, o, "sysctl", path, &l->sysctl, &l->n_sysctl));

	r = get_obj(c, o, "seccomp", path, &x);
	T(r);
	if (r > 0)
		T(parse_seccomp(c, x, jp(q, path, "seccomp"), &l->seccomp));

	int idx = -1;
	r = get_enum(c, o, "rootfsPropagation", path, "rootfs propagation", propagations,
		     &l->rootfs_propagation, &idx);
	T(r);
	if (r > 0)
		l->rootfs_propagation_flags = propagation_flags[idx];

	T(get_strv(c, o, "maskedPaths", path, &l->masked_paths));
	T(get_strv(c, o, "readonlyPaths", path, &l->readonly_paths));
	T(get_str(c, o, "mountLabel", path, &l->mount_label));

	T(linux_personality(c, o, path, l));
	return res;
}

/* ---------------------------------------------------------------- top level */

/* SemVer 2.0.0: MAJOR.MINOR.PATCH[-pre][+build]. Returns the major or -1. */
static int semver_major(const char *v)
{
	const char *s = v;
	long major = -1;
	for (int part = 0; part < 3; part++) {
		if (!isdigit((unsigned char)*s) || (s[0] == '0' && isdigit((unsigned char)s[1])))
			return -1;
		char *end;
		long n = strtol(s, &end, 10);
		if (part == 0)
			major = n;
		s = end;
		if (part < 2) {
			if (*s != '.')
				return -1;
			s++;
		}
	}
	if (*s && *s != '-' && *s != '+')
		return -1;
	for (const char *t = s; *t; t++)
		if (!isalnum((unsigned char)*t) && !strchr("-+.", *t))
			return -1;
	if (*s && !s[1])
		return -1;
	return major > INT_MAX ? -1 : (int)major;
}

static int parse_spec(struct pc *c, const json_t *o, struct ob_spec *s)
{
	json_t *x, *a;
	int res = 0, r;

	r = get_str_req(c, o, "ociVersion", "", &s->oci_version);
	T(r);
	if (r > 0) {
		int major = semver_major(s->oci_version);
		if (major < 0)
			T(bad(c, "ociVersion", "`%s` is not a SemVer 2.0.0 version",
			      s->oci_version));
		/* 1.x is what we implement; 0.x drafts (the spec's own example says
		 * "0.5.0-dev") are read as 1.x; a later major is a different format. */
		else if (major > 1)
			T(bad(c, "ociVersion",
			      "unsupported version `%s` (this runtime implements 1.x)",
			      s->oci_version));
	}

	r = get_obj(c, o, "root", "", &x);
	T(r);
	if (r == 0)
		T(missing(c, "", "root"));
	if (r > 0) {
		r = get_str_req(c, x, "path", "root", &s->root_path);
		T(r);
		if (r > 0 && !*s->root_path)
			T(bad(c, "root.path", "must not be empty"));
		T(get_bool(c, x, "readonly", "root", &s->root_readonly));
	}

	r = get_arr(c, o, "mounts", "", &a);
	T(r);
	if (r > 0) {
		s->n_mounts = json_array_size(a);
		s->mounts = ob_xcalloc(s->n_mounts + 1, sizeof(*s->mounts));
		T(each_obj(c, a, "mounts", mount_elem, s->mounts));
	}

	r = get_obj(c, o, "process", "", &x);
	T(r);
	if (r > 0) {
		s->has_process = true;
		T(parse_process(c, x, "process", &s->process));
	}
	T(get_str(c, o, "hostname", "", &s->hostname));
	T(get_str(c, o, "domainname", "", &s->domainname));

	r = get_obj(c, o, "hooks", "", &x);
	T(r);
	if (r > 0) {
		struct ob_hooks *h = &s->hooks;
		T(get_hooks(c, x, "prestart", "hooks", &h->prestart, &h->n_prestart));
		T(get_hooks(c, x, "createRuntime", "hooks", &h->create_runtime,
			    &h->n_create_runtime));
		T(get_hooks(c, x, "createContainer", "hooks", &h->create_container,
			    &h->n_create_container));
		T(get_hooks(c, x, "startContainer", "hooks", &h->start_container,
			    &h->n_start_container));
		T(get_hooks(c, x, "poststart", "hooks", &h->poststart, &h->n_poststart));
		T(get_hooks(c, x, "poststop", "hooks", &h->poststop, &h->n_poststop));
	}
	T(get_map(c, o, "annotations", "", &s->annotations, &s->n_annotations));

	r = get_obj(c, o, "linux", "", &x);
	T(r);
	if (r > 0) {
		s->has_linux = true;
		T(parse_linux(c, x, "linux", &s->linux_));
	}
	return res;
}

int ob_spec_check_json(const json_t *root, const char *name, char ***ret_problems,
		       struct ob_err *err)
{
	struct pc c = {.name = name, .err = err, .collect = ret_problems != NULL};
	struct ob_spec *s = ob_xcalloc(1, sizeof(*s));
	if (!json_is_object(root))
		bad(&c, "", "the document is not a JSON object");
	else
		parse_spec(&c, root, s);
	ob_spec_free(s);
	if (ret_problems)
		*ret_problems = c.problems;
	return c.n_problems;
}

int ob_spec_parse(const char *text, size_t len, const char *name, struct ob_spec **ret,
		  struct ob_err *err)
{
	json_t *root = ob_spec_json_load(text, len, name, err);
	if (!root)
		return -EINVAL;
	struct pc c = {.name = name, .err = err};
	struct ob_spec *s = ob_xcalloc(1, sizeof(*s));
	int r;
	if (!json_is_object(root))
		r = bad(&c, "", "the document is not a JSON object");
	else
		r = parse_spec(&c, root, s);
	json_decref(root);
	if (r < 0) {
		ob_spec_free(s);
		return r;
	}
	*ret = s;
	return 0;
}

int ob_spec_load(const char *path, struct ob_spec **ret, struct ob_err *err)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	int r = ob_read_json_file(path, &text, &len, err);
	if (r < 0)
		return r;
	return ob_spec_parse(text, len, path, ret, err);
}

/* A document that is one object of a spec (a process, linux.resources): fn parses it into
 * out, which free_fn empties again on failure. */
static int parse_part(const char *text, size_t len, const char *name,
		      int (*fn)(struct pc *c, const json_t *o, void *out),
		      void (*free_fn)(void *out), void *out, struct ob_err *err)
{
	json_t *root = ob_spec_json_load(text, len, name, err);
	if (!root)
		return -EINVAL;
	struct pc c = {.name = name, .err = err};
	int r = json_is_object(root) ? fn(&c, root, out)
				     : bad(&c, "", "the document is not a JSON object");
	json_decref(root);
	if (r < 0)
		free_fn(out);
	return r < 0 ? r : 0;
}

static int process_part(struct pc *c, const json_t *o, void *out)
{
	return parse_process(c, o, "", out);
}

static void process_part_free(void *out)
{
	ob_process_free(out);
}

int ob_spec_parse_process(const char *text, size_t len, const char *name, struct ob_process *ret,
			  struct ob_err *err)
{
	struct ob_process p = {0};
	int r = parse_part(text, len, name, process_part, process_part_free, &p, err);
	if (r == 0)
		*ret = p;
	return r;
}

static int resources_part(struct pc *c, const json_t *o, void *out)
{
	return parse_resources(c, o, "", out);
}

static void resources_part_free(void *out)
{
	ob_resources_free(out);
}

int ob_spec_parse_resources(const char *text, size_t len, const char *name,
			    struct ob_resources *ret, struct ob_err *err)
{
	struct ob_resources rs = {0};
	int r = parse_part(text, len, name, resources_part, resources_part_free, &rs, err);
	if (r == 0)
		*ret = rs;
	return r;
}

const struct ob_namespace *ob_spec_namespace(const struct ob_spec *s, enum ob_ns_type t)
{
	for (size_t i = 0; i < s->linux_.n_namespaces; i++)
		if (s->linux_.namespaces[i].type == t)
			return &s->linux_.namespaces[i];
	return NULL;
}

/* ---------------------------------------------------------------- free */

static void kv_free(struct ob_kv *kv, size_t n)
{
	for (size_t i = 0; kv && i < n; i++) {
		free(kv[i].key);
		free(kv[i].value);
	}
	free(kv);
}

static void hooks_free(struct ob_hook *h, size_t n)
{
	for (size_t i = 0; h && i < n; i++) {
		free(h[i].path);
		ob_strv_free(h[i].args);
		ob_strv_free(h[i].env);
	}
	free(h);
}

void ob_process_free(struct ob_process *p)
{
	if (!p)
		return;
	free(p->user.additional_gids);
	free(p->user.username);
	ob_strv_free(p->args);
	free(p->command_line);
	ob_strv_free(p->env);
	free(p->cwd);
	ob_strv_free(p->capabilities.bounding);
	ob_strv_free(p->capabilities.effective);
	ob_strv_free(p->capabilities.inheritable);
	ob_strv_free(p->capabilities.permitted);
	ob_strv_free(p->capabilities.ambient);
	for (size_t i = 0; p->rlimits && i < p->n_rlimits; i++)
		free(p->rlimits[i].type);
	free(p->rlimits);
	free(p->apparmor_profile);
	free(p->selinux_label);
	free(p->scheduler.policy);
	ob_strv_free(p->scheduler.flags);
	free(p->io_priority.class);
	free(p->exec_cpu_affinity.initial);
	free(p->exec_cpu_affinity.final);
	memset(p, 0, sizeof(*p));
}

void ob_resources_free(struct ob_resources *r)
{
	if (!r)
		return;
	for (size_t i = 0; r->devices && i < r->n_devices; i++)
		free(r->devices[i].access);
	free(r->devices);
	free(r->cpu.cpus);
	free(r->cpu.mems);
	free(r->blkio.weight_device);
	free(r->blkio.throttle_read_bps);
	free(r->blkio.throttle_write_bps);
	free(r->blkio.throttle_read_iops);
	free(r->blkio.throttle_write_iops);
	for (size_t i = 0; r->hugepage_limits && i < r->n_hugepage_limits; i++)
		free(r->hugepage_limits[i].page_size);
	free(r->hugepage_limits);
	for (size_t i = 0; r->net_priorities && i < r->n_net_priorities; i++)
		free(r->net_priorities[i].name);
	free(r->net_priorities);
	for (size_t i = 0; r->rdma && i < r->n_rdma; i++)
		free(r->rdma[i].device);
	free(r->rdma);
	kv_free(r->unified, r->n_unified);
	memset(r, 0, sizeof(*r));
}

static void mount_free(struct ob_mount *m)
{
	free(m->destination);
	free(m->source);
	free(m->type);
	ob_strv_free(m->options);
	free(m->uid_mappings);
	free(m->gid_mappings);
	free(m->data);
}

static void linux_free(struct ob_linux *l)
{
	for (size_t i = 0; l->namespaces && i < l->n_namespaces; i++)
		free(l->namespaces[i].path);
	free(l->namespaces);
	free(l->uid_mappings);
	free(l->gid_mappings);
	for (size_t i = 0; l->devices && i < l->n_devices; i++)
		free(l->devices[i].path);
	free(l->devices);
	free(l->cgroups_path);
	ob_resources_free(&l->resources);
	free(l->intel_rdt.clos_id);
	free(l->intel_rdt.l3_cache_schema);
	free(l->intel_rdt.mem_bw_schema);
	ob_strv_free(l->intel_rdt.schemata);
	free(l->memory_policy.mode);
	free(l->memory_policy.nodes);
	ob_strv_free(l->memory_policy.flags);
	for (size_t i = 0; l->net_devices && i < l->n_net_devices; i++) {
		free(l->net_devices[i].host_name);
		free(l->net_devices[i].name);
	}
	free(l->net_devices);
	kv_free(l->sysctl, l->n_sysctl);
	struct ob_seccomp *s = &l->seccomp;
	free(s->default_action);
	ob_strv_free(s->architectures);
	ob_strv_free(s->flags);
	free(s->listener_path);
	free(s->listener_metadata);
	for (size_t i = 0; s->syscalls && i < s->n_syscalls; i++) {
		ob_strv_free(s->syscalls[i].names);
		free(s->syscalls[i].action);
		for (size_t j = 0; s->syscalls[i].args && j < s->syscalls[i].n_args; j++)
			free(s->syscalls[i].args[j].op);
		free(s->syscalls[i].args);
	}
	free(s->syscalls);
	free(l->rootfs_propagation);
	ob_strv_free(l->masked_paths);
	ob_strv_free(l->readonly_paths);
	free(l->mount_label);
	free(l->personality_domain);
	ob_strv_free(l->personality_flags);
}

void ob_spec_free(struct ob_spec *s)
{
	if (!s)
		return;
	free(s->oci_version);
	free(s->root_path);
	for (size_t i = 0; s->mounts && i < s->n_mounts; i++)
		mount_free(&s->mounts[i]);
	free(s->mounts);
	ob_process_free(&s->process);
	free(s->hostname);
	free(s->domainname);
	struct ob_hooks *h = &s->hooks;
	hooks_free(h->prestart, h->n_prestart);
	hooks_free(h->create_runtime, h->n_create_runtime);
	hooks_free(h->create_container, h->n_create_container);
	hooks_free(h->start_container, h->n_start_container);
	hooks_free(h->poststart, h->n_poststart);
	hooks_free(h->poststop, h->n_poststop);
	kv_free(s->annotations, s->n_annotations);
	linux_free(&s->linux_);
	free(s);
}
