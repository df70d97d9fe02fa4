/* rootfs.c - the container's root filesystem: the spec mounts (mount.c), devices,
 * masked/readonly paths, pivot_root. */
#include "rootfs.h"

#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>

#include "mount.h"
#include "util.h"

/* ---- devices ---- */

/* The node name in directory d (opened for real, not O_PATH: mknodat needs it). */
static int make_node(int d, const char *name, const char *path, char type, int64_t major,
		     int64_t minor, mode_t mode, uid_t uid, gid_t gid, struct ob_err *err)
{
	mode_t fmt = type == 'b' ? S_IFBLK : type == 'p' ? S_IFIFO : S_IFCHR;
	dev_t dev = makedev(major, minor);
	/* whatever the rootfs had there is replaced: unlinked only when it is in the way */
	if (mknodat(d, name, fmt | (mode & 07777), dev) < 0 &&
	    (errno != EEXIST || unlinkat(d, name, 0) < 0 ||
	     mknodat(d, name, fmt | (mode & 07777), dev) < 0))
		return ob_error(err, errno, "mknod `%s`", path);
	if (fchownat(d, name, uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
		return ob_error(err, errno, "chown `%s`", path);
	return 0;
}

/* /dev of the rootfs as a directory fd (made when missing). */
static int open_dev_dir(int rootfd, const char *dir, int *ret_fd, struct ob_err *err)
{
	_cleanup_close_ int dfd = -1;
	int r = ob_mkpath_in_root(rootfd, dir, false, 0755, &dfd, err);
	if (r < 0)
		return r;
	/* an O_PATH fd is not enough for mknodat: reopen the directory */
	char dpath[64];
	ob_fd_path(dfd, dpath, sizeof(dpath));
	int d = open(dpath, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (d < 0)
		return ob_error(err, errno, "open `%s`", dir);
	*ret_fd = d;
	return 0;
}

static int make_device(const struct ob_rootfs_ctx *c, int rootfd, const char *path, char type,
		       int64_t major, int64_t minor, mode_t mode, uid_t uid, gid_t gid,
		       struct ob_err *err)
{
	if (c->userns) {
		/* mknod is not allowed in a user namespace: bind the host's node */
		_cleanup_close_ int fd = -1;
		int r = ob_mkpath_in_root(rootfd, path, true, 0755, &fd, err);
		if (r < 0)
			return ob_error_prefix(err, r, "device `%s`", path);
		char target[64];
		ob_fd_path(fd, target, sizeof(target));
		if (mount(path, target, NULL, MS_BIND, NULL) < 0)
			return ob_error(err, errno, "bind device `%s`", path);
		return 0;
	}
	char parent[PATH_MAX];
	snprintf(parent, sizeof(parent), "%s", path);
	char *slash = strrchr(parent, '/');
	const char *name = slash ? slash + 1 : parent;
	if (slash)
		*slash = '\0';
	_cleanup_close_ int d = -1;
	int r = open_dev_dir(rootfd, slash && parent[0] ? parent : "/", &d, err);
	if (r < 0)
		return ob_error_prefix(err, r, "device `%s`", path);
	return make_node(d, name, path, type, major, minor, mode, uid, gid, err);
}

static const struct {
	const char *path;
	int major, minor;
} default_devices[] = {
    {"/dev/null", 1, 3},   {"/dev/zero", 1, 5},	   {"/dev/full", 1, 7},
    {"/dev/random", 1, 8}, {"/dev/urandom", 1, 9}, {"/dev/tty", 5, 0},
};

static int make_devices(const struct ob_rootfs_ctx *c, int rootfd, struct ob_err *err)
{
	const struct ob_spec *s = c->spec;
	bool dev_bound = false;
	for (size_t i = 0; i < s->n_mounts; i++)
		if (streq(s->mounts[i].destination, "/dev") && s->mounts[i].bind)
			dev_bound = true;
	int r;
	if (!dev_bound) {
		/* one /dev fd for the default nodes and links */
		_cleanup_close_ int d = -1;
		if (!c->userns && (r = open_dev_dir(rootfd, "/dev", &d, err)) < 0)
			return ob_error_prefix(err, r, "device `/dev/null`");
		for (size_t i = 0; i < ARRAY_SIZE(default_devices); i++) {
			bool in_spec = false;
			for (size_t k = 0; k < s->linux_.n_devices; k++)
				if (streq(s->linux_.devices[k].path, default_devices[i].path))
					in_spec = true;
			if (in_spec)
				continue;
			const char *path = default_devices[i].path;
			r = c->userns ? make_device(c, rootfd, path, 'c', default_devices[i].major,
						    default_devices[i].minor, 0666, 0, 0, err)
				      : make_node(d, path + 5, path, 'c', default_devices[i].major,
						  default_devices[i].minor, 0666, 0, 0, err);
			if (r < 0)
				return r;
		}
		static const char *const links[][2] = {
		    {"/proc/self/fd", "fd"},	   {"/proc/self/fd/0", "stdin"},
		    {"/proc/self/fd/1", "stdout"}, {"/proc/self/fd/2", "stderr"},
		    {"pts/ptmx", "ptmx"},	   {"/proc/kcore", "core"},
		};
		if (d < 0 && (r = open_dev_dir(rootfd, "/dev", &d, err)) < 0)
			return r;
		for (size_t i = 0; i < ARRAY_SIZE(links); i++)
			if (symlinkat(links[i][0], d, links[i][1]) < 0 && errno != EEXIST)
				return ob_error(err, errno, "symlink /dev/%s", links[i][1]);
	}
	for (size_t k = 0; k < s->linux_.n_devices; k++) {
		const struct ob_device *dv = &s->linux_.devices[k];
		r = make_device(c, rootfd, dv->path, dv->type == 'u' ? 'c' : dv->type, dv->major,
				dv->minor, dv->has_file_mode ? dv->file_mode : 0666,
				dv->has_uid ? dv->uid : 0, dv->has_gid ? dv->gid : 0, err);
		if (r < 0)
			return r;
	}
	return 0;
}

/* The mount the rootfs lives on made private when it is shared: pivot_root(2) refuses a
 * shared parent of the new root, and the rootfs bind must not propagate to the host
 * (runc's rootfsParentMountPrivate). */
static int rootfs_parent_private(const char *rootfs, struct ob_err *err)
{
	_cleanup_free_ char *text = NULL;
	int r = ob_read_file("/proc/self/mountinfo", &text, NULL, err);
	if (r < 0)
		return r;
	char best[PATH_MAX] = "/";
	bool shared = false;
	size_t best_len = 0;
	char *save = NULL;
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char mp[PATH_MAX];
		char *dash = strstr(l, " - ");
		if (!dash || sscanf(l, "%*s %*s %*s %*s %4095s", mp) != 1)
			continue;
		ob_unescape_mountinfo(mp);
		size_t ml = strlen(mp);
		bool under = streq(mp, "/") ||
			     (strneq(rootfs, mp, ml) && (rootfs[ml] == '/' || !rootfs[ml]));
		if (!under || ml < best_len)
			continue;
		/* later lines stack over earlier ones on the same mount point */
		*dash = '\0';
		best_len = ml;
		snprintf(best, sizeof(best), "%s", mp);
		shared = strstr(l, " shared:") != NULL;
	}
	if (shared && mount(NULL, best, NULL, MS_PRIVATE, NULL) < 0)
		return ob_error(err, errno, "make `%s` (the mount of the rootfs) private", best);
	return 0;
}

int ob_rootfs_prepare(const struct ob_rootfs_ctx *c, struct ob_err *err)
{
	const struct ob_spec *s = c->spec;
	unsigned long prop = s->linux_.rootfs_propagation_flags;
	/* rootfsPropagation on "/" before anything is mounted, as runc (rslave when unset:
	 * host mounts still reach the container, nothing of ours reaches the host). The
	 * rootfs bind inherits it from its parent mount; a bind mount's own propagation
	 * option comes on top. unbindable waits for ob_rootfs_finish: an unbindable "/"
	 * cannot give the rootfs bind. */
	unsigned long pre = prop && !(prop & MS_UNBINDABLE) ? prop : MS_SLAVE | MS_REC;
	if (mount(NULL, "/", NULL, pre, NULL) < 0)
		return ob_error(err, errno, "make / %s",
				pre == (MS_SLAVE | MS_REC) ? "rslave"
							   : s->linux_.rootfs_propagation);
	int r;
	if ((pre & MS_SHARED) && (r = rootfs_parent_private(c->rootfs, err)) < 0)
		return r;
	struct stat st;
	if (stat(c->rootfs, &st) < 0)
		return ob_error(err, errno, "rootfs `%s`", c->rootfs);
	if (!S_ISDIR(st.st_mode))
		return ob_error(err, ENOTDIR, "rootfs `%s`", c->rootfs);
	if (mount(c->rootfs, c->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
		return ob_error(err, errno, "bind rootfs `%s`", c->rootfs);
	_cleanup_close_ int rootfd = open(c->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return ob_error(err, errno, "open rootfs `%s`", c->rootfs);
	for (size_t i = 0; i < s->n_mounts; i++)
		if ((r = ob_mount_one(c, rootfd, &s->mounts[i], c->idmap_fds ? c->idmap_fds[i] : -1,
				      err)) < 0)
			return r;
	return make_devices(c, rootfd, err);
}

static bool root_is_ramfs(void)
{
	struct statfs sf;
	return statfs("/", &sf) == 0 && (sf.f_type == RAMFS_MAGIC || sf.f_type == TMPFS_MAGIC);
}

int ob_rootfs_hide_host_pseudo_fs(const char *newroot, struct ob_err *err)
{
	_cleanup_free_ char *text = NULL;
	int r = ob_read_file("/proc/self/mountinfo", &text, NULL, err);
	if (r < 0)
		return r;
	size_t rl = strlen(newroot);
	char *save = NULL;
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char root[PATH_MAX], mp[PATH_MAX], fstype[64];
		char *dash = strstr(l, " - ");
		if (!dash || sscanf(l, "%*s %*s %*s %4095s %4095s", root, mp) != 2 ||
		    sscanf(dash + 3, "%63s", fstype) != 1)
			continue;
		ob_unescape_mountinfo(root);
		ob_unescape_mountinfo(mp);
		/* full procfs and sysfs mounts outside the new root (those inside are the
		 * container's own) */
		if (!streq(root, "/") || (!streq(fstype, "proc") && !streq(fstype, "sysfs")) ||
		    (strneq(mp, newroot, rl) && (mp[rl] == '/' || !mp[rl])))
			continue;
		/* MS_SLAVE first: the unmount must not propagate to the host */
		if (mount(NULL, mp, NULL, MS_SLAVE | MS_REC, NULL) < 0) {
			if (errno == ENOENT)
				continue; /* under one detached already */
			return ob_error(err, errno, "make `%s` rslave", mp);
		}
		if (umount2(mp, MNT_DETACH) == 0)
			continue;
		/* not ours to unmount (locked in a user namespace): cover it */
		if ((errno != EINVAL && errno != EPERM) ||
		    mount("tmpfs", mp, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=0") < 0)
			return ob_error(err, errno, "hide the host's %s on `%s`", fstype, mp);
	}
	return 0;
}

int ob_rootfs_pivot(const char *newroot, bool no_pivot, struct ob_err *err)
{
	if (chdir(newroot) < 0)
		return ob_error(err, errno, "chdir `%s`", newroot);
	if (!no_pivot) {
		/* pivot_root(".", "."): the old root is stacked on the new one and detached
		 * right away, no put_old directory needed (pivot_root(2) NOTES). Our cwd is the
		 * new root's directory beneath it, where mount(2) on "." would make the new
		 * root's tree rslave and undo a shared bind mount: fchdir to the old root
		 * first (runc does the same). */
		_cleanup_close_ int oldroot = open("/", O_DIRECTORY | O_PATH | O_CLOEXEC);
		if (oldroot < 0)
			return ob_error(err, errno, "open the old root");
		if (syscall(SYS_pivot_root, ".", ".") == 0) {
			if (fchdir(oldroot) < 0)
				return ob_error(err, errno, "fchdir to the old root");
			if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
				return ob_error(err, errno, "make the old root rslave");
			if (umount2(".", MNT_DETACH) < 0)
				return ob_error(err, errno, "detach the old root");
			if (chdir("/") < 0)
				return ob_error(err, errno, "chdir /");
			return 0;
		}
		if (errno != EINVAL || !root_is_ramfs())
			return ob_error(err, errno, "pivot_root `%s`", newroot);
		/* the root is rootfs/ramfs (initramfs): it cannot be pivoted away from */
	}
	if (mount(".", "/", NULL, MS_MOVE, NULL) < 0)
		return ob_error(err, errno, "move `%s` to /", newroot);
	if (chroot(".") < 0)
		return ob_error(err, errno, "chroot `%s`", newroot);
	if (chdir("/") < 0)
		return ob_error(err, errno, "chdir /");
	return 0;
}

int ob_rootfs_move_mounts(const char *newroot, struct ob_err *err)
{
	static const char *const dirs[] = {"/dev", "/proc", "/sys", "/run"};
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		struct stat a, b;
		if (stat(dirs[i], &a) < 0 || stat("/", &b) < 0 || a.st_dev == b.st_dev)
			continue; /* not a mount point */
		char dst[PATH_MAX];
		snprintf(dst, sizeof(dst), "%s%s", newroot, dirs[i]);
		struct stat d;
		if (stat(dst, &d) < 0 || !S_ISDIR(d.st_mode))
			continue;
		if (mount(dirs[i], dst, NULL, MS_MOVE, NULL) < 0)
			return ob_error(err, errno, "move `%s` to `%s`", dirs[i], dst);
	}
	return 0;
}

int ob_rootfs_bind_console(int slave_fd, struct ob_err *err)
{
	int f = open("/dev/console", O_CREAT | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (f < 0 && errno != EEXIST)
		return ob_error(err, errno, "create /dev/console");
	if (f >= 0)
		close(f);
	char src[64];
	ob_fd_path(slave_fd, src, sizeof(src));
	if (mount(src, "/dev/console", NULL, MS_BIND, NULL) < 0)
		return ob_error(err, errno, "bind the console on /dev/console");
	return 0;
}

/* A masked or read-only path under /proc or /sys is only protected when /proc (/sys) is
 * the real procfs (sysfs): over a tmpfs or a bind mount the mask lands on a decoy and the
 * real files stay reachable elsewhere (runc CVE-2019-16884, CVE-2019-19921). */
static int check_pseudo_fs(const char *what, const char *path, struct ob_err *err)
{
	struct statfs sf;
	const char *top, *fs;
	long magic;
	if (strneq(path, "/proc/", 6) || streq(path, "/proc")) {
		top = "/proc", fs = "procfs", magic = PROC_SUPER_MAGIC;
	} else if (strneq(path, "/sys/", 5) || streq(path, "/sys")) {
		top = "/sys", fs = "sysfs", magic = SYSFS_MAGIC;
	} else {
		return 0;
	}
	struct stat a, b;
	/* Nothing mounted there (a plain directory of the rootfs): nothing of the kernel's
	 * to hide, and nothing to check. */
	if (stat(top, &a) < 0 || stat("/", &b) < 0 || a.st_dev == b.st_dev)
		return 0;
	if (statfs(top, &sf) < 0)
		return ob_error(err, errno, "%s `%s`: statfs `%s`", what, path, top);
	if (sf.f_type != magic)
		return ob_error_msg(err, EINVAL, "%s `%s`: %s is not %s (f_type 0x%lx)", what, path,
				    top, fs, (unsigned long)sf.f_type);
	return 0;
}

int ob_rootfs_finish(const struct ob_rootfs_ctx *c, struct ob_err *err)
{
	const struct ob_spec *s = c->spec;
	struct stat st;
	for (char **p = s->linux_.masked_paths; p && *p; p++) {
		int r0 = check_pseudo_fs("masked path", *p, err);
		if (r0 < 0)
			return r0;
		if (stat(*p, &st) < 0) {
			if (errno == ENOENT)
				continue;
			return ob_error(err, errno, "masked path `%s`", *p);
		}
		int r = S_ISDIR(st.st_mode) ? mount("tmpfs", *p, "tmpfs", MS_RDONLY, NULL)
					    : mount("/dev/null", *p, NULL, MS_BIND, NULL);
		if (r < 0)
			return ob_error(err, errno, "mask `%s`", *p);
	}
	for (char **p = s->linux_.readonly_paths; p && *p; p++) {
		int r0 = check_pseudo_fs("readonly path", *p, err);
		if (r0 < 0)
			return r0;
		if (mount(*p, *p, NULL, MS_BIND | MS_REC, NULL) < 0) {
			if (errno == ENOENT)
				continue;
			return ob_error(err, errno, "bind readonly path `%s`", *p);
		}
		if (mount(NULL, *p, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | ob_locked_flags(*p),
			  NULL) < 0)
			return ob_error(err, errno, "remount `%s` read-only", *p);
	}
	/* /dev last (its nodes, mounts and the console are in place): the last spec mount on
	 * it decides */
	for (size_t i = s->n_mounts; i-- > 0;) {
		const struct ob_mount *m = &s->mounts[i];
		if (!ob_mount_ro_later(m)) {
			if (streq(m->destination, "/dev") || streq(m->destination, "/dev/"))
				break;
			continue;
		}
		if (mount(NULL, "/dev", NULL,
			  MS_REMOUNT | MS_RDONLY | (m->flags & ob_remount_mask) |
			      ob_locked_flags("/dev"),
			  NULL) < 0)
			return ob_error(err, errno, "remount `/dev` read-only");
		break;
	}
	/* rootfsPropagation was set on "/" before the rootfs bind (ob_rootfs_prepare), but
	 * unbindable, which only the finished root can take */
	unsigned long prop = s->linux_.rootfs_propagation_flags;
	if ((prop & MS_UNBINDABLE) && mount(NULL, "/", NULL, prop, NULL) < 0)
		return ob_error(err, errno, "rootfsPropagation `%s`", s->linux_.rootfs_propagation);
	/* shared: the rootfs bind was made under a private parent (pivot_root needs one), so
	 * the finished root is made shared itself (config-linux.md rootfsPropagation) */
	if ((prop & MS_SHARED) && mount(NULL, "/", NULL, MS_SHARED, NULL) < 0)
		return ob_error(err, errno, "rootfsPropagation `%s`", s->linux_.rootfs_propagation);
	if (s->root_readonly &&
	    mount(NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | ob_locked_flags("/"), NULL) <
		0)
		return ob_error(err, errno, "remount the root read-only");
	return 0;
}
