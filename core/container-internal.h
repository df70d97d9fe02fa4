/* container-internal.h - what the parent (container.c) and the init (container-init.c)
 * share: the sync protocol and the arguments prepared before clone. Not a public API. */
#ifndef OB_CONTAINER_INTERNAL_H
#define OB_CONTAINER_INTERNAL_H

#include <linux/sched.h>
#include <signal.h>

#include "container.h"
#include "process.h"
#include "rootfs.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* Everything the init needs, prepared before clone. */
struct init_args {
	const struct ob_create_opts *o;
	const struct ob_spec *spec;
	struct ob_rootfs_ctx rootfs;
	struct ob_proc_ctx proc;
	int sync_fd;
	int fifo_fd;
	int lock_fd;	   /* the state lock: the init must not hold it (flock is per file) */
	int console_fd;	   /* connected --console-socket, -1 */
	int user_ns_fd;	   /* spec user namespace by path, -1 */
	int mount_ns_fd;   /* spec mount namespace by path, -1 */
	int unshare_flags; /* new namespaces to unshare after joining a user ns by path */
	int *idmap_fds;	   /* per spec mount: idmapped detached mount or (bind_src_fds) the
			    * bind source's O_PATH fd, received after GO; -1 */
	bool bind_src_fds; /* the parent opens every bind source (open_bind_sources) */
	bool new_userns, new_netns, new_uts;
	bool maps_by_owner; /* a caller that is not root writes the id maps (stay dumpable) */
	bool no_mntns;	    /* the runtime's mount namespace: chroot, no mount (check_no_mntns) */
	/* cgroup v1, joined by the init itself first thing ("0" into each `tasks` file, see
	 * ob_cgroup_open_tasks); none: the parent moved it (ob_cgroup_enter) */
	int *cg_fds;
	char **cg_dirs;
	size_t n_cg_fds;
	const char *cg_path;
	bool late_cgroupns; /* unshare(CLONE_NEWCGROUP) after joining: the root is its own cgroup */
	bool cg_ack;	    /* OB_SYNC_JOINED to the parent, whose hooks must see the init joined */
	char keyring[300];
};

/* The container's cgroup from linux.cgroupsPath: made and limited (create and restore);
 * *ret NULL with --cgroup-manager disabled or for an unprivileged caller without rights.
 * With --systemd-cgroup a transient scope sc (container.c). */
struct ob_cgroup;
struct ob_systemd_scope;
int ob_container_cgroup(const struct ob_create_opts *o, const struct ob_spec *spec,
			struct ob_cgroup **ret, struct ob_systemd_scope *sc, struct ob_err *err);

/* The container's init, from clone to execve (container-init.c). Never returns. */
__attribute__((noreturn)) void ob_init_main(struct init_args *a);

#endif
