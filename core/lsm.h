/* lsm.h - AppArmor profile and SELinux labels of the container process.
 *
 * config.md: a runtime MUST refuse (generate an error) what it cannot apply, so an
 * apparmorProfile, selinuxLabel or mountLabel on a host where that LSM is off is an error
 * at create time, never silently ignored.
 */
#ifndef OB_LSM_H
#define OB_LSM_H

#include <stdbool.h>

#include "err.h"
#include "spec.h"

bool ob_lsm_apparmor_enabled(void);
bool ob_lsm_selinux_enabled(void);

/* Parent, before clone: every requested label has its LSM enabled. path_prefix names the
 * object in messages: "process" for config.json, "--process" for oci-exec. mount_label
 * may be NULL (oci-exec). */
int ob_lsm_check(const struct ob_process *p, const char *mount_label, const char *path_prefix,
		 struct ob_err *err);

/* Child, right before execve (after ob_lsm_check passed): the exec transition for the
 * next execve, /proc/thread-self/attr/{apparmor/,}exec. No malloc. */
int ob_lsm_set_exec_label(const struct ob_process *p, struct ob_err *err);

#endif
