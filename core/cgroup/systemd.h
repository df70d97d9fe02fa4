/* systemd.h - the systemd cgroup driver: a container's cgroup as a transient scope unit that
 * systemd creates over D-Bus (sd-bus, libsystemd), as runc's and crun's systemd drivers do,
 * so systemd knows the cgroup and does not fight over it.
 *
 * Built only where libsystemd is (the dynamic build: OB_HAVE_SYSTEMD); elsewhere every call
 * fails with one line saying this ocibox has no systemd driver. Only this file's .c
 * includes <systemd/sd-bus.h>.
 */
#ifndef OB_CGROUP_SYSTEMD_H
#define OB_CGROUP_SYSTEMD_H

#include <stdbool.h>
#include <sys/types.h>

#include "../err.h"
#include "../spec.h"

/* A unit named by cgroupsPath "slice:prefix:name" (runc's rules): the slice ("" means
 * system.slice, user.slice for a rootless caller, "-.slice" the root slice) and the unit,
 * "prefix-name.scope", or "name" itself when it ends in ".slice". */
struct ob_systemd_unit {
	char slice[256];
	char unit[256];
	bool is_slice; /* the container's cgroup is a slice unit: no PIDs, join by hand */
};

/* Whether the driver is compiled in (the static build has none). */
bool ob_systemd_built(void);
/* Whether it is built and a systemd manager answers on the bus (system bus for root, the
 * user's bus otherwise). */
bool ob_systemd_available(void);

/* The cgroup of the manager ocibox talks to, into *ret (malloc'd): "" for the system
 * manager (PID 1 owns the root), "/user.slice/user-1000.slice/user@1000.service" for a
 * user's own manager, under which its slices and scopes live. */
int ob_systemd_manager_cgroup(char **ret, struct ob_err *err);

/* Split "slice:prefix:name" (id fills an empty spec as "system.slice:ocibox:ID").
 * Errors name the cgroupsPath. */
int ob_systemd_unit_parse(const char *cgroups_path, const char *id, struct ob_systemd_unit *ret,
			  struct ob_err *err);

/* StartTransientUnit: the scope with pid in it (none for a slice unit), Delegate=yes, the
 * resources as unit properties (MemoryMax, MemorySwapMax, MemoryLow, TasksMax, CPUWeight,
 * CPUQuotaPerSecUSec, CPUQuotaPeriodUSec, AllowedCPUs, AllowedMemoryNodes, IOWeight,
 * DevicePolicy/DeviceAllow where the device rules are "deny all, then allow"), and waits,
 * bounded, for the job to finish. What systemd cannot express the caller writes to the
 * cgroup files afterwards. */
int ob_systemd_start(const struct ob_systemd_unit *u, pid_t pid, const struct ob_resources *res,
		     struct ob_err *err);
/* SetUnitProperties(runtime) with the resources that res sets (update). */
int ob_systemd_set(const struct ob_systemd_unit *u, const struct ob_resources *res,
		   struct ob_err *err);
/* StopUnit and wait; a unit that is not loaded (already gone) is no error. */
int ob_systemd_stop(const struct ob_systemd_unit *u, struct ob_err *err);

/* A container's scope through create. systemd refuses a scope without processes, and the
 * init must start inside its cgroup (clone3 CLONE_INTO_CGROUP, so its cgroup namespace is
 * rooted there): a holder process (a fork that only waits) is the scope's first member,
 * the init is cloned into the scope's cgroup, then the holder goes. The pids limit is set
 * after that (the holder must not count against it). */
struct ob_systemd_scope {
	struct ob_systemd_unit u;
	pid_t holder;
	bool started;
};
/* Parse, fork the holder, start the unit with res (less pids) as properties. */
int ob_systemd_scope_begin(struct ob_systemd_scope *sc, const char *cgroups_path, const char *id,
			   const struct ob_resources *res, struct ob_err *err);
/* The init is in: the holder goes (killed, reaped); TasksMax from res when it sets pids. */
int ob_systemd_scope_settle(struct ob_systemd_scope *sc, const struct ob_resources *res,
			    struct ob_err *err);
/* Failure: the holder goes and the unit is stopped (nothing of it is left). */
void ob_systemd_scope_abort(struct ob_systemd_scope *sc);

#endif
