/* pivot-helper - switch the root filesystem to NEWROOT and exec a program (switch_root). */
#include "applet.h"

#include <sys/mount.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "../core/process.h"
#include "../core/rootfs.h"

const char pivot_helper_usage[] =
    "Usage: pivot-helper [--no-pivot] [--move-mounts] NEWROOT [CMD [ARG...]]\n"
    "Make NEWROOT the root filesystem and exec CMD (default /sbin/init) there:\n"
    "pivot_root and detach the old root, or MS_MOVE + chroot with --no-pivot or when the\n"
    "current root is rootfs/ramfs (as switch_root). --move-mounts first moves /dev, /proc,\n"
    "/sys and /run into NEWROOT. Exits 126/127 when CMD cannot run.\n";

int pivot_helper_main(int argc, char **argv)
{
	static const struct option opts[] = {{"no-pivot", no_argument, NULL, 'P'},
					     {"move-mounts", no_argument, NULL, 'm'},
					     {NULL, 0, NULL, 0}};
	bool no_pivot = false, move = false;
	int c;
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		if (c == 'P')
			no_pivot = true;
		else if (c == 'm')
			move = true;
		else
			return OB_EXIT_USAGE;
	}
	if (optind >= argc)
		return ob_usage_error("missing NEWROOT");
	const char *newroot = argv[optind];
	char *def[] = {"/sbin/init", NULL};
	char **cmd = optind + 1 < argc ? argv + optind + 1 : def;
	struct ob_err err = {0};
	struct stat st, parent;
	char up[4096];
	snprintf(up, sizeof(up), "%s/..", newroot);
	if (stat(newroot, &st) < 0) {
		ob_log_error("NEWROOT `%s`: %s", newroot, strerror(errno));
		return OB_EXIT_FAIL;
	}
	if (!S_ISDIR(st.st_mode)) {
		ob_log_error("NEWROOT `%s`: %s", newroot, strerror(ENOTDIR));
		return OB_EXIT_FAIL;
	}
	char abs_root[PATH_MAX];
	if (!realpath(newroot, abs_root)) {
		ob_log_error("NEWROOT `%s`: %s", newroot, strerror(errno));
		return OB_EXIT_FAIL;
	}
	/* nothing below may propagate to the mounts we came from (EINVAL: our root is no
	 * mount point, a chroot: pivot_root fails there, and MS_MOVE refuses a shared parent) */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 && errno != EINVAL) {
		ob_log_error("make / rprivate: %s", strerror(errno));
		return OB_EXIT_FAIL;
	}
	/* pivot_root(2) and MS_MOVE need a mount point: bind NEWROOT on itself if it is not */
	bool bound = false;
	if (stat(up, &parent) == 0 && parent.st_dev == st.st_dev && parent.st_ino != st.st_ino) {
		if (mount(newroot, newroot, NULL, MS_BIND | MS_REC, NULL) < 0) {
			ob_log_error("bind `%s` on itself: %s", newroot, strerror(errno));
			return OB_EXIT_FAIL;
		}
		bound = true;
	}
	int r = 0;
	if (move)
		r = ob_rootfs_move_mounts(newroot, &err);
	if (r == 0)
		r = ob_rootfs_pivot(newroot, no_pivot, &err);
	if (r < 0) {
		ob_log_error("%s", err.msg);
		/* (the pivot may have changed into NEWROOT: the absolute path) */
		if (bound && umount2(abs_root, MNT_DETACH) < 0)
			ob_log_warn("undo the bind of `%s` on itself: %s", newroot,
				    strerror(errno));
		return OB_EXIT_FAIL;
	}
	extern char **environ;
	execvpe(cmd[0], cmd, environ);
	int e = errno;
	ob_log_error("exec `%s`: %s", cmd[0], strerror(e));
	return ob_exec_exit_code(e);
}
