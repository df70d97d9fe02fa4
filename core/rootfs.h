/* rootfs.h - the container's root filesystem: mounts, devices, masked and readonly paths,
 * pivot_root. Runs in the init, in its new mount namespace. */
#ifndef OB_ROOTFS_H
#define OB_ROOTFS_H

#include <stdbool.h>

#include "err.h"
#include "spec.h"

struct ob_rootfs_ctx {
	const struct ob_spec *spec;
	const char *rootfs; /* absolute host path of root.path */
	const char *bundle; /* relative bind sources are relative to it */
	bool userns;	    /* in a new user namespace: devices are bound from the host */
	bool cgroupns;	    /* in a new cgroup namespace */
	/* per spec mount: an idmapped detached mount (open_tree + MOUNT_ATTR_IDMAP, made by
	 * the parent, which has the rights over the filesystem) to move in place, or the
	 * bind source opened O_PATH by the parent (user namespace), or -1 */
	const int *idmap_fds;
};

/* Parent side: the detached idmapped mount for spec mount m (idmap/ridmap), with the
 * mount's own mappings or else those of userns_fd (the container's user namespace). */
int ob_rootfs_idmap_mount(const struct ob_mount *m, const char *bundle, int userns_fd, int *ret_fd,
			  struct ob_err *err);

/* Before pivot_root: "/" made rslave (or rootfsPropagation), the rootfs bound on itself,
 * every spec mount (destinations resolved inside the rootfs: RESOLVE_IN_ROOT), the default
 * devices and linux.devices. */
int ob_rootfs_prepare(const struct ob_rootfs_ctx *c, struct ob_err *err);

/* Switch root to newroot and detach the old one: pivot_root(".", ".") + umount of the old
 * root, or MS_MOVE + chroot when no_pivot is set or the current root is rootfs/ramfs
 * (pivot_root(2) cannot leave it). The cwd is "/" afterwards. Used by pivot-helper too. */
int ob_rootfs_pivot(const char *newroot, bool no_pivot, struct ob_err *err);

/* Before a switch without pivot_root (--no-pivot: MS_MOVE + chroot), which leaves the old
 * root in the mount namespace: unmount (or cover) every full procfs and sysfs mount
 * outside newroot. The kernel allows a new procfs (in a user and pid namespace made in
 * the container) only while one is fully visible in the mount namespace; the host's would
 * be (runc's msMoveRoot does the same). */
int ob_rootfs_hide_host_pseudo_fs(const char *newroot, struct ob_err *err);

/* pivot-helper --move-mounts: MS_MOVE /dev, /proc, /sys and /run into newroot (those that
 * are mount points and have a directory in newroot). */
int ob_rootfs_move_mounts(const char *newroot, struct ob_err *err);

/* After pivot_root: maskedPaths, readonlyPaths, rootfsPropagation, root.readonly. */
int ob_rootfs_finish(const struct ob_rootfs_ctx *c, struct ob_err *err);

/* Bind the pty slave (an open fd) on /dev/console (after pivot_root). */
int ob_rootfs_bind_console(int slave_fd, struct ob_err *err);

#endif
