/* edit.c - the editable config.json document behind oci-spec. */
#include "../spec_edit.h"

#include <ctype.h>
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <sys/capability.h>

#include "../ns.h"
#include "../spec.h"
#include "internal.h"
#include "../util.h"

struct ob_spec_doc {
	json_t *root;
};

/* `runc spec` of runc 1.1.5, field by field (hostname and ociVersion ours; the cgroup
 * namespace is what runc 1.2 adds). Key order is kept in the output. */
static const char default_spec[] =
    "{"
    "\"ociVersion\": \"1.3.0\","
    "\"process\": {"
    "  \"terminal\": true,"
    "  \"user\": {\"uid\": 0, \"gid\": 0},"
    "  \"args\": [\"sh\"],"
    "  \"env\": [\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\","
    "           \"TERM=xterm\"],"
    "  \"cwd\": \"/\","
    "  \"capabilities\": {"
    "    \"bounding\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"],"
    "    \"effective\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"],"
    "    \"permitted\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"],"
    "    \"ambient\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"]"
    "  },"
    "  \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"hard\": 1024, \"soft\": 1024}],"
    "  \"noNewPrivileges\": true"
    "},"
    "\"root\": {\"path\": \"rootfs\", \"readonly\": true},"
    "\"hostname\": \"ocibox\","
    "\"mounts\": ["
    "  {\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"},"
    "  {\"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": \"tmpfs\","
    "   \"options\": [\"nosuid\", \"strictatime\", \"mode=755\", \"size=65536k\"]},"
    "  {\"destination\": \"/dev/pts\", \"type\": \"devpts\", \"source\": \"devpts\","
    "   \"options\": [\"nosuid\", \"noexec\", \"newinstance\", \"ptmxmode=0666\", \"mode=0620\","
    "                \"gid=5\"]},"
    "  {\"destination\": \"/dev/shm\", \"type\": \"tmpfs\", \"source\": \"shm\","
    "   \"options\": [\"nosuid\", \"noexec\", \"nodev\", \"mode=1777\", \"size=65536k\"]},"
    "  {\"destination\": \"/dev/mqueue\", \"type\": \"mqueue\", \"source\": \"mqueue\","
    "   \"options\": [\"nosuid\", \"noexec\", \"nodev\"]},"
    "  {\"destination\": \"/sys\", \"type\": \"sysfs\", \"source\": \"sysfs\","
    "   \"options\": [\"nosuid\", \"noexec\", \"nodev\", \"ro\"]},"
    "  {\"destination\": \"/sys/fs/cgroup\", \"type\": \"cgroup\", \"source\": \"cgroup\","
    "   \"options\": [\"nosuid\", \"noexec\", \"nodev\", \"relatime\", \"ro\"]}"
    "],"
    "\"linux\": {"
    "  \"resources\": {\"devices\": [{\"allow\": false, \"access\": \"rwm\"}]},"
    "  \"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"network\"}, {\"type\": \"ipc\"},"
    "                 {\"type\": \"uts\"}, {\"type\": \"mount\"}, {\"type\": \"cgroup\"}],"
    "  \"maskedPaths\": [\"/proc/acpi\", \"/proc/asound\", \"/proc/kcore\", \"/proc/keys\","
    "                  \"/proc/latency_stats\", \"/proc/timer_list\", \"/proc/timer_stats\","
    "                  \"/proc/sched_debug\", \"/sys/firmware\", \"/proc/scsi\"],"
    "  \"readonlyPaths\": [\"/proc/bus\", \"/proc/fs\", \"/proc/irq\", \"/proc/sys\","
    "                    \"/proc/sysrq-trigger\"]"
    "}"
    "}";

/* ---------------------------------------------------------------- helpers */

/* The object at key, created ({}) when absent or not an object. */
static json_t *obj(json_t *parent, const char *key)
{
	json_t *o = json_object_get(parent, key);
	if (!json_is_object(o)) {
		o = json_object();
		json_object_set_new(parent, key, o);
	}
	return o;
}

static json_t *arr(json_t *parent, const char *key)
{
	json_t *a = json_object_get(parent, key);
	if (!json_is_array(a)) {
		a = json_array();
		json_object_set_new(parent, key, a);
	}
	return a;
}

/* process, created with what a process needs (cwd /, user 0:0) when absent. */
static json_t *process(struct ob_spec_doc *d)
{
	json_t *p = json_object_get(d->root, "process");
	if (json_is_object(p))
		return p;
	p = json_object();
	json_object_set_new(p, "user", json_pack("{s:i,s:i}", "uid", 0, "gid", 0));
	json_object_set_new(p, "cwd", json_string("/"));
	json_object_set_new(d->root, "process", p);
	return p;
}

static json_t *linux_(struct ob_spec_doc *d)
{
	return obj(d->root, "linux");
}

static json_t *strv_json(char *const *v)
{
	json_t *a = json_array();
	for (size_t i = 0; v && v[i]; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static bool is_abs(const char *p)
{
	return p && p[0] == '/';
}

/* ---------------------------------------------------------------- document */

struct ob_spec_doc *ob_spec_doc_default(bool rootless)
{
	json_error_t je;
	struct ob_spec_doc *d = ob_xcalloc(1, sizeof(*d));
	d->root = json_loads(default_spec, 0, &je);
	if (!d->root)
		abort(); /* the text above is wrong: a build-time bug */
	if (!rootless)
		return d;

	/* runc spec --rootless: no network namespace (a rootless user cannot set up one it
	 * could use), a user namespace mapping the caller to root, /sys bind-mounted from the
	 * host (sysfs cannot be mounted without owning the network namespace), no gid=5 on
	 * devpts (gid 5 is not mapped), no device cgroup rules (no cgroup access). */
	json_t *l = linux_(d);
	json_t *ns = arr(l, "namespaces");
	size_t i;
	json_t *e;
	json_array_foreach(ns, i, e)
	{
		if (streq(json_string_value(json_object_get(e, "type")) ?: "", "network")) {
			json_array_remove(ns, i);
			break;
		}
	}
	json_array_append_new(ns, json_pack("{s:s}", "type", "user"));
	json_object_del(l, "resources");
	json_object_set_new(l, "uidMappings",
			    json_pack("[{s:i,s:I,s:i}]", "containerID", 0, "hostID",
				      (json_int_t)geteuid(), "size", 1));
	json_object_set_new(l, "gidMappings",
			    json_pack("[{s:i,s:I,s:i}]", "containerID", 0, "hostID",
				      (json_int_t)getegid(), "size", 1));
	json_t *mounts = json_object_get(d->root, "mounts");
	json_array_foreach(mounts, i, e)
	{
		const char *dst = json_string_value(json_object_get(e, "destination"));
		if (streq(dst, "/sys")) {
			json_object_set_new(e, "type", json_string("none"));
			json_object_set_new(e, "source", json_string("/sys"));
			json_object_set_new(
			    e, "options",
			    json_pack("[sssss]", "rbind", "nosuid", "noexec", "nodev", "ro"));
		} else if (streq(dst, "/dev/pts")) {
			json_t *opts = json_object_get(e, "options");
			size_t j;
			json_t *o;
			json_array_foreach(opts, j, o)
			{
				if (streq(json_string_value(o), "gid=5")) {
					json_array_remove(opts, j);
					break;
				}
			}
		}
	}
	return d;
}

int ob_spec_doc_parse(const char *text, size_t len, const char *name, struct ob_spec_doc **ret,
		      struct ob_err *err)
{
	json_t *root = ob_spec_json_load(text, len, name, err);
	if (!root)
		return -EINVAL;
	if (!json_is_object(root)) {
		json_decref(root);
		return ob_error_msg(err, EINVAL, "%s: the document is not a JSON object", name);
	}
	struct ob_spec_doc *d = ob_xcalloc(1, sizeof(*d));
	d->root = root;
	*ret = d;
	return 0;
}

void ob_spec_doc_free(struct ob_spec_doc *d)
{
	if (!d)
		return;
	json_decref(d->root);
	free(d);
}

char *ob_spec_doc_dump(const struct ob_spec_doc *d)
{
	char *s = json_dumps(d->root, JSON_INDENT(4) | JSON_PRESERVE_ORDER);
	if (!s)
		abort(); /* only fails on out of memory */
	/* uint64 values above INT64_MAX were kept as marker strings: write them back as the
	 * numbers they were. */
	static const char mark[] = "\"\\u0001ob-u64:";
	char *out = ob_xmalloc(strlen(s) + 2), *o = out;
	for (const char *p = s; *p;) {
		if (strneq(p, mark, sizeof(mark) - 1)) {
			p += sizeof(mark) - 1;
			while (isdigit((unsigned char)*p))
				*o++ = *p++;
			if (*p == '"')
				p++;
			continue;
		}
		*o++ = *p++;
	}
	*o++ = '\n';
	*o = 0;
	free(s);
	return out;
}

int ob_spec_doc_check(const struct ob_spec_doc *d, const char *name, struct ob_err *err)
{
	return ob_spec_check_json(d->root, name, NULL, err) ? -EINVAL : 0;
}

/* ---------------------------------------------------------------- process edits */

int ob_spec_doc_set_args(struct ob_spec_doc *d, char *const *argv, struct ob_err *err)
{
	if (!argv || !argv[0])
		return ob_error_msg(err, EINVAL, "the process needs at least one argument");
	json_object_set_new(process(d), "args", strv_json(argv));
	return 0;
}

int ob_spec_doc_set_args_string(struct ob_spec_doc *d, const char *s, struct ob_err *err)
{
	_cleanup_strv_ char **v = NULL;
	const char *p = s;
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '[') {
		json_error_t je;
		json_t *a = json_loads(s, JSON_DECODE_ANY, &je);
		size_t i;
		json_t *e;
		if (!a || !json_is_array(a)) {
			json_decref(a);
			return ob_error_msg(err, EINVAL, "`%s`: not a JSON array of strings%s%s", s,
					    a ? "" : ": ", a ? "" : je.text);
		}
		v = ob_xcalloc(1, sizeof(char *));
		json_array_foreach(a, i, e)
		{
			if (!json_is_string(e)) {
				json_decref(a);
				return ob_error_msg(err, EINVAL,
						    "`%s`: element %zu is not a string", s, i);
			}
			v = ob_strv_push(v, json_string_value(e));
		}
		json_decref(a);
	} else {
		_cleanup_free_ char *copy = ob_xstrdup(s);
		char *save = NULL;
		for (char *t = strtok_r(copy, " \t\n", &save); t;
		     t = strtok_r(NULL, " \t\n", &save))
			v = ob_strv_push(v, t);
	}
	if (!v || !v[0])
		return ob_error_msg(err, EINVAL, "`%s`: the process needs at least one argument",
				    s);
	return ob_spec_doc_set_args(d, v, err);
}

int ob_spec_doc_set_env(struct ob_spec_doc *d, const char *kv, struct ob_err *err)
{
	const char *eq = strchr(kv, '=');
	if (!eq || eq == kv)
		return ob_error_msg(err, EINVAL, "`%s`: expected KEY=VALUE", kv);
	size_t klen = (size_t)(eq - kv) + 1; /* with the '=' */
	json_t *env = arr(process(d), "env");
	size_t i;
	json_t *e;
	json_array_foreach(env, i, e)
	{
		const char *s = json_string_value(e);
		if (s && strneq(s, kv, klen)) {
			json_array_set_new(env, i, json_string(kv));
			return 0;
		}
	}
	json_array_append_new(env, json_string(kv));
	return 0;
}

int ob_spec_doc_set_cwd(struct ob_spec_doc *d, const char *cwd, struct ob_err *err)
{
	if (!is_abs(cwd))
		return ob_error_msg(err, EINVAL, "`%s` is not an absolute path", cwd);
	json_object_set_new(process(d), "cwd", json_string(cwd));
	return 0;
}

int ob_spec_doc_set_terminal(struct ob_spec_doc *d, bool on, struct ob_err *err)
{
	json_object_set_new(process(d), "terminal", json_boolean(on));
	return 0;
}

/* Canonical "CAP_X" from "x", "X", "cap_x", "CAP_X"; NULL when libcap does not know it. */
static char *cap_canon(const char *name)
{
	char *c = startswith(name, "CAP_") || startswith(name, "cap_")
		      ? ob_xstrdup(name)
		      : ob_xasprintf("CAP_%s", name);
	for (char *p = c; *p; p++)
		*p = toupper((unsigned char)*p);
	if (ob_cap_from_name(c) < 0) {
		free(c);
		return NULL;
	}
	return c;
}

static void strarr_remove(json_t *a, const char *s)
{
	for (size_t i = 0; i < json_array_size(a);) {
		if (streq(json_string_value(json_array_get(a, i)) ?: "", s))
			json_array_remove(a, i);
		else
			i++;
	}
}

static void strarr_add(json_t *a, const char *s)
{
	strarr_remove(a, s);
	json_array_append_new(a, json_string(s));
}

static const char *const cap_sets[] = {"bounding", "effective", "permitted", "inheritable",
				       "ambient"};

static void cap_edit_one(json_t *caps, const char *name, bool add)
{
	for (size_t i = 0; i < ARRAY_SIZE(cap_sets); i++) {
		json_t *a = json_object_get(caps, cap_sets[i]);
		if (add) {
			/* bounding, effective and permitted always; inheritable and ambient
			 * only where the spec uses them already (ambient needs inheritable
			 * to mean anything, see capabilities(7)). */
			if (!a && i < 3)
				a = arr(caps, cap_sets[i]);
			if (json_is_array(a))
				strarr_add(a, name);
		} else if (json_is_array(a)) {
			strarr_remove(a, name);
		}
	}
}

int ob_spec_doc_cap(struct ob_spec_doc *d, const char *name, bool add, struct ob_err *err)
{
	json_t *caps = obj(process(d), "capabilities");
	if (strcasecmp(name, "ALL") == 0) {
		for (cap_value_t v = 0; v < cap_max_bits(); v++) {
			char *n = cap_to_name(v);
			if (!n)
				continue;
			_cleanup_free_ char *c = startswith(n, "cap_") ? cap_canon(n) : NULL;
			cap_free(n);
			if (c)
				cap_edit_one(caps, c, add);
		}
		return 0;
	}
	_cleanup_free_ char *c = cap_canon(name);
	if (!c)
		return ob_error_msg(err, EINVAL, "unknown capability `%s`", name);
	cap_edit_one(caps, c, add);
	return 0;
}

/* ---------------------------------------------------------------- top-level edits */

int ob_spec_doc_set_hostname(struct ob_spec_doc *d, const char *name, struct ob_err *err)
{
	if (strlen(name) > 64)
		return ob_error_msg(err, EINVAL, "`%s`: longer than 64 characters", name);
	json_object_set_new(d->root, "hostname", json_string(name));
	return 0;
}

int ob_spec_doc_set_rootfs(struct ob_spec_doc *d, const char *path, struct ob_err *err)
{
	if (!*path)
		return ob_error_msg(err, EINVAL, "the root path must not be empty");
	json_object_set_new(obj(d->root, "root"), "path", json_string(path));
	return 0;
}

int ob_spec_doc_set_readonly(struct ob_spec_doc *d, bool on, struct ob_err *err)
{
	json_object_set_new(obj(d->root, "root"), "readonly", json_boolean(on));
	return 0;
}

/* Put a mount in place of one at the same destination, or append it. */
static void put_mount(struct ob_spec_doc *d, json_t *m)
{
	json_t *mounts = arr(d->root, "mounts");
	const char *dst = json_string_value(json_object_get(m, "destination"));
	size_t i;
	json_t *e;
	json_array_foreach(mounts, i, e)
	{
		const char *x = json_string_value(json_object_get(e, "destination"));
		if (x && streq(x, dst)) {
			json_array_set_new(mounts, i, m);
			return;
		}
	}
	json_array_append_new(mounts, m);
}

int ob_spec_doc_add_bind(struct ob_spec_doc *d, const char *spec, struct ob_err *err)
{
	_cleanup_free_ char *copy = ob_xstrdup(spec);
	char *src = copy, *dst = strchr(copy, ':'), *mode = NULL;
	if (!dst)
		return ob_error_msg(err, EINVAL, "`%s`: expected SRC:DST[:ro|rw]", spec);
	*dst++ = 0;
	mode = strchr(dst, ':');
	if (mode)
		*mode++ = 0;
	if (!*src)
		return ob_error_msg(err, EINVAL, "`%s`: empty source", spec);
	if (!is_abs(dst))
		return ob_error_msg(err, EINVAL, "`%s`: destination `%s` is not an absolute path",
				    spec, dst);
	if (mode && !streq(mode, "ro") && !streq(mode, "rw"))
		return ob_error_msg(err, EINVAL, "`%s`: unknown mode `%s` (ro or rw)", spec, mode);
	json_t *opts = json_pack("[s]", "rbind");
	json_array_append_new(opts, json_string(mode ? mode : "rw"));
	put_mount(d, json_pack("{s:s,s:s,s:s,s:o}", "destination", dst, "type", "bind", "source",
			       src, "options", opts));
	return 0;
}

int ob_spec_doc_add_tmpfs(struct ob_spec_doc *d, const char *spec, struct ob_err *err)
{
	_cleanup_free_ char *copy = ob_xstrdup(spec);
	char *opts = strchr(copy, ':');
	if (opts)
		*opts++ = 0;
	if (!is_abs(copy))
		return ob_error_msg(err, EINVAL, "`%s`: destination `%s` is not an absolute path",
				    spec, copy);
	json_t *o = json_array();
	if (opts && *opts) {
		char *save = NULL;
		for (char *t = strtok_r(opts, ",", &save); t; t = strtok_r(NULL, ",", &save))
			json_array_append_new(o, json_string(t));
	} else {
		json_array_append_new(o, json_string("nosuid"));
		json_array_append_new(o, json_string("nodev"));
		json_array_append_new(o, json_string("mode=1777"));
	}
	put_mount(d, json_pack("{s:s,s:s,s:s,s:o}", "destination", copy, "type", "tmpfs", "source",
			       "tmpfs", "options", o));
	return 0;
}

int ob_spec_doc_add_mount(struct ob_spec_doc *d, const char *spec, struct ob_err *err)
{
	_cleanup_free_ char *copy = ob_xstrdup(spec);
	char *f[4] = {NULL, NULL, NULL, NULL}, *p = copy;
	for (int i = 0; i < 4 && p; i++) {
		f[i] = p;
		p = i < 3 ? strchr(p, ':') : NULL;
		if (p)
			*p++ = 0;
	}
	if (!f[2] || !*f[0] || !*f[1])
		return ob_error_msg(err, EINVAL, "`%s`: expected TYPE:SRC:DST[:OPT,OPT...]", spec);
	if (!is_abs(f[2]))
		return ob_error_msg(err, EINVAL, "`%s`: destination `%s` is not an absolute path",
				    spec, f[2]);
	json_t *m = json_pack("{s:s,s:s,s:s}", "destination", f[2], "type", f[0], "source", f[1]);
	if (f[3] && *f[3]) {
		json_t *o = json_array();
		char *save = NULL;
		for (char *t = strtok_r(f[3], ",", &save); t; t = strtok_r(NULL, ",", &save))
			json_array_append_new(o, json_string(t));
		json_object_set_new(m, "options", o);
	}
	put_mount(d, m);
	return 0;
}

int ob_spec_doc_remove_mount(struct ob_spec_doc *d, const char *dst, struct ob_err *err)
{
	json_t *mounts = json_object_get(d->root, "mounts");
	for (size_t i = 0; i < json_array_size(mounts);) {
		const char *x =
		    json_string_value(json_object_get(json_array_get(mounts, i), "destination"));
		if (x && streq(x, dst))
			json_array_remove(mounts, i);
		else
			i++;
	}
	return 0;
}

static int ns_find(json_t *ns, const char *type)
{
	size_t i;
	json_t *e;
	json_array_foreach(ns, i, e)
	{
		const char *t = json_string_value(json_object_get(e, "type"));
		if (t && streq(t, type))
			return (int)i;
	}
	return -1;
}

int ob_spec_doc_set_ns(struct ob_spec_doc *d, const char *spec, struct ob_err *err)
{
	_cleanup_free_ char *type = ob_xstrdup(spec);
	char *path = strchr(type, '=');
	if (path)
		*path++ = 0;
	if (ob_ns_type_from_name(type) < 0)
		return ob_error_msg(err, EINVAL,
				    "unknown namespace `%s` (pid, network, mount, ipc, uts, user, "
				    "cgroup or time)",
				    type);
	if (path && !is_abs(path))
		return ob_error_msg(err, EINVAL, "`%s`: `%s` is not an absolute path", spec, path);
	json_t *ns = arr(linux_(d), "namespaces");
	json_t *e = json_pack("{s:s}", "type", type);
	if (path)
		json_object_set_new(e, "path", json_string(path));
	int i = ns_find(ns, type);
	if (i >= 0)
		json_array_set_new(ns, i, e);
	else
		json_array_append_new(ns, e);
	return 0;
}

int ob_spec_doc_remove_ns(struct ob_spec_doc *d, const char *type, struct ob_err *err)
{
	if (ob_ns_type_from_name(type) < 0)
		return ob_error_msg(err, EINVAL, "unknown namespace `%s`", type);
	json_t *ns = json_object_get(json_object_get(d->root, "linux"), "namespaces");
	int i = json_is_array(ns) ? ns_find(ns, type) : -1;
	if (i >= 0)
		json_array_remove(ns, i);
	return 0;
}

int ob_spec_doc_add_idmap(struct ob_spec_doc *d, bool gid, const char *spec, bool replace,
			  struct ob_err *err)
{
	_cleanup_free_ char *copy = ob_xstrdup(spec);
	char *f[3], *save = NULL;
	uint32_t v[3];
	size_t n = 0;
	for (char *t = strtok_r(copy, ":", &save); t && n < 4; t = strtok_r(NULL, ":", &save))
		if (n < 3)
			f[n++] = t;
		else
			n++;
	if (n != 3)
		return ob_error_msg(err, EINVAL, "`%s`: expected CONTAINER:HOST:SIZE", spec);
	for (size_t i = 0; i < 3; i++)
		if (ob_parse_uint32(f[i], &v[i]) < 0)
			return ob_error_msg(
			    err, EINVAL, "`%s`: `%s` is not a number (0 - 4294967295)", spec, f[i]);
	if (v[2] == 0)
		return ob_error_msg(err, EINVAL, "`%s`: the size must not be 0", spec);
	json_t *l = linux_(d);
	const char *key = gid ? "gidMappings" : "uidMappings";
	if (replace)
		json_object_del(l, key);
	json_array_append_new(arr(l, key),
			      json_pack("{s:I,s:I,s:I}", "containerID", (json_int_t)v[0], "hostID",
					(json_int_t)v[1], "size", (json_int_t)v[2]));
	json_t *ns = arr(l, "namespaces");
	if (ns_find(ns, "user") < 0)
		json_array_append_new(ns, json_pack("{s:s}", "type", "user"));
	return 0;
}

static json_t *resources(struct ob_spec_doc *d)
{
	return obj(linux_(d), "resources");
}

int ob_spec_doc_set_memory(struct ob_spec_doc *d, const char *size, struct ob_err *err)
{
	int64_t v;
	if (ob_parse_size(size, &v) < 0 || v == 0)
		return ob_error_msg(err, EINVAL, "`%s`: expected a size like 64M, 1G or -1", size);
	json_object_set_new(obj(resources(d), "memory"), "limit", json_integer(v));
	return 0;
}

int ob_spec_doc_set_pids_limit(struct ob_spec_doc *d, const char *n, struct ob_err *err)
{
	int64_t v;
	if (ob_parse_int64(n, &v) < 0 || (v < 1 && v != -1))
		return ob_error_msg(err, EINVAL, "`%s`: expected a number above 0, or -1", n);
	json_object_set_new(obj(resources(d), "pids"), "limit", json_integer(v));
	return 0;
}

int ob_spec_doc_set_cpus(struct ob_spec_doc *d, const char *cpus, struct ob_err *err)
{
	char *end;
	errno = 0;
	double v = strtod(cpus, &end);
	if (errno || end == cpus || *end || !isfinite(v) || v <= 0 || v > 1e6)
		return ob_error_msg(err, EINVAL, "`%s`: expected a number of CPUs like 1.5", cpus);
	const int64_t period = 100000; /* CFS default period, in microseconds */
	int64_t quota = (int64_t)(v * (double)period + 0.5);
	if (quota < 1000) /* the kernel's minimum quota is 1 ms */
		return ob_error_msg(err, EINVAL, "`%s`: below the minimum of 0.01 CPUs", cpus);
	json_t *c = obj(resources(d), "cpu");
	json_object_set_new(c, "quota", json_integer(quota));
	json_object_set_new(c, "period", json_integer(period));
	return 0;
}

int ob_spec_doc_set_annotation(struct ob_spec_doc *d, const char *kv, struct ob_err *err)
{
	const char *eq = strchr(kv, '=');
	if (!eq || eq == kv)
		return ob_error_msg(err, EINVAL, "`%s`: expected KEY=VALUE", kv);
	_cleanup_free_ char *key = strndup(kv, (size_t)(eq - kv));
	if (!key)
		abort();
	json_object_set_new(obj(d->root, "annotations"), key, json_string(eq + 1));
	return 0;
}

int ob_spec_doc_add_hook(struct ob_spec_doc *d, const char *spec, struct ob_err *err)
{
	static const char *const stages[] = {"prestart",       "createRuntime", "createContainer",
					     "startContainer", "poststart",	"poststop"};
	_cleanup_free_ char *copy = ob_xstrdup(spec);
	char *path = strchr(copy, ':');
	if (!path)
		return ob_error_msg(err, EINVAL, "`%s`: expected STAGE:PATH[:ARG...]", spec);
	*path++ = 0;
	size_t s;
	for (s = 0; s < ARRAY_SIZE(stages); s++)
		if (streq(stages[s], copy))
			break;
	if (s == ARRAY_SIZE(stages))
		return ob_error_msg(err, EINVAL,
				    "`%s`: unknown hook stage `%s` (prestart, createRuntime, "
				    "createContainer, startContainer, poststart or poststop)",
				    spec, copy);
	char *args = strchr(path, ':');
	if (args)
		*args++ = 0;
	if (!is_abs(path))
		return ob_error_msg(err, EINVAL, "`%s`: hook path `%s` is not an absolute path",
				    spec, path);
	/* args is the hook's whole argv, argv[0] included (config.md, hooks): the ARGs are
	 * taken as written, so `createRuntime:/usr/bin/veth-setup:veth-setup:add` runs the
	 * applet named by argv[0]; without ARGs argv is just PATH. */
	json_t *a = json_array();
	if (!args)
		json_array_append_new(a, json_string(path));
	while (args) {
		char *next = strchr(args, ':');
		if (next)
			*next++ = 0;
		json_array_append_new(a, json_string(args));
		args = next;
	}
	json_array_append_new(arr(obj(d->root, "hooks"), stages[s]),
			      json_pack("{s:s,s:o}", "path", path, "args", a));
	return 0;
}

/* ---------------------------------------------------------------- seccomp */

int ob_spec_doc_set_seccomp(struct ob_spec_doc *d, const char *text, size_t len, const char *name,
			    struct ob_err *err)
{
	json_t *o = ob_spec_json_load(text, len, name, err);
	if (!o)
		return -EINVAL;
	if (!json_is_object(o)) {
		json_decref(o);
		return ob_error_msg(err, EINVAL, "%s: not a JSON object (a linux.seccomp object)",
				    name);
	}
	json_object_set_new(linux_(d), "seccomp", o);
	return 0;
}
