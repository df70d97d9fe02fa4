/* userns.h - user namespace id maps, written by the parent, and rootless detection. */
#ifndef OB_USERNS_H
#define OB_USERNS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "err.h"
#include "spec.h"

/* Check linux.uidMappings/gidMappings: sizes > 0, no 32-bit overflow, no two ranges that
 * overlap on the container side or on the host side, at most 340 lines (user_namespaces(7)).
 * Errors name the JSON path: "linux.uidMappings[1]: overlaps linux.uidMappings[0] ...". */
int ob_userns_check_maps(const struct ob_linux *l, struct ob_err *err);

/* Write the maps of pid's (new) user namespace. Root writes /proc/PID/{uid,gid}_map
 * itself; an unprivileged caller mapping only its own uid/gid writes them itself too
 * ("deny" to setgroups first, user_namespaces(7)); anything else goes through the setuid
 * newuidmap/newgidmap, whose complaint (a range outside /etc/subuid) ends up in err. */
int ob_userns_write_maps(pid_t pid, const struct ob_linux *l, struct ob_err *err);

/* runc's "--rootless auto": not root, or root of a user namespace that is not the
 * initial one (/proc/self/uid_map is not the identity map). */
bool ob_userns_rootless(void);

#endif
