/* backend.h - a cgroup back end: how the files of a cgroup tree are written, tested, made
 * and removed (crun's cgroup-internal.h ops, at the level of files). The product has one,
 * the kernel's cgroupfs (fs.c). A test tool links another for a cgroup root that is no
 * cgroup filesystem (test/tools/cgroot.c: a prepared fake tree on tmpfs) and installs it
 * with ob_cgroup_set_tree_backend; without one such a root is refused. */
#ifndef OB_CGROUP_BACKEND_H
#define OB_CGROUP_BACKEND_H

#include <stdbool.h>
#include <sys/types.h>

struct ob_cgroup_backend {
	const char *name;
	/* The tree is the kernel's: a new directory comes with its interface files, processes
	 * live in it (they are signalled and frozen), its v2 directory is opened for
	 * clone3(CLONE_INTO_CGROUP) and the BPF device program. */
	bool kernel;
	/* dir/file opened for writing values (O_CLOEXEC): an fd, or -1 with errno. */
	int (*open_file)(const char *dir, const char *file);
	/* Write one value into file (open_file's fd): the bytes of value written, or -1 with
	 * errno. */
	ssize_t (*write_value)(int fd, const char *file, const char *value);
	bool (*has_file)(const char *dir, const char *file);
	/* Called after mkdir made dir, a new cgroup (NULL: nothing to do). */
	void (*made_dir)(const char *dir);
	/* Remove the cgroup directory dir: 0 (also when it is gone), -ENOTEMPTY or -EBUSY while
	 * it holds a child cgroup or a process, another -errno. */
	int (*remove_dir)(const char *dir);
};

/* The back end for a cgroup root (ob_cgroup_set_root) that is no cgroup filesystem; NULL
 * (the default) refuses such a root: "cgroup root `DIR` is not a cgroup filesystem". */
void ob_cgroup_set_tree_backend(const struct ob_cgroup_backend *be);

#endif
