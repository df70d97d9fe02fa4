/* container-verbs.c - the verbs that act on a container through its cgroup: pause,
 * resume, update, ps (its pids) and events (stats, OOM kills). Each locks the container,
 * loads its state, opens its cgroup and acts; the applets parse, call one and print. The
 * other verbs: create in container.c, start/kill/delete/run in lifecycle.c, exec in
 * exec.c. */
#include <time.h>

#include "cgroup.h"
#include "cgroup/systemd.h"
#include "container.h"
#include "state.h"
#include "util.h"

/* A container opened for a verb: locked, its state, its cgroup. */
struct opened {
	struct ob_state *st;
	struct ob_cgroup *cg;
	int lock;
};

static void opened_close(struct opened *c)
{
	ob_state_free(c->st);
	ob_cgroup_free(c->cg);
	if (c->lock >= 0)
		close(c->lock);
}

#define _cleanup_opened_ _cleanup_(opened_close)

static int open_container(const char *root, const char *id, struct opened *c, struct ob_err *err)
{
	*c = (struct opened){.lock = -1};
	return ob_cgroup_of_container(root, id, &c->st, &c->cg, &c->lock, err);
}

static int refuse_stopped(const struct opened *c, const char *id, struct ob_err *err)
{
	if (ob_state_status(c->st) == OB_STATUS_STOPPED)
		return ob_error_msg(err, EINVAL, "container `%s` is stopped", id);
	return 0;
}

int ob_container_pause(const char *root, const char *id, struct ob_err *err)
{
	_cleanup_opened_ struct opened c = {.lock = -1};
	int r = open_container(root, id, &c, err);
	if (r < 0)
		return r;
	enum ob_status s = ob_state_status(c.st);
	if (s == OB_STATUS_PAUSED)
		return ob_error_msg(err, EINVAL, "container `%s` is already paused", id);
	if (s != OB_STATUS_RUNNING && s != OB_STATUS_CREATED)
		return ob_error_msg(err, EINVAL, "container `%s` is not running (%s)", id,
				    ob_status_name(s));
	return ob_cgroup_freeze(c.cg, err);
}

int ob_container_resume(const char *root, const char *id, struct ob_err *err)
{
	_cleanup_opened_ struct opened c = {.lock = -1};
	int r = open_container(root, id, &c, err);
	if (r < 0)
		return r;
	enum ob_status s = ob_state_status(c.st);
	if (s != OB_STATUS_PAUSED)
		return ob_error_msg(err, EINVAL, "container `%s` is not paused (%s)", id,
				    ob_status_name(s));
	return ob_cgroup_thaw(c.cg, err);
}

int ob_container_update(const char *root, const char *id, struct ob_resources *res,
			struct ob_err *err)
{
	_cleanup_opened_ struct opened c = {.lock = -1};
	int r = open_container(root, id, &c, err);
	if (r < 0 || (r = refuse_stopped(&c, id, err)) < 0)
		return r;
	/* devices stay as created (runc update leaves them too): a resources object copied
	 * from a spec carries its leading deny-all, which alone would cut /dev/null off */
	size_t n_devices = res->n_devices;
	res->n_devices = 0;
	r = ob_cgroup_apply(c.cg, res, err);
	/* a systemd scope's unit properties follow, or systemd would restore the old ones */
	const char *unit = r == 0 ? ob_state_get_ext(c.st, "systemd_unit") : NULL;
	if (unit) {
		struct ob_systemd_unit u = {0};
		snprintf(u.unit, sizeof(u.unit), "%s", unit);
		r = ob_systemd_set(&u, res, err);
	}
	res->n_devices = n_devices;
	return r;
}

int ob_container_pids(const char *root, const char *id, pid_t **ret, size_t *ret_n,
		      struct ob_err *err)
{
	_cleanup_opened_ struct opened c = {.lock = -1};
	*ret = NULL;
	*ret_n = 0;
	int r = open_container(root, id, &c, err);
	if (r < 0)
		return r;
	r = ob_cgroup_pids(c.cg, ret, ret_n, err);
	if (r == -ENOENT && ob_state_status(c.st) == OB_STATUS_STOPPED) {
		/* a stopped container whose cgroup is gone has no processes */
		free(*ret);
		*ret = NULL;
		*ret_n = 0;
		return 0;
	}
	return r;
}

static void sleep_ns(uint64_t ns)
{
	struct timespec ts = {(time_t)(ns / 1000000000ULL), (long)(ns % 1000000000ULL)};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static int emit_stats(const struct ob_cgroup *cg, const char *id, const struct ob_events_sink *to,
		      struct ob_err *err)
{
	struct ob_cgroup_stats stats;
	int r = ob_cgroup_stats(cg, &stats, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *json = ob_state_event_json("stats", id, &stats);
	ob_cgroup_stats_free(&stats);
	to->emit(to->ctx, json);
	return 0;
}

int ob_container_events(const char *root, const char *id, bool once, uint64_t interval_ns,
			const struct ob_events_sink *to, struct ob_err *err)
{
	_cleanup_opened_ struct opened c = {.lock = -1};
	int r = open_container(root, id, &c, err);
	if (r < 0 || (r = refuse_stopped(&c, id, err)) < 0)
		return r;
	close(TAKE_FD(c.lock)); /* a watcher must not hold the container */
	if (once)
		return emit_stats(c.cg, id, to, err);
	/* OOM kills are seen by polling the cgroup's counter (v1 memory.oom_control,
	 * v2 memory.events) ten times a second; stats every interval. */
	uint64_t ooms = 0, next = ob_now_ns();
	/* OOM kills before we started are not events */
	ob_cgroup_oom_kills(c.cg, &ooms, NULL);
	for (;;) {
		uint64_t n = 0;
		if (ob_cgroup_oom_kills(c.cg, &n, NULL) == 0 && n > ooms) {
			ooms = n;
			_cleanup_free_ char *json = ob_state_event_json("oom", id, NULL);
			to->emit(to->ctx, json);
		}
		if (ob_state_status(c.st) == OB_STATUS_STOPPED)
			return 0;
		uint64_t now = ob_now_ns();
		if (now >= next) {
			if (emit_stats(c.cg, id, to, err) < 0 && ob_cgroup_exists(c.cg))
				return -(err->code ? err->code : EIO);
			next = now + interval_ns;
		}
		uint64_t cur = ob_now_ns(), wait = next > cur ? next - cur : 0;
		sleep_ns(wait < 100000000ULL ? wait : 100000000ULL);
	}
}
