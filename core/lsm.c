/* lsm.c - AppArmor and SELinux: enabled checks and the exec label. */
#include "lsm.h"

#include "log.h"

#include <fcntl.h>
#include <sys/stat.h>

#include "util.h"

bool ob_lsm_apparmor_enabled(void)
{
	char c = 0;
	int fd;

	/* As the AppArmor userspace does: securityfs shows it and the module says Y. */
	if (access("/sys/kernel/security/apparmor", F_OK) < 0)
		return false;
	fd = open("/sys/module/apparmor/parameters/enabled", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	if (read(fd, &c, 1) != 1)
		c = 0;
	close(fd);
	return c == 'Y';
}

bool ob_lsm_selinux_enabled(void)
{
	/* libselinux's is_selinux_enabled(): selinuxfs is mounted. */
	return access("/sys/fs/selinux/enforce", F_OK) == 0;
}

int ob_lsm_check(const struct ob_process *p, const char *mount_label, const char *path_prefix,
		 struct ob_err *err)
{
	if (p && p->apparmor_profile && p->apparmor_profile[0] && !ob_lsm_apparmor_enabled())
		return ob_error_msg(err, EOPNOTSUPP,
				    "%s.apparmorProfile: AppArmor is not enabled on this host "
				    "(profile `%s` requested)",
				    path_prefix, p->apparmor_profile);
	if (p && p->selinux_label && p->selinux_label[0] && !ob_lsm_selinux_enabled())
		return ob_error_msg(err, EOPNOTSUPP,
				    "%s.selinuxLabel: SELinux is not enabled on this host "
				    "(label `%s` requested)",
				    path_prefix, p->selinux_label);
	/* linux.mountLabel labels the container's files for a confined process; without
	 * SELinux there is no label to set and no confinement it would serve, so nothing
	 * is lost: it is ignored, as runc and crun do (the suite's linux_mount_label). The
	 * process labels above are confinement asked for, refused where it cannot be had. */
	if (mount_label && mount_label[0] && !ob_lsm_selinux_enabled())
		ob_log_debug("linux.mountLabel `%s` ignored: SELinux is not enabled", mount_label);
	return 0;
}

static int write_attr(const char *path, const char *prefix, const char *value, struct ob_err *err)
{
	char buf[4096];
	int fd, n;

	n = snprintf(buf, sizeof(buf), "%s%s", prefix, value);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return ob_error_msg(err, ENAMETOOLONG, "label `%s` too long", value);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) /* ENOENT: the caller may try another file */
		return errno == ENOENT ? -ENOENT : ob_error(err, errno, "open `%s`", path);
	if (write(fd, buf, n) != n) {
		int r = -errno;
		close(fd);
		return ob_error(err, -r, "write `%s` to `%s`", buf, path);
	}
	close(fd);
	return 0;
}

int ob_lsm_set_exec_label(const struct ob_process *p, struct ob_err *err)
{
	int r;

	if (p->apparmor_profile && p->apparmor_profile[0]) {
		/* The LSM-specific file (5.8+) first; the shared one otherwise. */
		r = write_attr("/proc/thread-self/attr/apparmor/exec", "exec ", p->apparmor_profile,
			       err);
		if (r == -ENOENT)
			r = write_attr("/proc/thread-self/attr/exec", "exec ", p->apparmor_profile,
				       err);
		if (r == -ENOENT)
			r = ob_error(err, ENOENT, "set AppArmor profile `%s`", p->apparmor_profile);
		if (r < 0)
			return r;
	}
	if (p->selinux_label && p->selinux_label[0]) {
		r = write_attr("/proc/thread-self/attr/exec", "", p->selinux_label, err);
		if (r == -ENOENT)
			r = ob_error(err, ENOENT, "set SELinux label `%s`", p->selinux_label);
		if (r < 0)
			return r;
	}
	return 0;
}
