/* mount.c - spec mounts inside the rootfs.
 *
 * Every destination is resolved inside the rootfs with openat2(RESOLVE_IN_ROOT), created
 * there with mkdirat on an fd resolved the same way, and mounted through /proc/self/fd/N
 * (or move_mount onto the fd): a symlink in the rootfs can never point a mount outside
 * it (CVE-2021-30465).
 */
#include "mount.h"

#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "ns.h"
#include "util.h"

int ob_open_in_root(int rootfd, const char *path, int flags)
{
	struct open_how how = {
	    .flags = (uint64_t)(flags | O_CLOEXEC),
	    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	int fd = (int)syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
	return fd < 0 ? -errno : fd;
}

void ob_fd_path(int fd, char *buf, size_t len)
{
	snprintf(buf, len, "/proc/self/fd/%d", fd);
}

/* Open path inside the root, creating what is missing: the deepest existing ancestor is
 * found walking up (one openat2 per missing level, none for the levels that exist), then
 * each missing component is made with mkdirat (the last as an empty file when as_file) on
 * an fd resolved inside the root and reopened the same way. path is edited and restored. */
static int mkpath_at(int rootfd, char *path, bool as_file, mode_t mode, int *ret_fd,
		     struct ob_err *err)
{
	int fd = ob_open_in_root(rootfd, path, O_PATH);
	if (fd >= 0) {
		*ret_fd = fd;
		return 0;
	}
	if (fd != -ENOENT)
		return ob_error(err, -fd, "open `%s` in the rootfs", path);
	size_t len = strlen(path);
	while (len > 1 && path[len - 1] == '/')
		len--;
	char saved = path[len];
	path[len] = '\0';
	char *slash = strrchr(path, '/');
	const char *name = slash ? slash + 1 : path;
	_cleanup_close_ int dfd = -1;
	int r;
	if (!slash || slash == path) {
		dfd = ob_open_in_root(rootfd, "/", O_PATH | O_DIRECTORY);
		r = dfd < 0 ? ob_error(err, -dfd, "open rootfs") : 0;
	} else {
		*slash = '\0';
		r = mkpath_at(rootfd, path, false, mode, &dfd, err);
		*slash = '/';
	}
	if (r >= 0 && as_file) {
		int f = openat(dfd, name, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW,
			       0644 & mode);
		if (f < 0 && errno != EEXIST)
			r = ob_error(err, errno, "create `%s` in the rootfs", path);
		if (f >= 0)
			close(f);
	} else if (r >= 0 && mkdirat(dfd, name, mode) < 0 && errno != EEXIST) {
		r = ob_error(err, errno, "mkdir `%s` in the rootfs", path);
	}
	if (r >= 0) {
		fd = ob_open_in_root(rootfd, path, O_PATH);
		if (fd < 0)
			r = ob_error(err, -fd, "open `%s` in the rootfs", path);
	}
	path[len] = saved;
	if (r < 0)
		return r;
	*ret_fd = fd;
	return 0;
}

int ob_mkpath_in_root(int rootfd, const char *dest, bool as_file, mode_t mode, int *ret_fd,
		      struct ob_err *err)
{
	char path[PATH_MAX];
	if (snprintf(path, sizeof(path), "%s", dest) >= (int)sizeof(path))
		return ob_error(err, ENAMETOOLONG, "`%s`", dest);
	return mkpath_at(rootfd, path, as_file, mode, ret_fd, err);
}

/* Flags the kernel locks on a mount we do not own (user namespace): keep them on remount. */
unsigned long ob_locked_flags(const char *path)
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

const unsigned long ob_remount_mask = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME |
				      MS_NODIRATIME | MS_RELATIME | MS_STRICTATIME | MS_NOSYMFOLLOW;

static int mount_cgroups(const struct ob_rootfs_ctx *c, int rootfd, const struct ob_mount *m,
			 struct ob_err *err);

bool ob_mount_ro_later(const struct ob_mount *m)
{
	if (m->bind || !(m->flags & MS_RDONLY) || !startswith(m->destination, "/dev"))
		return false;
	const char *rest = m->destination + 4;
	while (*rest == '/')
		rest++;
	return !*rest;
}

int ob_mount_one(const struct ob_rootfs_ctx *c, int rootfd, const struct ob_mount *m, int idmap_fd,
		 struct ob_err *err)
{
	const char *type = m->type ? m->type : "";
	if (streq(type, "cgroup"))
		return mount_cgroups(c, rootfd, m, err);
	char src[PATH_MAX];
	const char *source = m->source ? m->source : type;
	bool as_file = false;
	/* the bind source opened by the parent (a user namespace: see open_bind_sources) */
	bool src_fd = m->bind && idmap_fd >= 0 && !m->idmap && !m->ridmap;
	char src_path[64];
	if (m->bind) {
		if (m->source && m->source[0] != '/')
			snprintf(src, sizeof(src), "%s/%s", c->bundle, m->source);
		else
			snprintf(src, sizeof(src), "%s", source);
		source = src;
		struct stat st;
		if ((src_fd ? fstat(idmap_fd, &st) : stat(source, &st)) < 0)
			return ob_error(err, errno, "mount `%s` on `%s`", source, m->destination);
		as_file = !S_ISDIR(st.st_mode);
		ob_fd_path(idmap_fd, src_path, sizeof(src_path));
	}
	_cleanup_close_ int fd = -1;
	int r = ob_mkpath_in_root(rootfd, m->destination, as_file, 0755, &fd, err);
	if (r < 0)
		return ob_error_prefix(err, r, "mount `%s` on `%s`", source, m->destination);
	char target[64];
	ob_fd_path(fd, target, sizeof(target));
	unsigned long flags = m->flags & ~(MS_BIND | MS_REC);
	if (ob_mount_ro_later(m))
		flags &= ~MS_RDONLY;
	if (src_fd) {
		if (mount(src_path, target, NULL, MS_BIND | (m->flags & MS_REC), NULL) < 0)
			return ob_error(err, errno, "mount `%s` on `%s`", source, m->destination);
	} else if (m->bind && idmap_fd >= 0) {
		if (move_mount(idmap_fd, "", fd, "",
			       MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
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
			return ob_error(err, e, "mount `%s` on `%s`", source, m->destination);
	}
	bool remount = m->bind && (flags & ob_remount_mask);
	if (!remount && !m->recursive_attr && !m->propagation)
		return 0;
	/* fd still names the directory under the new mount: reopen to reach the mount. */
	close(fd);
	fd = ob_open_in_root(rootfd, m->destination, O_PATH);
	if (fd < 0)
		return ob_error(err, -fd, "open `%s` in the rootfs", m->destination);
	ob_fd_path(fd, target, sizeof(target));
	if (remount) {
		unsigned long fl =
		    (flags & ob_remount_mask) | (ob_locked_flags(target) & ~m->clear_flags);
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

/* The controllers of a v1 hierarchy: its superblock options minus rw/ro and friends. */
static void hierarchy_controllers(char *super, char *opts, size_t size)
{
	opts[0] = '\0';
	for (char *o = strtok(super, ","); o; o = strtok(NULL, ",")) {
		if (streq(o, "rw") || streq(o, "ro") || startswith(o, "release_agent") ||
		    streq(o, "clone_children") || startswith(o, "nsdelegate") ||
		    startswith(o, "memory_recursiveprot"))
			continue;
		size_t l = strlen(opts);
		snprintf(opts + l, size - l, "%s%s", l ? "," : "", o);
	}
}

/* Our cgroup in a hierarchy, from our /proc/self/cgroup text (own): the line
 * "N:controllers:/path" whose controllers are opts ("0::/path" for v2); "/" if none. */
static void own_cgroup(char *own, bool v2, const char *opts, char *path, size_t size)
{
	snprintf(path, size, "/");
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
				snprintf(path, size, "%s", c2 + 1);
		}
		if (nl)
			*nl = '\n';
		l = nl ? nl + 1 : NULL;
	}
}

/* "type cgroup": a tmpfs with one directory per host hierarchy. In a new cgroup namespace
 * each is a fresh cgroup mount (its root is the namespace's); otherwise the container's
 * own cgroup directory of the host hierarchy is bound there. */
static int mount_cgroups(const struct ob_rootfs_ctx *c, int rootfd, const struct ob_mount *m,
			 struct ob_err *err)
{
	_cleanup_close_ int fd = -1;
	int r = ob_mkpath_in_root(rootfd, m->destination, false, 0755, &fd, err);
	if (r < 0)
		return ob_error_prefix(err, r, "mount cgroup on `%s`", m->destination);
	char target[PATH_MAX];
	ob_fd_path(fd, target, sizeof(target));
	unsigned long flags = m->flags & (MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RELATIME);
	if (mount("tmpfs", target, "tmpfs", flags, "mode=755") < 0)
		return ob_error(err, errno, "mount tmpfs on `%s`", m->destination);
	close(fd);
	fd = ob_open_in_root(rootfd, m->destination, O_PATH | O_DIRECTORY);
	if (fd < 0)
		return ob_error(err, -fd, "open `%s`", m->destination);
	ob_fd_path(fd, target, sizeof(target));

	_cleanup_fclose_ FILE *mi = fopen("/proc/self/mountinfo", "re");
	_cleanup_free_ char *own = NULL;
	size_t ownlen = 0;
	if (!mi)
		return ob_error(err, errno, "open /proc/self/mountinfo");
	/* procfs reports st_blksize 1024: stdio would read the table 1 KiB per syscall */
	char mibuf[16384];
	setvbuf(mi, mibuf, _IOFBF, sizeof(mibuf));
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
		char opts[512];
		hierarchy_controllers(super, opts, sizeof(opts));
		char sub[PATH_MAX];
		if (whole)
			snprintf(sub, sizeof(sub), "%s", target);
		else {
			if (mkdirat(fd, name, 0755) < 0 && errno != EEXIST)
				return ob_error(err, errno, "mkdir `%s/%s`", m->destination, name);
			snprintf(sub, sizeof(sub), "%s/%s", target, name);
		}
		if (c->cgroupns) {
			if (mount(v2 ? "cgroup2" : "cgroup", sub, fstype,
				  flags | (m->flags & MS_RDONLY), v2 ? NULL : opts) < 0)
				return ob_error(err, errno, "mount %s `%s` on `%s/%s`", fstype,
						opts, m->destination, name);
		} else {
			char path[PATH_MAX];
			own_cgroup(own, v2, opts, path, sizeof(path));
			char host[PATH_MAX * 2];
			snprintf(host, sizeof(host), "%s%s", mp, path);
			if (mount(host, sub, NULL, MS_BIND | MS_REC, NULL) < 0)
				return ob_error(err, errno, "bind `%s` on `%s/%s`", host,
						m->destination, name);
			if (mount(NULL, sub, NULL,
				  MS_REMOUNT | MS_BIND | flags | (m->flags & MS_RDONLY), NULL) < 0)
				return ob_error(err, errno, "remount `%s/%s`", m->destination,
						name);
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
						maps[k][i].container_id, maps[k][i].host_id,
						maps[k][i].size);
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

int ob_rootfs_idmap_mount(const struct ob_mount *m, const char *bundle, int userns_fd, int *ret_fd,
			  struct ob_err *err)
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
		return ob_error_msg(err, EINVAL,
				    "idmap mount on `%s`: no mappings and no user namespace",
				    m->destination);
	bool rec = m->ridmap || (m->flags & MS_REC);
	_cleanup_close_ int fd = open_tree(
	    AT_FDCWD, src, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (rec ? AT_RECURSIVE : 0));
	if (fd < 0)
		return ob_error(err, errno, "idmap mount `%s` on `%s`: open_tree", src,
				m->destination);
	struct mount_attr a = {.attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)userns_fd};
	if (mount_setattr(fd, "", AT_EMPTY_PATH | (m->ridmap ? AT_RECURSIVE : 0), &a, sizeof(a)) <
	    0)
		return ob_error(err, errno, "idmap mount `%s` on `%s`", src, m->destination);
	*ret_fd = TAKE_FD(fd);
	return 0;
}
