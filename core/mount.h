/* mount.h - resolving and mounting inside the rootfs (internal to rootfs.c and mount.c). */
#ifndef OB_MOUNT_H
#define OB_MOUNT_H

#include <stdbool.h>
#include <sys/types.h>

#include "err.h"
#include "rootfs.h"
#include "spec.h"

/* openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS) below rootfd: an fd or -errno. */
int ob_open_in_root(int rootfd, const char *path, int flags);
/* "/proc/self/fd/N" */
void ob_fd_path(int fd, char *buf, size_t len);
/* Open dest inside the root, creating what is missing (each step resolved inside). */
int ob_mkpath_in_root(int rootfd, const char *dest, bool as_file, mode_t mode, int *ret_fd,
		      struct ob_err *err);
/* MS_NOSUID|MS_NODEV|... a remount must keep (locked in a user namespace). */
unsigned long ob_locked_flags(const char *path);
extern const unsigned long ob_remount_mask;
/* A read-only /dev (not a bind): mounted read-write, filled (devices, /dev/pts, the
 * console), remounted read-only by ob_rootfs_finish, as runc does. */
bool ob_mount_ro_later(const struct ob_mount *m);
/* One spec mount (bind, idmapped bind, any fs type, "cgroup") inside the rootfs. */
int ob_mount_one(const struct ob_rootfs_ctx *c, int rootfd, const struct ob_mount *m, int idmap_fd,
		 struct ob_err *err);

#endif
