/* features.c - the features document of runtime-spec 1.3 (features.md,
 * features-linux.md) for oci-features.
 *
 * "Recognized" lists (features.md: "includes ... that may not be supported by the host")
 * come from the tables ocibox parses with: mount options and memory policies from
 * core/spec/parse.c, namespaces from core/ns.c, capability names from libcap, architectures
 * from libseccomp. Host facts (seccomp flags the kernel takes, LSMs on) are probed.
 */
#include "../cgroup/systemd.h"
#include "../criu.h"
#include "../lsm.h"
#include "../seccomp.h"
#include "version.h"
#include "../spec_features.h"

#include <ctype.h>
#include <fcntl.h>
#include <jansson.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/capability.h>
#include <sys/syscall.h>

#include "../log.h"
#include "../ns.h"
#include "internal.h"
#include "../util.h"

#define OB_OCI_VERSION_MIN "1.0.0"
#define OB_OCI_VERSION_MAX "1.3.0"

/* config.md "POSIX-platform Hooks", in the order they run. */
static const char *const hook_names[] = {
    "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop",
    NULL};

/* jansson returns NULL or -1 only when out of memory; remember that once, check at the end. */
struct fb {
	bool oom;
};

static json_t *put(struct fb *b, json_t *obj, const char *key, json_t *v)
{
	if (!obj || !v || json_object_set_new(obj, key, v) < 0)
		b->oom = true;
	return v;
}

static void push(struct fb *b, json_t *arr, json_t *v)
{
	if (!arr || !v || json_array_append_new(arr, v) < 0)
		b->oom = true;
}

static json_t *strv_array(struct fb *b, const char *const *v)
{
	json_t *a = json_array();
	for (size_t i = 0; v[i]; i++)
		push(b, a, json_string(v[i]));
	return a;
}

static json_t *enabled(struct fb *b, bool on)
{
	json_t *o = json_object();
	put(b, o, "enabled", json_boolean(on));
	return o;
}

/* Every capability name libcap has (cap_from_name accepts exactly these, and so does
 * spec/parse.c), whether or not the running kernel has the capability: cap_to_name() gives a
 * "cap_*" name for the ones it knows and a number for the others. */
static json_t *capabilities(struct fb *b)
{
	json_t *a = json_array();
	int named = 0;
	/* capability numbers are bit positions in the kernel's 64-bit sets */
	for (cap_value_t v = 0; v < 64; v++) {
		char *n = cap_to_name(v);
		if (!n) {
			b->oom = true;
			break;
		}
		if (startswith(n, "cap_")) {
			char up[64];
			size_t i;
			for (i = 0; n[i] && i < sizeof(up) - 1; i++)
				up[i] = (char)toupper((unsigned char)n[i]);
			up[i] = '\0';
			push(b, a, json_string(up));
			named++;
		}
		cap_free(n);
	}
	if (cap_max_bits() > named)
		ob_log_debug("features: the kernel has %d capabilities, libcap names %d",
			     (int)cap_max_bits(), named);
	return a;
}

static json_t *seccomp_archs(struct fb *b)
{
	json_t *a = json_array();
	for (size_t i = 0; ob_seccomp_arches[i]; i++) {
		const char *s = ob_seccomp_arches[i] + strlen("SCMP_ARCH_");
		char lower[32];
		size_t k;
		for (k = 0; s[k] && k < sizeof(lower) - 1; k++)
			lower[k] = (char)tolower((unsigned char)s[k]);
		lower[k] = '\0';
		if (seccomp_arch_resolve_name(lower) != 0)
			push(b, a, json_string(ob_seccomp_arches[i]));
	}
	return a;
}

/* A flag the kernel knows makes seccomp(SECCOMP_SET_MODE_FILTER) go on to read the
 * program and fail with EFAULT on a NULL one; an unknown flag fails first with EINVAL
 * (kernel/seccomp.c seccomp_set_mode_filter). Nothing is installed either way. */
static bool seccomp_flag_supported(unsigned long flags)
{
	long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, NULL);
	return r < 0 && errno == EFAULT;
}

static json_t *seccomp(struct fb *b)
{
	json_t *o = json_object();
	/* seccomp_api_get() probes the kernel: 1 or more means filters can be loaded */
	put(b, o, "enabled", json_boolean(seccomp_api_get() >= 1));
	json_t *actions = put(b, o, "actions", json_array());
	for (size_t i = 0; ob_seccomp_actions[i]; i++)
		push(b, actions, json_string(ob_seccomp_actions[i]));
	json_t *operators = put(b, o, "operators", json_array());
	for (size_t i = 0; ob_seccomp_operators[i]; i++)
		push(b, operators, json_string(ob_seccomp_operators[i]));
	put(b, o, "archs", seccomp_archs(b));
	json_t *known = put(b, o, "knownFlags", json_array());
	json_t *supported = put(b, o, "supportedFlags", json_array());
	for (size_t i = 0; ob_seccomp_flags[i]; i++) {
		unsigned long flag = ob_seccomp_flag_values[i];
		push(b, known, json_string(ob_seccomp_flags[i]));
		/* the kernel takes WAIT_KILLABLE_RECV only with a listener */
		if (flag == SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)
			flag |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
		if (seccomp_flag_supported(flag))
			push(b, supported, json_string(ob_seccomp_flags[i]));
	}
	return o;
}

static json_t *linux_features(struct fb *b)
{
	json_t *l = json_object();
	json_t *ns = put(b, l, "namespaces", json_array());
	for (int t = 0; t < OB_NS_COUNT; t++)
		push(b, ns, json_string(ob_ns_type_name(t)));
	put(b, l, "capabilities", capabilities(b));

	/* what core/cgroup implements: v1, v2 and hybrid hosts and the rdma controller; the
	 * systemd driver (transient scopes over D-Bus, core/cgroup/systemd.c) where it is built
	 * (not in the static build) and a manager answers: the system's for root, the user's
	 * own for an unprivileged caller. */
	json_t *cg = put(b, l, "cgroup", json_object());
	put(b, cg, "v1", json_true());
	put(b, cg, "v2", json_true());
	bool sd = ob_systemd_available();
	put(b, cg, "systemd", json_boolean(sd && geteuid() == 0));
	put(b, cg, "systemdUser", json_boolean(sd && geteuid() != 0));
	put(b, cg, "rdma", json_true());

	put(b, l, "seccomp", seccomp(b));
	put(b, l, "apparmor", enabled(b, ob_lsm_apparmor_enabled()));
	put(b, l, "selinux", enabled(b, ob_lsm_selinux_enabled()));

	/* ocibox does not write resctrl groups (linux.intelRdt is parsed, not applied) */
	json_t *rdt = put(b, l, "intelRdt", enabled(b, false));
	put(b, rdt, "schemata", json_false());
	put(b, rdt, "monitoring", json_false());

	json_t *mx = put(b, l, "mountExtensions", json_object());
	put(b, mx, "idmap", enabled(b, true));
	put(b, l, "netDevices", enabled(b, true));

	json_t *mp = put(b, l, "memoryPolicy", json_object());
	put(b, mp, "modes", strv_array(b, ob_spec_mpol_modes));
	put(b, mp, "flags", strv_array(b, ob_spec_mpol_flags));
	return l;
}

int ob_spec_features(char **ret_json, struct ob_err *err)
{
	struct fb b = {false};
	json_t *root = json_object();

	put(&b, root, "ociVersionMin", json_string(OB_OCI_VERSION_MIN));
	put(&b, root, "ociVersionMax", json_string(OB_OCI_VERSION_MAX));
	put(&b, root, "hooks", strv_array(&b, hook_names));
	json_t *mo = put(&b, root, "mountOptions", json_array());
	for (size_t i = 0; ob_spec_mount_option(i); i++)
		push(&b, mo, json_string(ob_spec_mount_option(i)));
	put(&b, root, "linux", linux_features(&b));

	json_t *an = put(&b, root, "annotations", json_object());
	put(&b, an, "io.github.ocibox.version", json_string(OB_VERSION));
	put(&b, an, "io.github.ocibox.commit", json_string(OB_COMMIT));
	const struct scmp_version *sv = seccomp_version();
	if (sv) {
		char v[48];
		snprintf(v, sizeof(v), "%u.%u.%u", sv->major, sv->minor, sv->micro);
		put(&b, an, "io.github.seccomp.libseccomp.version", json_string(v));
	}

	/* runc's key says checkpoint/restore work: here only with a working criu */
	char criu[512];
	if (ob_criu_works(criu, sizeof(criu)))
		put(&b, an, "org.opencontainers.runc.checkpoint.enabled", json_string("true"));
	put(&b, an, "io.github.ocibox.criu", json_string(criu));

	char *text = b.oom ? NULL : json_dumps(root, JSON_INDENT(4) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (!text)
		return ob_error(err, ENOMEM, "features JSON");
	char *out = ob_xasprintf("%s\n", text);
	free(text);
	*ret_json = out;
	return 0;
}
