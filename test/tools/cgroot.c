/* cgroot - the cgroup root test hook, linked into the test tools only (cgtool, and
 * build/test/ocibox-cgroot: the ocibox binary's objects plus this file).
 *
 * OCIBOX_CGROUP_ROOT=DIR makes DIR the cgroup root (ob_cgroup_set_root) before main: the
 * unified mount alone tests the v2 logic on a hybrid host. A DIR that is no cgroup
 * filesystem (a prepared tree on tmpfs: what a v2 host shows at /sys/fs/cgroup) is run by
 * the fake back end below, which keeps the kernel's file formats: interface files are
 * created on write, a file the kernel keeps per key (per device, per pid) gets a line per
 * write, cgroup.subtree_control stays a list and a new cgroup's cgroup.controllers is its
 * parent's subtree_control. It holds no processes: ob_cgroup_kill signals nothing, no BPF
 * device program is attached, freezing does not wait.
 */
#include "core/cgroup.h"
#include "core/cgroup/backend.h"
#include "core/util.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>

/* Files where each write adds or changes one entry of a list: every write is kept, one a
 * line, so tests see them all. */
static bool keyed(const char *file)
{
	static const char *const files[] = {"io.max",	     "io.weight",    "io.bfq.weight",
					    "rdma.max",	     "cgroup.procs", "net_prio.ifpriomap",
					    "devices.allow", "devices.deny", "tasks"};
	for (size_t i = 0; i < ARRAY_SIZE(files); i++)
		if (streq(file, files[i]))
			return true;
	size_t n = strlen(file);
	return n > 7 && streq(file + n - 7, "_device");
}

static int fake_open_file(const char *dir, const char *file)
{
	char p[PATH_MAX];
	if (snprintf(p, sizeof(p), "%s/%s", dir, file) >= (int)sizeof(p)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	int mode = keyed(file)				   ? O_WRONLY | O_APPEND
		   : streq(file, "cgroup.subtree_control") ? O_RDWR
							   : O_WRONLY | O_TRUNC;
	return open(p, mode | O_CREAT | O_CLOEXEC, 0644);
}

static ssize_t fake_write_value(int fd, const char *file, const char *value)
{
	size_t len = strlen(value);
	char line[1024];
	if (streq(file, "cgroup.subtree_control") && value[0] == '+') {
		/* "+cpu" adds cpu to the list the file shows */
		ssize_t n = pread(fd, line, sizeof(line) - 1, 0);
		if (n < 0)
			return -1;
		line[n] = '\0';
		line[strcspn(line, "\n")] = '\0';
		size_t used = strlen(line);
		snprintf(line + used, sizeof(line) - used, "%s%s\n", used ? " " : "", value + 1);
		if (ftruncate(fd, 0) < 0 || pwrite(fd, line, strlen(line), 0) < 0)
			return -1;
		return (ssize_t)len;
	}
	if ((streq(file, "cgroup.procs") || streq(file, "tasks")) && streq(value, "0"))
		snprintf(line, sizeof(line), "%d\n", (int)getpid()); /* 0: the writer */
	else if (keyed(file))
		snprintf(line, sizeof(line), "%s\n", value);
	else
		return write(fd, value, len);
	return write(fd, line, strlen(line)) < 0 ? -1 : (ssize_t)len;
}

static bool fake_has_file(const char *dir, const char *file)
{
	return true; /* the files the kernel would have */
}

/* A new v2 cgroup's cgroup.controllers: what its parent enabled. */
static void fake_made_dir(const char *dir)
{
	_cleanup_free_ char *sp = ob_xasprintf("%s/../cgroup.subtree_control", dir);
	_cleanup_free_ char *cp = ob_xasprintf("%s/cgroup.controllers", dir);
	_cleanup_free_ char *text = NULL;
	struct ob_err ignored = {0};
	if (ob_read_file(sp, &text, NULL, NULL) == 0)
		ob_write_file_atomic(cp, text, strlen(text), 0644, &ignored);
}

/* Interface files here are plain files: dropped when no child cgroup is left. */
static int fake_remove_dir(const char *dir)
{
	_cleanup_closedir_ DIR *d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	struct dirent *de;
	while ((de = readdir(d)))
		if (de->d_type == DT_DIR && !streq(de->d_name, ".") && !streq(de->d_name, ".."))
			return -ENOTEMPTY;
	rewinddir(d);
	while ((de = readdir(d)))
		if (de->d_type != DT_DIR)
			unlinkat(dirfd(d), de->d_name, 0);
	return rmdir(dir) < 0 && errno != ENOENT ? -errno : 0;
}

static const struct ob_cgroup_backend fake_backend = {
    .name = "fake",
    .kernel = false,
    .open_file = fake_open_file,
    .write_value = fake_write_value,
    .has_file = fake_has_file,
    .made_dir = fake_made_dir,
    .remove_dir = fake_remove_dir,
};

__attribute__((constructor)) static void cgroot_init(void)
{
	ob_cgroup_set_tree_backend(&fake_backend);
	ob_cgroup_set_root(getenv("OCIBOX_CGROUP_ROOT"));
}
