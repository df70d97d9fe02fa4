/* systemd.c - the systemd cgroup driver over sd-bus (see systemd.h). The D-Bus API is
 * org.freedesktop.systemd1(5): StartTransientUnit, SetUnitProperties, StopUnit, and the
 * JobRemoved signal that says when a job has finished. */
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../util.h"
#include "systemd.h"

static bool unit_name_ok(const char *s)
{
	if (!*s || strlen(s) >= 200)
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || strchr(":-_.\\@", *p)))
			return false;
	return true;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && streq(s + a - b, suffix);
}

int ob_systemd_unit_parse(const char *cgroups_path, const char *id, struct ob_systemd_unit *ret,
			  struct ob_err *err)
{
	_cleanup_free_ char *copy = NULL;
	if (!cgroups_path || !*cgroups_path)
		copy = ob_xasprintf(":ocibox:%s", id ? id : "");
	else
		copy = ob_xstrdup(cgroups_path);
	const char *shown = cgroups_path && *cgroups_path ? cgroups_path : copy;
	char *c1 = strchr(copy, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	if (!c1 || !c2 || strchr(c2 + 1, ':'))
		return ob_error_msg(
		    err, EINVAL,
		    "cgroupsPath `%s`: expected `slice:prefix:name` with --systemd-cgroup", shown);
	*c1 = *c2 = '\0';
	const char *slice = copy, *prefix = c1 + 1, *name = c2 + 1;
	if (!*slice)
		slice = geteuid() == 0 ? "system.slice" : "user.slice";
	if (!unit_name_ok(name) || (*prefix && !unit_name_ok(prefix)))
		return ob_error_msg(err, EINVAL, "cgroupsPath `%s`: invalid systemd unit name",
				    shown);
	if (!ends_with(slice, ".slice") || strlen(slice) < 7 || !unit_name_ok(slice) ||
	    (slice[0] == '-' && !streq(slice, "-.slice")) || strstr(slice, "--") ||
	    ends_with(slice, "-.slice") != streq(slice, "-.slice"))
		return ob_error_msg(err, EINVAL, "cgroupsPath `%s`: `%s` is not a slice", shown,
				    slice);
	struct ob_systemd_unit u = {0};
	snprintf(u.slice, sizeof(u.slice), "%s", slice);
	if (ends_with(name, ".slice")) {
		snprintf(u.unit, sizeof(u.unit), "%s", name);
		u.is_slice = true;
	} else {
		snprintf(u.unit, sizeof(u.unit), "%s%s%s.scope", prefix, *prefix ? "-" : "", name);
	}
	*ret = u;
	return 0;
}

static void holder_end(struct ob_systemd_scope *sc)
{
	if (sc->holder <= 0)
		return;
	kill(sc->holder, SIGKILL);
	while (waitpid(sc->holder, NULL, 0) < 0 && errno == EINTR)
		;
	sc->holder = 0;
}

int ob_systemd_scope_begin(struct ob_systemd_scope *sc, const char *cgroups_path, const char *id,
			   const struct ob_resources *res, struct ob_err *err)
{
	*sc = (struct ob_systemd_scope){0};
	int r = ob_systemd_unit_parse(cgroups_path, id, &sc->u, err);
	if (r < 0)
		return r;
	if (!ob_systemd_built())
		return ob_systemd_start(&sc->u, 0, NULL, err); /* the "not built" error */
	pid_t parent = getpid();
	sc->holder = fork();
	if (sc->holder < 0)
		return ob_error(err, errno, "systemd: fork the scope's first process");
	if (sc->holder == 0) {
		/* gone with us if we die (a killed create leaves no holder) */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(0);
		for (;;)
			pause();
	}
	struct ob_resources first = res ? *res : (struct ob_resources){0};
	first.has_pids = false; /* after the holder is gone */
	r = ob_systemd_start(&sc->u, sc->u.is_slice ? 0 : sc->holder, &first, err);
	if (r < 0) {
		holder_end(sc);
		/* a job that failed may leave the unit loaded and failed */
		struct ob_err e2;
		ob_systemd_stop(&sc->u, &e2);
		return r;
	}
	sc->started = true;
	return 0;
}

int ob_systemd_scope_settle(struct ob_systemd_scope *sc, const struct ob_resources *res,
			    struct ob_err *err)
{
	holder_end(sc);
	if (!sc->started || !res || !res->has_pids)
		return 0;
	struct ob_resources pids = {.has_pids = true, .pids_limit = res->pids_limit};
	return ob_systemd_set(&sc->u, &pids, err);
}

void ob_systemd_scope_abort(struct ob_systemd_scope *sc)
{
	holder_end(sc);
	if (sc->started) {
		struct ob_err e2;
		ob_systemd_stop(&sc->u, &e2);
		sc->started = false;
	}
}

#ifndef OB_HAVE_SYSTEMD

bool ob_systemd_built(void)
{
	return false;
}

bool ob_systemd_available(void)
{
	return false;
}

static int not_built(struct ob_err *err)
{
	return ob_error_msg(err, ENOTSUP,
			    "--systemd-cgroup: this ocibox is built without the systemd cgroup "
			    "driver (a static build has no libsystemd); use cgroupfs paths");
}

int ob_systemd_start(const struct ob_systemd_unit *u, pid_t pid, const struct ob_resources *res,
		     struct ob_err *err)
{
	return not_built(err);
}

int ob_systemd_manager_cgroup(char **ret, struct ob_err *err)
{
	return not_built(err);
}

int ob_systemd_set(const struct ob_systemd_unit *u, const struct ob_resources *res,
		   struct ob_err *err)
{
	return not_built(err);
}

int ob_systemd_stop(const struct ob_systemd_unit *u, struct ob_err *err)
{
	return not_built(err);
}

#else /* OB_HAVE_SYSTEMD */

#include <systemd/sd-bus.h>
#include <time.h>

#define DEST		 "org.freedesktop.systemd1"
#define OPATH		 "/org/freedesktop/systemd1"
#define IFACE		 "org.freedesktop.systemd1.Manager"
/* A bound on every wait for systemd: a job that does not finish is an error, not a hang. */
#define JOB_TIMEOUT_USEC (30ULL * 1000 * 1000)

static void busp(sd_bus **b)
{
	if (*b)
		sd_bus_flush_close_unref(*b);
}
static void msgp(sd_bus_message **m)
{
	sd_bus_message_unref(*m);
}
static void errp(sd_bus_error *e)
{
	sd_bus_error_free(e);
}

bool ob_systemd_built(void)
{
	return true;
}

static int bus_open(sd_bus **ret)
{
	/* root talks to PID 1 on the system bus; a rootless caller to its own manager */
	return geteuid() == 0 ? sd_bus_open_system(ret) : sd_bus_open_user(ret);
}

bool ob_systemd_available(void)
{
	if (access("/run/systemd/system", F_OK) < 0)
		return false;
	_cleanup_(busp) sd_bus *bus = NULL;
	if (bus_open(&bus) < 0)
		return false;
	_cleanup_(errp) sd_bus_error e = SD_BUS_ERROR_NULL;
	_cleanup_(msgp) sd_bus_message *reply = NULL;
	return sd_bus_get_property(bus, DEST, OPATH, IFACE, "Version", &e, &reply, "s") >= 0;
}

int ob_systemd_manager_cgroup(char **ret, struct ob_err *err)
{
	if (geteuid() == 0) {
		*ret = ob_xstrdup("");
		return 0;
	}
	_cleanup_(busp) sd_bus *bus = NULL;
	int r = bus_open(&bus);
	if (r < 0)
		return ob_error(err, -r, "systemd: connecting to the user bus");
	_cleanup_(errp) sd_bus_error e = SD_BUS_ERROR_NULL;
	char *cg = NULL;
	r = sd_bus_get_property_string(bus, DEST, OPATH, IFACE, "ControlGroup", &e, &cg);
	if (r < 0)
		return ob_error_msg(err, -r, "systemd: the user manager's ControlGroup: %s",
				    e.message ? e.message : strerror(-r));
	/* "/" would double the slash in front of the slices */
	if (streq(cg, "/"))
		cg[0] = '\0';
	*ret = cg;
	return 0;
}

struct job_wait {
	const char *job; /* the object path StartTransientUnit/StopUnit returned */
	bool done;
	char result[32];
};

static int on_job_removed(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
	struct job_wait *w = userdata;
	uint32_t id;
	const char *path, *unit, *result;
	if (sd_bus_message_read(m, "uoss", &id, &path, &unit, &result) < 0)
		return 0;
	if (w->job && streq(path, w->job)) {
		w->done = true;
		snprintf(w->result, sizeof(w->result), "%s", result);
	}
	return 0;
}

static uint64_t now_usec(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* Process the bus until the job that reply (to StartTransientUnit or StopUnit) names is
 * removed, at most JOB_TIMEOUT_USEC. */
static int job_wait(sd_bus *bus, sd_bus_message *reply, struct job_wait *w, const char *what,
		    const char *unit, struct ob_err *err)
{
	const char *job;
	int r = sd_bus_message_read(reply, "o", &job);
	if (r < 0)
		return ob_error(err, -r, "systemd: %s `%s`: reading the reply", what, unit);
	w->job = job; /* reply outlives the wait */
	uint64_t end = now_usec() + JOB_TIMEOUT_USEC;
	while (!w->done) {
		r = sd_bus_process(bus, NULL);
		if (r < 0)
			return ob_error(err, -r, "systemd: %s `%s`: reading the bus", what, unit);
		if (r > 0)
			continue;
		uint64_t now = now_usec();
		if (now >= end)
			return ob_error_msg(err, ETIMEDOUT,
					    "systemd: %s `%s`: job %s did not finish in %llu s",
					    what, unit, w->job, JOB_TIMEOUT_USEC / 1000000);
		r = sd_bus_wait(bus, end - now);
		if (r < 0)
			return ob_error(err, -r, "systemd: %s `%s`: waiting on the bus", what,
					unit);
	}
	if (!streq(w->result, "done"))
		return ob_error_msg(err, EIO, "systemd: %s `%s`: job %s", what, unit, w->result);
	return 0;
}

/* The bus, subscribed to JobRemoved (systemd sends job signals only to subscribers). */
static int bus_connect(sd_bus **ret, struct job_wait *w, const char *what, const char *unit,
		       struct ob_err *err)
{
	_cleanup_(busp) sd_bus *bus = NULL;
	int r = bus_open(&bus);
	if (r < 0)
		return ob_error(err, -r, "systemd: %s `%s`: connecting to the %s bus", what, unit,
				geteuid() == 0 ? "system" : "user");
	r = sd_bus_match_signal(bus, NULL, DEST, OPATH, IFACE, "JobRemoved", on_job_removed, w);
	if (r < 0)
		return ob_error(err, -r, "systemd: %s `%s`: match JobRemoved", what, unit);
	_cleanup_(errp) sd_bus_error e = SD_BUS_ERROR_NULL;
	r = sd_bus_call_method(bus, DEST, OPATH, IFACE, "Subscribe", &e, NULL, NULL);
	if (r < 0)
		return ob_error_msg(err, -r, "systemd: %s `%s`: Subscribe: %s", what, unit,
				    e.message ? e.message : strerror(-r));
	*ret = TAKE_PTR(bus);
	return 0;
}

/* (sv) helpers: one property each. */
static int prop_t(sd_bus_message *m, const char *name, uint64_t v)
{
	return sd_bus_message_append(m, "(sv)", name, "t", v);
}

static int prop_bits(sd_bus_message *m, const char *name, const char *list)
{
	unsigned long mask[1024 / (8 * sizeof(unsigned long))] = {0};
	int n = ob_parse_bit_list(list, mask, 1024);
	if (n < 0)
		return n;
	/* systemd's byte order: bit i of byte i/8 (little-endian bytes of the mask) */
	uint8_t bytes[128] = {0};
	size_t nb = ((size_t)n + 7) / 8;
	for (int i = 0; i < n; i++)
		if (mask[i / (8 * sizeof(unsigned long))] &
		    (1UL << (i % (8 * sizeof(unsigned long)))))
			bytes[i / 8] |= (uint8_t)(1u << (i % 8));
	int r = sd_bus_message_open_container(m, 'r', "sv");
	if (r >= 0)
		r = sd_bus_message_append(m, "s", name);
	if (r >= 0)
		r = sd_bus_message_open_container(m, 'v', "ay");
	if (r >= 0)
		r = sd_bus_message_append_array(m, 'y', bytes, nb);
	if (r >= 0)
		r = sd_bus_message_close_container(m);
	if (r >= 0)
		r = sd_bus_message_close_container(m);
	return r;
}

/* DeviceAllow entries for one allow rule, or false when systemd cannot say it. */
static bool device_spec(const struct ob_device_cgroup *d, char *buf, size_t len)
{
	char type = d->type ? d->type : 'a';
	if (type == 'a')
		return false;
	const char *kind = type == 'b' ? "block" : "char";
	if (!d->has_major) {
		if (d->has_minor)
			return false;
		snprintf(buf, len, "%s-*", kind);
		return true;
	}
	if (d->has_minor) {
		snprintf(buf, len, "/dev/%s/%lld:%lld", kind, (long long)d->major,
			 (long long)d->minor);
		return true;
	}
	/* a whole major: systemd names it by its /proc/devices name ("char-pts") */
	_cleanup_fclose_ FILE *f = fopen("/proc/devices", "re");
	if (!f)
		return false;
	char line[256];
	bool in = false;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "Character devices:", 18) ||
		    !strncmp(line, "Block devices:", 14)) {
			in = (type == 'c') == !strncmp(line, "Character", 9);
			continue;
		}
		long long maj;
		char name[128];
		if (in && sscanf(line, "%lld %127s", &maj, name) == 2 && maj == d->major) {
			snprintf(buf, len, "%s-%s", kind, name);
			return true;
		}
	}
	return false;
}

/* DevicePolicy=strict + DeviceAllow where the rules are "deny all" followed by allows (the
 * usual form, runc's default devices included); anything else is left to ocibox's own
 * device program, which is attached beside systemd's in either case. */
static int prop_devices(sd_bus_message *m, const struct ob_resources *res)
{
	if (!res->n_devices)
		return 0;
	const struct ob_device_cgroup *first = &res->devices[0];
	if (first->allow || (first->type && first->type != 'a') || !strchr(first->access, 'r') ||
	    !strchr(first->access, 'w') || !strchr(first->access, 'm'))
		return 0;
	char specs[64][160];
	const char *acc[64];
	size_t n = 0;
	for (size_t i = 1; i < res->n_devices; i++) {
		const struct ob_device_cgroup *d = &res->devices[i];
		if (!d->allow || n == 64 || !device_spec(d, specs[n], sizeof(specs[n])))
			return 0;
		acc[n++] = d->access && *d->access ? d->access : "rwm";
	}
	int r = sd_bus_message_append(m, "(sv)", "DevicePolicy", "s", "strict");
	if (r < 0)
		return r;
	if ((r = sd_bus_message_open_container(m, 'r', "sv")) < 0 ||
	    (r = sd_bus_message_append(m, "s", "DeviceAllow")) < 0 ||
	    (r = sd_bus_message_open_container(m, 'v', "a(ss)")) < 0 ||
	    (r = sd_bus_message_open_container(m, 'a', "(ss)")) < 0)
		return r;
	for (size_t i = 0; i < n; i++)
		if ((r = sd_bus_message_append(m, "(ss)", specs[i], acc[i])) < 0)
			return r;
	if ((r = sd_bus_message_close_container(m)) < 0 ||
	    (r = sd_bus_message_close_container(m)) < 0)
		return r;
	return sd_bus_message_close_container(m);
}

/* The resources systemd can express, in its units (systemd.resource-control(5)); the
 * conversions are runc's (cpu.shares -> CPUWeight, blkio weight -> IOWeight). */
static int prop_resources(sd_bus_message *m, const struct ob_resources *res)
{
	int r = 0;
	const struct ob_memory *mem = &res->memory;
	if (mem->has_limit && mem->limit > 0)
		r = prop_t(m, "MemoryMax", (uint64_t)mem->limit);
	else if (mem->has_limit && mem->limit == -1)
		r = prop_t(m, "MemoryMax", UINT64_MAX);
	if (r >= 0 && mem->has_reservation && mem->reservation > 0)
		r = prop_t(m, "MemoryLow", (uint64_t)mem->reservation);
	/* the spec's swap is memory+swap; systemd's MemorySwapMax is swap alone */
	if (r >= 0 && mem->has_swap && mem->swap == -1)
		r = prop_t(m, "MemorySwapMax", UINT64_MAX);
	else if (r >= 0 && mem->has_swap && mem->swap > 0 && mem->has_limit && mem->limit > 0 &&
		 mem->swap >= mem->limit)
		r = prop_t(m, "MemorySwapMax", (uint64_t)(mem->swap - mem->limit));
	if (r >= 0 && res->has_pids)
		r = prop_t(m, "TasksMax",
			   res->pids_limit > 0 ? (uint64_t)res->pids_limit : UINT64_MAX);
	const struct ob_cpu *cpu = &res->cpu;
	if (r >= 0 && cpu->has_shares && cpu->shares >= 2)
		r = prop_t(m, "CPUWeight", 1 + ((cpu->shares - 2) * 9999) / 262142);
	if (r >= 0 && (cpu->has_quota || cpu->has_period)) {
		uint64_t period = cpu->has_period && cpu->period ? cpu->period : 100000;
		if (cpu->has_period && cpu->period)
			r = prop_t(m, "CPUQuotaPeriodUSec", period);
		if (r >= 0 && cpu->has_quota)
			r = prop_t(m, "CPUQuotaPerSecUSec",
				   cpu->quota > 0
				       ? ((uint64_t)cpu->quota * 1000000 + period - 1) / period
				       : UINT64_MAX);
	}
	if (r >= 0 && cpu->cpus && *cpu->cpus)
		r = prop_bits(m, "AllowedCPUs", cpu->cpus);
	if (r >= 0 && cpu->mems && *cpu->mems)
		r = prop_bits(m, "AllowedMemoryNodes", cpu->mems);
	if (r >= 0 && res->blkio.has_weight && res->blkio.weight >= 10)
		r = prop_t(m, "IOWeight", 1 + ((uint64_t)res->blkio.weight - 10) * 9999 / 990);
	if (r >= 0)
		r = prop_devices(m, res);
	return r;
}

static int call_error(struct ob_err *err, int r, const sd_bus_error *e, const char *what,
		      const char *unit)
{
	return ob_error_msg(err, -r, "systemd: %s `%s`: %s", what, unit,
			    e->message ? e->message : strerror(-r));
}

int ob_systemd_start(const struct ob_systemd_unit *u, pid_t pid, const struct ob_resources *res,
		     struct ob_err *err)
{
	const char *what = "start transient unit";
	struct job_wait w = {0};
	_cleanup_(busp) sd_bus *bus = NULL;
	int r = bus_connect(&bus, &w, what, u->unit, err);
	if (r < 0)
		return r;
	_cleanup_(msgp) sd_bus_message *m = NULL, *reply = NULL;
	_cleanup_(errp) sd_bus_error e = SD_BUS_ERROR_NULL;
	char desc[300];
	snprintf(desc, sizeof(desc), "ocibox container %s", u->unit);
	r = sd_bus_message_new_method_call(bus, &m, DEST, OPATH, IFACE, "StartTransientUnit");
	if (r >= 0)
		r = sd_bus_message_append(m, "ss", u->unit, "replace");
	if (r >= 0)
		r = sd_bus_message_open_container(m, 'a', "(sv)");
	if (r >= 0)
		r = sd_bus_message_append(m, "(sv)(sv)(sv)", "Description", "s", desc, "Slice", "s",
					  u->slice, "DefaultDependencies", "b", 0);
	/* the container manages its own cgroup below the unit (runc: Delegate=yes) */
	if (r >= 0)
		r = sd_bus_message_append(m, "(sv)(sv)(sv)(sv)(sv)", "Delegate", "b", 1,
					  "MemoryAccounting", "b", 1, "CPUAccounting", "b", 1,
					  "IOAccounting", "b", 1, "TasksAccounting", "b", 1);
	if (r >= 0 && !u->is_slice && pid > 0)
		r = sd_bus_message_append(m, "(sv)", "PIDs", "au", 1, (uint32_t)pid);
	if (r >= 0 && res)
		r = prop_resources(m, res);
	if (r >= 0)
		r = sd_bus_message_close_container(m);
	if (r >= 0)
		r = sd_bus_message_append(m, "a(sa(sv))", 0);
	if (r < 0)
		return ob_error(err, -r, "systemd: %s `%s`: building the message", what, u->unit);
	r = sd_bus_call(bus, m, JOB_TIMEOUT_USEC, &e, &reply);
	if (r < 0)
		return call_error(err, r, &e, what, u->unit);
	r = job_wait(bus, reply, &w, what, u->unit, err);
	return r;
}

int ob_systemd_set(const struct ob_systemd_unit *u, const struct ob_resources *res,
		   struct ob_err *err)
{
	const char *what = "set unit properties";
	_cleanup_(busp) sd_bus *bus = NULL;
	int r = bus_open(&bus);
	if (r < 0)
		return ob_error(err, -r, "systemd: %s `%s`: connecting to the bus", what, u->unit);
	_cleanup_(msgp) sd_bus_message *m = NULL;
	_cleanup_(errp) sd_bus_error e = SD_BUS_ERROR_NULL;
	r = sd_bus_message_new_method_call(bus, &m, DEST, OPATH, IFACE, "SetUnitProperties");
	if (r >= 0)
		r = sd_bus_message_append(m, "sb", u->unit, 1);
	if (r >= 0)
		r = sd_bus_message_open_container(m, 'a', "(sv)");
	if (r >= 0)
		r = prop_resources(m, res);
	if (r >= 0)
		r = sd_bus_message_close_container(m);
	if (r < 0)
		return ob_error(err, -r, "systemd: %s `%s`: building the message", what, u->unit);
	r = sd_bus_call(bus, m, JOB_TIMEOUT_USEC, &e, NULL);
	if (r < 0)
		return call_error(err, r, &e, what, u->unit);
	return 0;
}

int ob_systemd_stop(const struct ob_systemd_unit *u, struct ob_err *err)
{
	const char *what = "stop unit";
	struct job_wait w = {0};
	_cleanup_(busp) sd_bus *bus = NULL;
	int r = bus_connect(&bus, &w, what, u->unit, err);
	if (r < 0)
		return r;
	_cleanup_(msgp) sd_bus_message *reply = NULL;
	_cleanup_(errp) sd_bus_error e = SD_BUS_ERROR_NULL;
	r = sd_bus_call_method(bus, DEST, OPATH, IFACE, "StopUnit", &e, &reply, "ss", u->unit,
			       "replace");
	if (r < 0) {
		if (sd_bus_error_has_name(&e, "org.freedesktop.systemd1.NoSuchUnit"))
			return 0;
		return call_error(err, r, &e, what, u->unit);
	}
	r = job_wait(bus, reply, &w, what, u->unit, err);
	/* a scope whose processes were killed may stay "failed": forget it (runc) */
	sd_bus_error_free(&e);
	sd_bus_call_method(bus, DEST, OPATH, IFACE, "ResetFailedUnit", &e, NULL, "s", u->unit);
	return r;
}

#endif /* OB_HAVE_SYSTEMD */
