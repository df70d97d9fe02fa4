/* groups.c - cgexec's -g CONTROLLERS:PATH groups as one set: opened (made when --create
 * asks), limited, joined by the caller, and released (what was made is emptied and
 * removed). */
#include <signal.h>

#include "../cgroup.h"
#include "../util.h"

static int groups_make(struct ob_cgroup_group *g, size_t n, bool create, struct ob_err *err)
{
	for (size_t i = 0; i < n; i++) {
		int r = ob_cgroup_open_controllers(g[i].controllers, g[i].path, &g[i].cg, err);
		if (r < 0)
			return r;
		if (ob_cgroup_exists(g[i].cg))
			continue;
		if (!create)
			return ob_error_msg(
			    err, ENOENT,
			    "cgroup `%s` does not exist for controllers %s (use --create)",
			    ob_cgroup_path(g[i].cg), g[i].controllers);
		if ((r = ob_cgroup_create(g[i].cg, 0, err)) < 0)
			return r;
		g[i].made = true;
	}
	return 0;
}

static int groups_limit(struct ob_cgroup_group *g, size_t n, char **limits, struct ob_err *err)
{
	for (size_t l = 0; limits && limits[l]; l++) {
		_cleanup_free_ char *key = ob_xstrdup(limits[l]);
		char *eq = strchr(key, '=');
		if (!eq)
			return ob_error_msg(err, EINVAL, "--limit `%s`: expected KEY=VALUE", key);
		*eq = '\0';
		const char *value = eq + 1;
		_cleanup_free_ char *ctrl = strndup(key, strcspn(key, "."));
		size_t i;
		for (i = 0; i < n; i++)
			if (ob_cgroup_has_controller(g[i].cg, ctrl))
				break;
		if (i == n)
			return ob_error_msg(err, ENOENT,
					    "--limit %s: no -g group holds the %s controller", key,
					    ctrl);
		int r = ob_cgroup_set_limit(g[i].cg, key, value, err);
		if (r < 0)
			return ob_error_prefix(err, r, "--limit %s", limits[l]);
	}
	return 0;
}

int ob_cgroup_groups_open(struct ob_cgroup_group *g, size_t n, bool create, const char *resources,
			  char **limits, struct ob_err *err)
{
	int r = groups_make(g, n, create, err);
	if (r < 0)
		return r;
	if (resources) {
		struct ob_resources res = {0};
		if ((r = ob_spec_load_resources(resources, &res, err)) >= 0)
			r = ob_cgroup_apply(g[0].cg, &res, err);
		ob_resources_free(&res);
		if (r < 0)
			return r;
	}
	return groups_limit(g, n, limits, err);
}

int ob_cgroup_groups_enter_self(const struct ob_cgroup_group *g, size_t n, struct ob_err *err)
{
	for (size_t i = 0; i < n; i++) {
		int r = ob_cgroup_enter_self(g[i].cg, err);
		if (r < 0)
			return r;
	}
	return 0;
}

int ob_cgroup_groups_release(struct ob_cgroup_group *g, size_t n, struct ob_err *err)
{
	int res = 0;
	for (size_t i = 0; i < n; i++) {
		if (g[i].cg && g[i].made) {
			struct ob_err e = {0};
			ob_cgroup_kill(g[i].cg, SIGKILL, &e);
			int r = ob_cgroup_destroy(g[i].cg, 5000, &e);
			if (r < 0 && res == 0) {
				res = r;
				if (err)
					*err = e;
			}
		}
		ob_cgroup_free(g[i].cg);
		g[i].cg = NULL;
	}
	return res;
}
