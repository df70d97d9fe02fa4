/* state.c - a container's cgroup from its state: the glue between core/state and
 * core/cgroup that the container module and the oci-pause/resume/update/ps/events applets
 * use. */
#include "../cgroup.h"
#include "../state.h"
#include "../util.h"

int ob_cgroup_open_state(const struct ob_state *st, struct ob_cgroup **ret, struct ob_err *err)
{
	*ret = NULL;
	if (!st->cgroup_path)
		return 0;
	/* the tree the container was created in (a test root), else the host's */
	const char *root = ob_state_get_ext(st, "cgroup_root");
	const char *cur = ob_cgroup_root();
	if ((root && (!cur || !streq(root, cur))) || (!root && cur))
		ob_cgroup_set_root(root);
	int r = ob_cgroup_open(st->cgroup_path, st->id, false, ret, err);
	if (r < 0)
		return ob_error_prefix(err, r, "container `%s`", st->id);
	return 0;
}

int ob_cgroup_of_container(const char *root, const char *id, struct ob_state **ret_st,
			   struct ob_cgroup **ret_cg, int *ret_lock, struct ob_err *err)
{
	_cleanup_close_ int lock = -1;
	struct ob_state *st = NULL;
	struct ob_cgroup *cg = NULL;
	int r = ob_state_lock(root, id, &lock, err);
	if (r < 0)
		return r;
	if ((r = ob_state_load(root, id, &st, err)) < 0)
		return r;
	if ((r = ob_cgroup_open_state(st, &cg, err)) < 0) {
		ob_state_free(st);
		return r;
	}
	if (!cg) {
		ob_state_free(st);
		return ob_error_msg(err, ENOENT, "container `%s` has no cgroup", id);
	}
	*ret_st = st;
	*ret_cg = cg;
	*ret_lock = TAKE_FD(lock);
	return 0;
}

bool ob_cgroup_state_frozen(const struct ob_state *st)
{
	struct ob_cgroup *cg = NULL;
	if (ob_cgroup_open_state(st, &cg, NULL) < 0 || !cg)
		return false;
	enum ob_freezer_state fs = OB_FREEZER_THAWED;
	bool frozen = ob_cgroup_freezer_state(cg, &fs, NULL) == 0 && fs == OB_FREEZER_FROZEN;
	ob_cgroup_free(cg);
	return frozen;
}

/* runc's default device rules (libcontainer/specconv AllowedDevices), added after the
 * spec's own when it has any: mknod of anything, the standard character devices, ptys,
 * tun. Without them the usual leading deny-all would leave no /dev/null. */
#define DEV(t, maj, min, acc)                                                                      \
	{                                                                                          \
		.allow = true, .type = t, .has_major = (maj) >= 0, .major = maj,                   \
		.has_minor = (min) >= 0, .minor = min, .access = (char *)acc                       \
	}
static const struct ob_device_cgroup default_devices[] = {
    DEV('c', -1, -1, "m"), DEV('b', -1, -1, "m"),    DEV('c', 1, 3, "rwm"),
    DEV('c', 1, 8, "rwm"), DEV('c', 1, 7, "rwm"),    DEV('c', 5, 0, "rwm"),
    DEV('c', 1, 5, "rwm"), DEV('c', 1, 9, "rwm"),    DEV('c', 136, -1, "rwm"),
    DEV('c', 5, 2, "rwm"), DEV('c', 10, 200, "rwm"),
};

struct ob_resources ob_cgroup_spec_resources(const struct ob_spec *spec,
					     struct ob_device_cgroup **ret_devs)
{
	struct ob_resources res = spec->linux_.resources; /* shallow: only devices change */
	*ret_devs = NULL;
	if (res.n_devices) {
		size_t n = res.n_devices + ARRAY_SIZE(default_devices) + spec->linux_.n_devices,
		       k = 0;
		struct ob_device_cgroup *devs = ob_xcalloc(n, sizeof(*devs));
		for (size_t i = 0; i < res.n_devices; i++)
			devs[k++] = res.devices[i];
		for (size_t i = 0; i < ARRAY_SIZE(default_devices); i++)
			devs[k++] = default_devices[i];
		/* the devices linux.devices creates are usable in the container (runc) */
		for (size_t i = 0; i < spec->linux_.n_devices; i++) {
			const struct ob_device *d = &spec->linux_.devices[i];
			if (d->type != 'c' && d->type != 'b' && d->type != 'u')
				continue;
			devs[k++] = (struct ob_device_cgroup){.allow = true,
							      .type = d->type == 'b' ? 'b' : 'c',
							      .has_major = true,
							      .major = d->major,
							      .has_minor = true,
							      .minor = d->minor,
							      .access = (char *)"rwm"};
		}
		res.devices = devs;
		res.n_devices = k;
		*ret_devs = devs;
	}
	return res;
}

int ob_cgroup_apply_spec(const struct ob_cgroup *cg, const struct ob_spec *spec, struct ob_err *err)
{
	_cleanup_free_ struct ob_device_cgroup *devs = NULL;
	struct ob_resources res = ob_cgroup_spec_resources(spec, &devs);
	return ob_cgroup_apply(cg, &res, err);
}
