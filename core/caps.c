/* caps.c - capability sets of a spec process, through libcap. */
#include "caps.h"

#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

static int names_to_mask(char **names, const char *set, uint64_t *ret, struct ob_err *err)
{
	uint64_t m = 0;
	for (char **n = names; n && *n; n++) {
		cap_value_t v;
		if (cap_from_name(*n, &v) < 0 || v < 0 || v > 63)
			return ob_error_msg(err, EINVAL,
					    "process.capabilities.%s: unknown capability `%s`", set,
					    *n);
		m |= 1ULL << v;
	}
	*ret = m;
	return 0;
}

int ob_caps_parse(const struct ob_capabilities *c, struct ob_caps *ret, struct ob_err *err)
{
	struct ob_caps k = {0};
	int r;
	if ((r = names_to_mask(c->bounding, "bounding", &k.bounding, err)) < 0 ||
	    (r = names_to_mask(c->effective, "effective", &k.effective, err)) < 0 ||
	    (r = names_to_mask(c->inheritable, "inheritable", &k.inheritable, err)) < 0 ||
	    (r = names_to_mask(c->permitted, "permitted", &k.permitted, err)) < 0 ||
	    (r = names_to_mask(c->ambient, "ambient", &k.ambient, err)) < 0)
		return r;
	*ret = k;
	return 0;
}

static int last_cap(void)
{
	/* the running kernel may know more or fewer than our headers: libcap's constructor
	 * has already probed it (PR_CAPBSET_READ) at startup, ask it instead of again */
	int n = (int)cap_max_bits();
	return n > 0 && n <= 64 ? n - 1 : CAP_LAST_CAP;
}

int ob_caps_drop_bounding(const struct ob_caps *c, struct ob_err *err)
{
	int last = last_cap();
	for (int v = 0; v <= last; v++) {
		if (c->bounding & (1ULL << v))
			continue;
		if (prctl(PR_CAPBSET_DROP, v, 0, 0, 0) < 0 && errno != EINVAL)
			return ob_error(err, errno, "drop capability %d from the bounding set", v);
	}
	return 0;
}

/* capget(2)/capset(2) directly: no allocation and nothing but capset itself, so the
 * final switch may run under the container's seccomp filter (see process.c). */
static int capset_masks(uint64_t eff, uint64_t perm, uint64_t inh)
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct d[2] = {
	    {(uint32_t)eff, (uint32_t)perm, (uint32_t)inh},
	    {(uint32_t)(eff >> 32), (uint32_t)(perm >> 32), (uint32_t)(inh >> 32)},
	};
	return (int)syscall(SYS_capset, &h, d);
}

int ob_caps_effective_only(uint64_t mask, struct ob_err *err)
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct d[2];
	if (syscall(SYS_capget, &h, d) < 0)
		return ob_error(err, errno, "get capabilities");
	uint64_t perm = d[0].permitted | (uint64_t)d[1].permitted << 32;
	uint64_t inh = d[0].inheritable | (uint64_t)d[1].inheritable << 32;
	if (capset_masks(perm & mask, perm, inh) < 0)
		return ob_error(err, errno, "set capabilities");
	return 0;
}

int ob_caps_apply(const struct ob_caps *c, struct ob_err *err)
{
	int last = last_cap();
	uint64_t known = last >= 63 ? ~0ULL : (1ULL << (last + 1)) - 1;
	if (capset_masks(c->effective & known, c->permitted & known, c->inheritable & known) < 0)
		return ob_error(err, errno, "set capabilities");
	/* Ambient needs the cap in permitted and inheritable (capabilities(7)). */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return ob_error(err, errno, "clear ambient capabilities");
	for (int v = 0; v <= last; v++) {
		if (!(c->ambient & (1ULL << v)))
			continue;
		/* a cap missing from inheritable cannot be ambient: skipped, as runc does */
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, v, 0, 0) < 0 && errno != EPERM)
			return ob_error(err, errno, "raise ambient capability %d", v);
	}
	return 0;
}
