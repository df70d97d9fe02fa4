/* check.c - the rules across fields that create refuses a spec for, before anything
 * exists: one function for create and for oci-spec --validate (which collects them after
 * the values' own checks of parse.c). Each rule is a MUST of config.md or config-linux.md
 * that this runtime enforces as runc does, or something it does not carry out and will not
 * silently ignore. */
#include "internal.h"

#include "../ns.h"
#include "../util.h"

static bool listed_ns(enum ob_ns_type t, void *spec)
{
	return ob_spec_namespace(spec, t) != NULL;
}

/* config-linux.md: a namespace type that is not listed is inherited from the runtime,
 * the mount namespace too. The init then only chroots into root.path (as runc and crun)
 * and makes no mount; what cannot apply without mounts is refused with the reason (the
 * spec's mounts and linux.devices are not made: create logs that). */
static int check_no_mntns(struct pc *c, const struct ob_spec *s)
{
	static const char why[] = "needs a mount namespace (linux.namespaces has none: the "
				  "runtime's is inherited and no mount is made in it)";
	const char *what = NULL;
	if (ob_spec_namespace(s, OB_NS_MOUNT))
		return 0;
	if (s->linux_.masked_paths && s->linux_.masked_paths[0])
		what = "linux.maskedPaths";
	else if (s->linux_.readonly_paths && s->linux_.readonly_paths[0])
		what = "linux.readonlyPaths";
	else if (s->root_readonly)
		what = "root.readonly";
	else if (s->linux_.rootfs_propagation)
		what = "linux.rootfsPropagation";
	else if (s->process.terminal)
		what = "process.terminal (the container's /dev/pts)";
	return what ? bad(c, "", "%s %s", what, why) : 0;
}

/* The namespace a sysctl lives in (config-linux.md "Sysctl": only namespaced ones);
 * OB_NS_COUNT for one that is not in a separate kernel namespace. */
static enum ob_ns_type sysctl_ns(const char *name)
{
	char key[256];
	snprintf(key, sizeof(key), "%s", name);
	for (char *p = key; *p; p++)
		if (*p == '/')
			*p = '.';
	if (startswith(key, "kernel.msg") || streq(key, "kernel.sem") ||
	    streq(key, "kernel.sem_next_id") || startswith(key, "kernel.shm") ||
	    startswith(key, "fs.mqueue."))
		return OB_NS_IPC;
	if (startswith(key, "net."))
		return OB_NS_NETWORK;
	if (streq(key, "kernel.hostname") || streq(key, "kernel.domainname"))
		return OB_NS_UTS;
	return OB_NS_COUNT;
}

/* hostname, domainname (config.md: they need a new UTS namespace) and linux.sysctl: nothing
 * may be written into a namespace shared with the host. */
static int check_private_ns(struct pc *c, const struct ob_spec *s, ob_spec_private_ns_fn private_ns,
			    void *ctx)
{
	bool uts = private_ns(OB_NS_UTS, ctx);
	if (s->hostname && !uts)
		return bad(c, "",
			   "hostname `%s`: unable to set the hostname without a private uts "
			   "namespace",
			   s->hostname);
	if (s->domainname && !uts)
		return bad(c, "",
			   "domainname `%s`: unable to set the domainname without a private uts "
			   "namespace",
			   s->domainname);
	for (size_t i = 0; i < s->linux_.n_sysctl; i++) {
		const char *key = s->linux_.sysctl[i].key;
		enum ob_ns_type t = sysctl_ns(key);
		if (t == OB_NS_COUNT)
			return bad(
			    c, "",
			    "linux.sysctl: sysctl `%s` is not in a separate kernel namespace", key);
		if (!private_ns(t, ctx))
			return bad(
			    c, "",
			    "linux.sysctl: sysctl `%s` needs a private %s namespace (it would "
			    "change the host's)",
			    key, ob_ns_type_name(t));
	}
	return 0;
}

static int check_ids(struct pc *c, const struct ob_spec *s)
{
	const struct ob_namespace *userns = ob_spec_namespace(s, OB_NS_USER);
	if (userns && !userns->path && (!s->linux_.n_uid_mappings || !s->linux_.n_gid_mappings))
		return bad(c, "",
			   "a new user namespace needs linux.uidMappings and linux.gidMappings");
	for (size_t i = 0; i < s->n_mounts; i++)
		if ((s->mounts[i].idmap || s->mounts[i].ridmap) && !s->mounts[i].bind)
			return bad(c, "", "mounts[%zu]: idmap needs a bind mount", i);
	return 0;
}

int ob_spec_check_rules(struct pc *c, const struct ob_spec *s, ob_spec_private_ns_fn private_ns,
			void *ctx)
{
	if (!private_ns) {
		private_ns = listed_ns;
		ctx = (void *)s;
	}
	int n = c->n_problems;
	if (check_no_mntns(c, s) < 0 && !c->collect)
		return -EINVAL;
	if (check_private_ns(c, s, private_ns, ctx) < 0 && !c->collect)
		return -EINVAL;
	if (check_ids(c, s) < 0 && !c->collect)
		return -EINVAL;
	/* linux.intelRdt has MUSTs (config-linux.md "IntelRdt") this runtime does not carry
	 * out (resctrl groups); refusing beats running without the isolation asked for. */
	if (s->linux_.intel_rdt.present)
		bad(c, "", "linux.intelRdt: Intel RDT (resctrl) is not supported by ocibox");
	return c->n_problems > n ? -EINVAL : 0;
}

int ob_spec_validate(const char *text, size_t len, const char *name, char ***ret_problems)
{
	struct ob_err err = {0};
	*ret_problems = NULL;
	json_t *root = ob_spec_json_load(text, len, name, &err);
	if (!root) {
		*ret_problems = ob_strv_push(NULL, err.msg);
		return 1;
	}
	int n = ob_spec_check_json(root, name, ret_problems, NULL);
	json_decref(root);
	if (n > 0)
		return n;
	/* every value good: the rules across them, as create applies them */
	struct ob_spec *s = NULL;
	if (ob_spec_parse(text, len, name, &s, &err) < 0) {
		*ret_problems = ob_strv_push(*ret_problems, err.msg);
		return 1;
	}
	struct pc c = {.name = name, .collect = true};
	ob_spec_check_rules(&c, s, NULL, NULL);
	ob_spec_free(s);
	ob_strv_free(*ret_problems);
	*ret_problems = c.problems;
	return c.n_problems;
}

int ob_spec_check(const struct ob_spec *s, const char *name, ob_spec_private_ns_fn private_ns,
		  void *ctx, struct ob_err *err)
{
	struct pc c = {.name = name, .err = err};
	return ob_spec_check_rules(&c, s, private_ns, ctx);
}
