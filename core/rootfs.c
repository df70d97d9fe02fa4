/* rootfs.c - mounts, devices, masked/readonly paths and pivot_root for the container.
 *
 * Every destination is resolved inside the rootfs with openat2(RESOLVE_IN_ROOT), created
 * there with mkdirat on an fd resolved the same way, and mounted through /proc/self/fd/N:
 * a symlink in the rootfs can never point a mount outside it (CVE-2021-30465).
 */
#include "rootfs.h"

#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <signal.h>
#include <sched.h>
#include <linux/sched.h>

#include "ns.h"
#include "util.h"

static int open_in_root(int rootfd, const char *path, int flags)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC),
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	int fd = (int)syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
	return fd < 0 ? -errno : fd;
}

static void fd_path(int fd, char *buf, size_t len)
{
	snprintf(buf, len, "/proc/self/fd/%d", fd);
}

/* Open dest inside the root, creating missing directories (and the last component as an
 * empty file when as_file). Every step is resolved inside the root. */
static int mkpath_in_root(int rootfd, const char *dest, bool as_file, mode_t mode, int *ret_fd,
			  struct ob_err *err)
{
	int fd = open_in_root(rootfd, dest, O_PATH);
	if (fd >= 0) {
		*ret_fd = fd;
		return 0;
	}
	if (fd != -ENOENT)
		return ob_error(err, -fd, "open `%s` in the rootfs", dest);
	char prefix[PATH_MAX] = "";
	size_t plen = 0;
	_cleanup_close_ int dfd = open_in_root(rootfd, "/", O_PATH | O_DIRECTORY);
	if (dfd < 0)
		return ob_error(err, -dfd, "open rootfs");
	const char *p = dest;
	while (*p) {
		while (*p == '/')
			p++;
		size_t n = strcspn(p, "/");
		if (n == 0)
			break;
		if (plen + n + 2 >= sizeof(prefix))
			return ob_error(err, ENAMETOOLONG, "`%s`", dest);
		char name[NAME_MAX + 1];
		snprintf(name, sizeof(name), "%.*s", (int)n, p);
		prefix[plen++] = '/';
		memcpy(prefix + plen, p, n);
		plen += n;
		prefix[plen] = '\0';
		p += n;
		bool last = strspn(p, "/") == strlen(p);
		int next = open_in_root(rootfd, prefix, O_PATH);
		if (next == -ENOENT) {
			if (last && as_file) {
				int f = openat(dfd, name, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW,
					       0644 & mode);
				if (f < 0 && errno != EEXIST)
					return ob_error(err, errno, "create `%s` in the rootfs", prefix);
				if (f >= 0)
					close(f);
			} else if (mkdirat(dfd, name, mode) < 0 && errno != EEXIST) {
				return ob_error(err, errno, "mkdir `%s` in the rootfs", prefix);
			}
			next = open_in_root(rootfd, prefix, O_PATH);
		}
		if (next < 0)
			return ob_error(err, -next, "open `%s` in the rootfs", prefix);
		close(dfd);
		dfd = next;
	}
	*ret_fd = TAKE_FD(dfd);
	return 0;
}

/* Flags the kernel locks on a mount we do not own (user namespace): keep them on remount. */
static unsigned long locked_flags(const char *path)
{
	struct statvfs sv;
	unsigned long f = 0;
	if (statvfs(path, &sv) < 0)
		return 0;
	if (sv.f_flag & ST_NOSUID)
		f |= MS_NOSUID;
	if (sv.f_flag & ST_NODEV)
		f |= MS_NODEV;
	if (sv.f_flag & ST_NOEXEC)
		f |= MS_NOEXEC;
	if (sv.f_flag & ST_NOATIME)
		f |= MS_NOATIME;
	if (sv.f_flag & ST_NODIRATIME)
		f |= MS_NODIRATIME;
	if (sv.f_flag & ST_RELATIME)
		f |= MS_RELATIME;
	return f;
}

static const unsigned long remount_mask = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC |
					  MS_NOATIME | MS_NODIRATIME | MS_RELATIME |
					  MS_STRICTATIME | MS_NOSYMFOLLOW;

static int mount_cgroups(const struct ob_rootfs_ctx *c, int rootfd, const struct ob_mount *m,
			 struct ob_err *err);

static int mount_one(const struct ob_rootfs_ctx *c, int rootfd, const struct ob_mount *m,
		     int idmap_fd, struct ob_err *err)
{
	const char *type = m->type ? m->type : "";
	if (streq(type, "cgroup"))
		return mount_cgroups(c, rootfd, m, err);
	char src[PATH_MAX];
	const char *source = m->source ? m->source : type;
	bool as_file = false;
	if (m->bind) {
		if (m->source && m->source[0] != '/')
			snprintf(src, sizeof(src), "%s/%s", c->bundle, m->source);
		else
			snprintf(src, sizeof(src), "%s", source);
		source = src;
		struct stat st;
		if (stat(source, &st) < 0)
			return ob_error(err, errno, "mount `%s` on `%s`", source, m->destination);
		as_file = !S_ISDIR(st.st_mode);
	}
	_cleanup_close_ int fd = -1;
	int r = mkpath_in_root(rootfd, m->destination, as_file, 0755, &fd, err);
	if (r < 0)
		return ob_error_prefix(err, r, "mount `%s` on `%s`", source, m->destination);
	char target[64];
	fd_path(fd, target, sizeof(target));
	unsigned long flags = m->flags & ~(MS_BIND | MS_REC);
	if (m->bind && idmap_fd >= 0) {
		if (move_mount(idmap_fd, "", fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
			return ob_error(err, errno, "move the idmapped mount `%s` on `%s`", source,
					m->destination);
	} else if (m->bind) {
		if (mount(source, target, NULL, MS_BIND | (m->flags & MS_REC), NULL) < 0)
			return ob_error(err, errno, "mount `%s` on `%s`", source, m->destination);
	} else if (mount(source, target, type, flags, m->data) < 0) {
		int e = errno;
		/* sysfs cannot be mounted in a user namespace that does not own the netns:
		 * bind the host's read-only instead, as runc does. */
		if (!(streq(type, "sysfs") && c->userns && e == EPERM) ||
		    mount("/sys", target, NULL, MS_BIND | MS_REC, NULL) < 0)
			return ob_error(err, e, "mount \"%s\" on \"%s\"", source, m->destination);
	}
	/* fd still names the directory under the new mount: reopen to reach the mount. */
	close(fd);
	fd = open_in_root(rootfd, m->destination, O_PATH);
	if (fd < 0)
		return ob_error(err, -fd, "open `%s` in the rootfs", m->destination);
	fd_path(fd, target, sizeof(target));
	if (m->bind && (flags & remount_mask)) {
		unsigned long fl = (flags & remount_mask) | (locked_flags(target) & ~m->clear_flags);
		if (mount(NULL, target, NULL, MS_REMOUNT | MS_BIND | fl, NULL) < 0)
			return ob_error(err, errno, "remount `%s` on `%s`", source, m->destination);
	}
	if (m->recursive_attr) {
		struct mount_attr a = {.attr_set = m->attr_set, .attr_clr = m->attr_clr};
		if (mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &a, sizeof(a)) < 0)
			return ob_error(err, errno, "mount_setattr `%s`", m->destination);
	}
	if (m->propagation && mount(NULL, target, NULL, m->propagation, NULL) < 0)
		return ob_error(err, errno, "set propagation of `%s`", m->destination);
	return 0;
}

/* "type cgroup": a tmpfs with one directory per host hierarchy. In a new cgroup namespace
 * each is a fresh cgroup mount (its root is the namespace's); otherwise the container's
 * own cgroup directory of the host hierarchy is bound there. */
static int mount_cgroups(const struct ob_rootfs_ctx *c, int rootfd, const struct ob_mount *m,
			 struct ob_err *err)
{
	_cleanup_close_ int fd = -1;
	int r = mkpath_in_root(rootfd, m->destination, false, 0755, &fd, err);
	if (r < 0)
		return ob_error_prefix(err, r, "mount cgroup on `%s`", m->destination);
	char target[PATH_MAX];
	fd_path(fd, target, sizeof(target));
	unsigned long flags = m->flags & (MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RELATIME);
	if (mount("tmpfs", target, "tmpfs", flags, "mode=755") < 0)
		return ob_error(err, errno, "mount tmpfs on `%s`", m->destination);
	close(fd);
	fd = open_in_root(rootfd, m->destination, O_PATH | O_DIRECTORY);
	if (fd < 0)
		return ob_error(err, -fd, "open `%s`", m->destination);
	fd_path(fd, target, sizeof(target));

	_cleanup_fclose_ FILE *mi = fopen("/proc/self/mountinfo", "re");
	_cleanup_free_ char *own = NULL;
	size_t ownlen = 0;
	if (!mi)
		return ob_error(err, errno, "open /proc/self/mountinfo");
	if (!c->cgroupns && ob_read_file("/proc/self/cgroup", &own, &ownlen, err) < 0)
		return -EIO;
	char line[4096];
	while (fgets(line, sizeof(line), mi)) {
		char mp[PATH_MAX], fstype[64], super[512];
		char *dash = strstr(line, " - ");
		if (!dash || sscanf(line, "%*s %*s %*s %*s %4095s", mp) != 1 ||
		    sscanf(dash + 3, "%63s %*s %511s", fstype, super) != 2)
			continue;
		bool v2 = streq(fstype, "cgroup2");
		if (!v2 && !streq(fstype, "cgroup"))
			continue;
		if (!startswith(mp, "/sys/fs/cgroup"))
			continue;
		const char *name = strrchr(mp, '/') + 1;
		bool whole = streq(mp, "/sys/fs/cgroup"); /* pure v2 host */
		/* the controllers of a v1 hierarchy: superopts minus rw/ro and friends */
		char opts[512] = "";
		for (char *o = strtok(super, ","); o; o = strtok(NULL, ",")) {
			if (streq(o, "rw") || streq(o, "ro") || startswith(o, "release_agent") ||
			    streq(o, "clone_children") || startswith(o, "nsdelegate") ||
			    startswith(o, "memory_recursiveprot"))
				continue;
			size_t l = strlen(opts);
			snprintf(opts + l, sizeof(opts) - l, "%s%s", l ? "," : "", o);
		}
		char sub[PATH_MAX];
		if (whole)
			snprintf(sub, sizeof(sub), "%s", target);
		else {
			if (mkdirat(fd, name, 0755) < 0 && errno != EEXIST)
				return ob_error(err, errno, "mkdir `%s/%s`", m->destination, name);
			snprintf(sub, sizeof(sub), "%s/%s", target, name);
		}
		if (c->cgroupns) {
			if (mount(v2 ? "cgroup2" : "cgroup", sub, fstype, flags | (m->flags & MS_RDONLY),
				  v2 ? NULL : opts) < 0)
				return ob_error(err, errno, "mount %s `%s` on `%s/%s`", fstype, opts,
						m->destination, name);
		} else {
			/* our line of /proc/self/cgroup: "N:controllers:/path" ("0::/path" for v2) */
			char path[PATH_MAX] = "/";
			for (char *l = own; l && *l;) {
				char *nl = strchr(l, '\n');
				if (nl)
					*nl = '\0';
				char *c1 = strchr(l, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
				if (c2) {
					*c2 = '\0';
					bool match = v2 ? c1[1] == '\0' : streq(c1 + 1, opts);
					*c2 = ':';
					if (match)
						snprintf(path, sizeof(path), "%s", c2 + 1);
				}
				if (nl)
					*nl = '\n';
				l = nl ? nl + 1 : NULL;
			}
			char host[PATH_MAX * 2];
			snprintf(host, sizeof(host), "%s%s", mp, path);
			if (mount(host, sub, NULL, MS_BIND | MS_REC, NULL) < 0)
				return ob_error(err, errno, "bind `%s` on `%s/%s`", host, m->destination,
						name);
			if (mount(NULL, sub, NULL, MS_REMOUNT | MS_BIND | flags | (m->flags & MS_RDONLY),
				  NULL) < 0)
				return ob_error(err, errno, "remount `%s/%s`", m->destination, name);
		}
		if (whole)
			return 0;
	}
	if ((m->flags & MS_RDONLY) &&
	    mount(NULL, target, NULL, MS_REMOUNT | MS_RDONLY | flags, "mode=755") < 0)
		return ob_error(err, errno, "remount `%s` read-only", m->destination);
	return 0;
}

/* A user namespace holding the mount's own mappings: a child made with CLONE_NEWUSER
 * lives just long enough for us to write its maps and open its namespace. */
static int mappings_userns(const struct ob_mount *m, int *ret_fd, struct ob_err *err)
{
	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return ob_error(err, errno, "pipe");
	struct clone_args ca = {.flags = CLONE_NEWUSER, .exit_signal = SIGCHLD};
	pid_t pid = (pid_t)syscall(SYS_clone3, &ca, sizeof(ca));
	if (pid == 0) {
		char ch;
		close(pfd[1]);
		(void)!read(pfd[0], &ch, 1);
		_exit(0);
	}
	close(pfd[0]);
	if (pid < 0) {
		close(pfd[1]);
		return ob_error(err, errno, "clone a user namespace for idmap");
	}
	int r = 0;
	const char *files[] = {"uid_map", "gid_map"};
	const struct ob_idmap *maps[] = {m->uid_mappings, m->gid_mappings};
	size_t ns[] = {m->n_uid_mappings, m->n_gid_mappings};
	for (int k = 0; k < 2 && r >= 0; k++) {
		char path[64], buf[2048];
		size_t len = 0;
		for (size_t i = 0; i < ns[k] && len < sizeof(buf) - 40; i++)
			len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%u %u %u\n",
						maps[k][i].container_id, maps[k][i].host_id, maps[k][i].size);
		snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, files[k]);
		r = ob_write_string(path, buf, err);
	}
	if (r >= 0)
		r = ob_ns_open_pid(pid, OB_NS_USER, ret_fd, err);
	close(pfd[1]);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	return r;
}

int ob_rootfs_idmap_mount(const struct ob_mount *m, const char *bundle, int userns_fd,
			  int *ret_fd, struct ob_err *err)
{
	char src[PATH_MAX];
	if (m->source && m->source[0] != '/')
		snprintf(src, sizeof(src), "%s/%s", bundle, m->source);
	else
		snprintf(src, sizeof(src), "%s", m->source ? m->source : "");
	_cleanup_close_ int own_ns = -1;
	int r;
	if (m->n_uid_mappings || m->n_gid_mappings) {
		if ((r = mappings_userns(m, &own_ns, err)) < 0)
			return ob_error_prefix(err, r, "idmap mount on `%s`", m->destination);
		userns_fd = own_ns;
	}
	if (userns_fd < 0)
		return ob_error_msg(err, EINVAL, "idmap mount on `%s`: no mappings and no user namespace",
				    m->destination);
	bool rec = m->ridmap || (m->flags & MS_REC);
	_cleanup_close_ int fd = open_tree(AT_FDCWD, src, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
							 (rec ? AT_RECURSIVE : 0));
	if (fd < 0)
		return ob_error(err, errno, "idmap mount `%s` on `%s`: open_tree", src, m->destination);
	struct mount_attr a = {.attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)userns_fd};
	if (mount_setattr(fd, "", AT_EMPTY_PATH | (m->ridmap ? AT_RECURSIVE : 0), &a, sizeof(a)) < 0)
		return ob_error(err, errno, "idmap mount `%s` on `%s`", src, m->destination);
	*ret_fd = TAKE_FD(fd);
	return 0;
}

/* ---- devices ---- */

static int make_device(const struct ob_rootfs_ctx *c, int rootfd, const char *path, char type,
		       int64_t major, int64_t minor, mode_t mode, uid_t uid, gid_t gid,
		       struct ob_err *err)
{
	if (c->userns) {
		/* mknod is not allowed in a user namespace: bind the host's node */
		_cleanup_close_ int fd = -1;
		int r = mkpath_in_root(rootfd, path, true, 0755, &fd, err);
		if (r < 0)
			return ob_error_prefix(err, r, "device `%s`", path);
		char target[64];
		fd_path(fd, target, sizeof(target));
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
	_cleanup_close_ int dfd = -1;
	int r = mkpath_in_root(rootfd, slash && parent[0] ? parent : "/", false, 0755, &dfd, err);
	if (r < 0)
		return ob_error_prefix(err, r, "device `%s`", path);
	/* an O_PATH fd is not enough for mknodat: reopen the directory */
	char dpath[64];
	fd_path(dfd, dpath, sizeof(dpath));
	_cleanup_close_ int d = open(dpath, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (d < 0)
		return ob_error(err, errno, "open `%s`", parent);
	mode_t fmt = type == 'b' ? S_IFBLK : type == 'p' ? S_IFIFO : S_IFCHR;
	unlinkat(d, name, 0);
	if (mknodat(d, name, fmt | (mode & 07777), makedev(major, minor)) < 0)
		return ob_error(err, errno, "mknod `%s`", path);
	if (fchownat(d, name, uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
		return ob_error(err, errno, "chown `%s`", path);
	return 0;
}

static const struct {
	const char *path;
	int major, minor;
} default_devices[] = {
	{"/dev/null", 1, 3},    {"/dev/zero", 1, 5},    {"/dev/full", 1, 7},
	{"/dev/random", 1, 8},  {"/dev/urandom", 1, 9}, {"/dev/tty", 5, 0},
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
		for (size_t i = 0; i < ARRAY_SIZE(default_devices); i++) {
			bool in_spec = false;
			for (size_t k = 0; k < s->linux_.n_devices; k++)
				if (streq(s->linux_.devices[k].path, default_devices[i].path))
					in_spec = true;
			if (in_spec)
				continue;
			r = make_device(c, rootfd, default_devices[i].path, 'c', default_devices[i].major,
					default_devices[i].minor, 0666, 0, 0, err);
			if (r < 0)
				return r;
		}
		static const char *const links[][2] = {
			{"/proc/self/fd", "fd"},     {"/proc/self/fd/0", "stdin"},
			{"/proc/self/fd/1", "stdout"}, {"/proc/self/fd/2", "stderr"},
			{"pts/ptmx", "ptmx"},        {"/proc/kcore", "core"},
		};
		_cleanup_close_ int dev = -1;
		r = mkpath_in_root(rootfd, "/dev", false, 0755, &dev, err);
		if (r < 0)
			return r;
		char dpath[64];
		fd_path(dev, dpath, sizeof(dpath));
		_cleanup_close_ int d = open(dpath, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (d < 0)
			return ob_error(err, errno, "open /dev");
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

int ob_rootfs_prepare(const struct ob_rootfs_ctx *c, struct ob_err *err)
{
	const struct ob_spec *s = c->spec;
	unsigned long prop = s->linux_.rootfs_propagation_flags;
	/* Nothing we mount may propagate back to the host; pivot_root(2) also needs the
	 * parent of the new root not to be shared. rslave unless the spec asks for private. */
	unsigned long pre = (prop & MS_PRIVATE) ? MS_PRIVATE | MS_REC : MS_SLAVE | MS_REC;
	if (mount(NULL, "/", NULL, pre, NULL) < 0)
		return ob_error(err, errno, "make / %s", (pre & MS_PRIVATE) ? "rprivate" : "rslave");
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
	int r;
	for (size_t i = 0; i < s->n_mounts; i++)
		if ((r = mount_one(c, rootfd, &s->mounts[i], c->idmap_fds ? c->idmap_fds[i] : -1,
				   err)) < 0)
			return r;
	return make_devices(c, rootfd, err);
}

static bool root_is_ramfs(void)
{
	struct statfs sf;
	return statfs("/", &sf) == 0 &&
	       (sf.f_type == RAMFS_MAGIC || sf.f_type == TMPFS_MAGIC);
}

int ob_rootfs_pivot(const char *newroot, bool no_pivot, struct ob_err *err)
{
	if (chdir(newroot) < 0)
		return ob_error(err, errno, "chdir `%s`", newroot);
	if (!no_pivot) {
		/* pivot_root(".", "."): the old root is stacked on the new one and detached
		 * right away, no put_old directory needed (pivot_root(2) NOTES). */
		if (syscall(SYS_pivot_root, ".", ".") == 0) {
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
	fd_path(slave_fd, src, sizeof(src));
	if (mount(src, "/dev/console", NULL, MS_BIND, NULL) < 0)
		return ob_error(err, errno, "bind the console on /dev/console");
	return 0;
}

int ob_rootfs_finish(const struct ob_rootfs_ctx *c, struct ob_err *err)
{
	const struct ob_spec *s = c->spec;
	struct stat st;
	for (char **p = s->linux_.masked_paths; p && *p; p++) {
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
		if (mount(*p, *p, NULL, MS_BIND | MS_REC, NULL) < 0) {
			if (errno == ENOENT)
				continue;
			return ob_error(err, errno, "bind readonly path `%s`", *p);
		}
		if (mount(NULL, *p, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | locked_flags(*p), NULL) < 0)
			return ob_error(err, errno, "remount `%s` read-only", *p);
	}
	unsigned long prop = s->linux_.rootfs_propagation_flags;
	if (prop && mount(NULL, "/", NULL, prop, NULL) < 0)
		return ob_error(err, errno, "rootfsPropagation `%s`", s->linux_.rootfs_propagation);
	if (s->root_readonly &&
	    mount(NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | locked_flags("/"), NULL) < 0)
		return ob_error(err, errno, "remount the root read-only");
	return 0;
}
