/* freezer.c - freezing and thawing a cgroup (v1 freezer.state, v2 cgroup.freeze). */
#include <time.h>

#include "../log.h"
#include "internal.h"

/* ---- freezer ---- */

static const struct cg_hier *freezer_hier(const struct ob_cgroup *cg)
{
	for (size_t i = 0; i < cg->n; i++)
		if (!cg->h[i].m->v2 && cg_strv_contains(cg->h[i].m->ctrls, "freezer"))
			return &cg->h[i];
	return cg_v2(cg); /* cgroup.freeze is a core file of every non-root v2 cgroup */
}

static int events_frozen(const struct cg_hier *h, bool *ret)
{
	_cleanup_free_ char *ev = NULL;
	if (cg_read(h, "cgroup.events", &ev, NULL) < 0)
		return -ENOENT;
	char *p = strstr(ev, "frozen ");
	*ret = p && p[7] == '1';
	return 0;
}

static int freezer_set(const struct ob_cgroup *cg, bool freeze, struct ob_err *err)
{
	const struct cg_hier *h = freezer_hier(cg);
	if (!h)
		return ob_error_msg(err, ENOTSUP,
				    "no freezer: cgroup v1 controller freezer is not "
				    "mounted and there is no cgroup2 hierarchy");
	if (access(h->dir, F_OK) < 0)
		return ob_error(err, errno, "cgroup `%s`", h->dir);
	int r;
	if (h->m->v2) {
		r = cg_write(h, "cgroup.freeze", freeze ? "1" : "0", err);
		if (r < 0)
			return r;
		for (int i = 0; i < 1000; i++) {
			bool frozen; /* a test tree has no cgroup.events: done */
			if (events_frozen(h, &frozen) < 0 || frozen == freeze)
				return 0;
			sleep_ms(10);
		}
		if (freeze)
			cg_write(h, "cgroup.freeze", "0", NULL);
		return ob_error_msg(err, ETIMEDOUT, "cgroup `%s` did not %s within 10s", h->dir,
				    freeze ? "freeze" : "thaw");
	}
	if (!freeze)
		return cg_write(h, "freezer.state", "THAWED", err);
	for (int i = 0; i < 1000; i++) {
		/* A freeze can stick in FREEZING (a task in an uninterruptible sleep, or a
		 * fork racing the freezer): thaw now and then and try again, as runc does. */
		if (i > 0 && i % 50 == 0)
			cg_write(h, "freezer.state", "THAWED", NULL);
		r = cg_write(h, "freezer.state", "FROZEN", err);
		if (r < 0)
			return r;
		_cleanup_free_ char *state = NULL;
		r = cg_read(h, "freezer.state", &state, err);
		if (r < 0)
			return r;
		if (streq(state, "FROZEN"))
			return 0;
		sleep_ms(10);
	}
	cg_write(h, "freezer.state", "THAWED", NULL);
	return ob_error_msg(err, ETIMEDOUT, "cgroup `%s` stayed FREEZING for 10s", h->dir);
}

int ob_cgroup_freeze(const struct ob_cgroup *cg, struct ob_err *err)
{
	return freezer_set(cg, true, err);
}

int ob_cgroup_thaw(const struct ob_cgroup *cg, struct ob_err *err)
{
	return freezer_set(cg, false, err);
}

int ob_cgroup_freezer_state(const struct ob_cgroup *cg, enum ob_freezer_state *ret,
			    struct ob_err *err)
{
	const struct cg_hier *h = freezer_hier(cg);
	if (!h) {
		*ret = OB_FREEZER_THAWED;
		return 0;
	}
	_cleanup_free_ char *state = NULL;
	if (h->m->v2) {
		int r = cg_read(h, "cgroup.freeze", &state, err);
		if (r < 0)
			return r;
		if (!streq(state, "1")) {
			*ret = OB_FREEZER_THAWED;
			return 0;
		}
		bool frozen = true; /* as written, where there are no cgroup.events (a test tree) */
		events_frozen(h, &frozen);
		*ret = frozen ? OB_FREEZER_FROZEN : OB_FREEZER_FREEZING;
		return 0;
	}
	int r = cg_read(h, "freezer.state", &state, err);
	if (r < 0)
		return r;
	*ret = streq(state, "FROZEN")	  ? OB_FREEZER_FROZEN
	       : streq(state, "FREEZING") ? OB_FREEZER_FREEZING
					  : OB_FREEZER_THAWED;
	return 0;
}
