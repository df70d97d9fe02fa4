/* caps.c - capability sets of a spec process, through libcap. */
#include "caps.h"

#include <sys/capability.h>
#include <sys/prctl.h>

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

int ob_caps_apply(const struct ob_caps *c, struct ob_err *err)
{
	int last = last_cap();
	cap_t caps = cap_init();
	if (!caps)
		return ob_error(err, errno, "cap_init");
	for (int v = 0; v <= last; v++) {
		cap_value_t cv = v;
		if (c->effective & (1ULL << v))
			cap_set_flag(caps, CAP_EFFECTIVE, 1, &cv, CAP_SET);
		if (c->permitted & (1ULL << v))
			cap_set_flag(caps, CAP_PERMITTED, 1, &cv, CAP_SET);
		if (c->inheritable & (1ULL << v))
			cap_set_flag(caps, CAP_INHERITABLE, 1, &cv, CAP_SET);
	}
	int r = cap_set_proc(caps);
	int e = errno;
	cap_free(caps);
	if (r < 0)
		return ob_error(err, e, "set capabilities");
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
