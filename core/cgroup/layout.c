/* layout.c - the cgroup layout of the host (v1, v2, hybrid): which hierarchies are mounted
 * where, with which controllers, read once from mountinfo (or a test tree). */
#include <limits.h>
#include <sys/statfs.h>

#include "../log.h"
#include "internal.h"

#ifndef CGROUP_SUPER_MAGIC
#define CGROUP_SUPER_MAGIC 0x27e0eb
#endif
#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

static char *cg_root;				/* test hook; NULL = mountinfo */
static const struct ob_cgroup_backend *tree_be; /* a test tool's, for a root that is no cgroupfs */
const struct ob_cgroup_backend *cg_be = &cg_kernel_backend;
struct cg_mount *cg_mounts; /* the layout, read once */
size_t cg_n_mounts;
enum ob_cgroup_mode cg_host_mode;

/* v1 controllers the kernel knows; anything else in a cgroup mount's options is an option. */
static const char *const v1_controllers[] = {
    "cpu",   "cpuacct",	   "cpuset",  "memory", "devices", "freezer", "net_cls", "net_prio",
    "blkio", "perf_event", "hugetlb", "pids",	"rdma",	   "misc",    "debug",
};

static bool is_v1_controller(const char *s)
{
	for (size_t i = 0; i < ARRAY_SIZE(v1_controllers); i++)
		if (streq(s, v1_controllers[i]))
			return true;
	return false;
}

bool cg_strv_contains(char **v, const char *s)
{
	for (size_t i = 0; v && v[i]; i++)
		if (streq(v[i], s))
			return true;
	return false;
}

static void layout_reset(void)
{
	for (size_t i = 0; i < cg_n_mounts; i++) {
		free(cg_mounts[i].mnt);
		ob_strv_free(cg_mounts[i].ctrls);
	}
	free(cg_mounts);
	cg_mounts = NULL;
	cg_n_mounts = 0;
	cg_host_mode = 0;
	cg_be = &cg_kernel_backend;
}

void ob_cgroup_set_root(const char *root)
{
	layout_reset();
	free(cg_root);
	cg_root = root && *root ? ob_xstrdup(root) : NULL;
}

void ob_cgroup_set_tree_backend(const struct ob_cgroup_backend *be)
{
	layout_reset();
	tree_be = be;
}

const char *ob_cgroup_root(void)
{
	return cg_root;
}

char **cg_split_words(const char *s, const char *sep)
{
	char **v = ob_xcalloc(1, sizeof(char *));
	_cleanup_free_ char *copy = ob_xstrdup(s);
	char *save = NULL;
	for (char *t = strtok_r(copy, sep, &save); t; t = strtok_r(NULL, sep, &save))
		v = ob_strv_push(v, t);
	return v;
}

static void add_mount(const char *mnt, char **ctrls, bool v2)
{
	cg_mounts = ob_xrealloc(cg_mounts, (cg_n_mounts + 1) * sizeof(*cg_mounts));
	cg_mounts[cg_n_mounts++] =
	    (struct cg_mount){.mnt = ob_xstrdup(mnt), .ctrls = ctrls, .v2 = v2};
}

static char **v2_controllers(const char *mnt)
{
	_cleanup_free_ char *p = ob_xasprintf("%s/cgroup.controllers", mnt), *text = NULL;
	if (ob_read_file(p, &text, NULL, NULL) < 0)
		return ob_xcalloc(1, sizeof(char *));
	return cg_split_words(text, " \n");
}

static int layout_from_mountinfo(struct ob_err *err)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return ob_error(err, errno, "open `/proc/self/mountinfo`");
	/* procfs reports st_blksize 1024: stdio would read the table 1 KiB per syscall */
	char buf[16384];
	setvbuf(f, buf, _IOFBF, sizeof(buf));
	_cleanup_free_ char *line = NULL;
	size_t cap = 0;
	_cleanup_strv_ char **seen = ob_xcalloc(1, sizeof(char *));
	while (getline(&line, &cap, f) > 0) {
		/* ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTS */
		char *fields[6] = {0}, *save = NULL, *t;
		int i = 0;
		for (t = strtok_r(line, " \n", &save); t && i < 6; t = strtok_r(NULL, " \n", &save))
			fields[i++] = t;
		if (i < 6)
			continue;
		while (t && !streq(t, "-"))
			t = strtok_r(NULL, " \n", &save);
		char *fstype = strtok_r(NULL, " \n", &save);
		char *source = strtok_r(NULL, " \n", &save);
		char *super = strtok_r(NULL, " \n", &save);
		if (!fstype || !source || !super)
			continue;
		bool v2 = streq(fstype, "cgroup2");
		if (!v2 && !streq(fstype, "cgroup"))
			continue;
		/* One entry per superblock: bind cg_mounts of a hierarchy elsewhere are the same.
		 */
		if (cg_strv_contains(seen, fields[2]))
			continue;
		seen = ob_strv_push(seen, fields[2]);
		char *mnt = fields[4];
		ob_unescape_mountinfo(mnt);
		if (v2) {
			add_mount(mnt, v2_controllers(mnt), true);
			continue;
		}
		char **ctrls = ob_xcalloc(1, sizeof(char *));
		_cleanup_strv_ char **opts = cg_split_words(super, ",");
		for (size_t k = 0; opts[k]; k++)
			if (is_v1_controller(opts[k]) || startswith(opts[k], "name="))
				ctrls = ob_strv_push(ctrls, opts[k]);
		add_mount(mnt, ctrls, false);
	}
	return 0;
}

static int layout_from_tree(const char *root, struct ob_err *err)
{
	struct statfs sfs;
	if (statfs(root, &sfs) < 0)
		return ob_error(err, errno, "cgroup root `%s`", root);
	if (sfs.f_type != CGROUP_SUPER_MAGIC && sfs.f_type != CGROUP2_SUPER_MAGIC) {
		if (!tree_be)
			return ob_error_msg(err, ENOTSUP,
					    "cgroup root `%s` is not a cgroup filesystem", root);
		cg_be = tree_be;
	}
	_cleanup_free_ char *ctl = ob_xasprintf("%s/cgroup.controllers", root);
	if (access(ctl, F_OK) == 0) {
		add_mount(root, v2_controllers(root), true);
		return 0;
	}
	_cleanup_closedir_ DIR *d = opendir(root);
	if (!d)
		return ob_error(err, errno, "cgroup root `%s`", root);
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		_cleanup_free_ char *mnt = ob_xasprintf("%s/%s", root, de->d_name);
		_cleanup_free_ char *procs = ob_xasprintf("%s/cgroup.procs", mnt);
		_cleanup_free_ char *ctrl2 = ob_xasprintf("%s/cgroup.controllers", mnt);
		if (access(ctrl2, F_OK) == 0)
			add_mount(mnt, v2_controllers(mnt), true);
		else if (access(procs, F_OK) == 0)
			add_mount(mnt, cg_split_words(de->d_name, ","), false);
	}
	return 0;
}

int cg_layout_load(struct ob_err *err)
{
	if (cg_host_mode)
		return 0;
	int r = cg_root ? layout_from_tree(cg_root, err) : layout_from_mountinfo(err);
	if (r < 0) {
		layout_reset();
		return r;
	}
	size_t n1 = 0, n2 = 0;
	for (size_t i = 0; i < cg_n_mounts; i++)
		cg_mounts[i].v2 ? n2++ : n1++;
	if (n1 == 0 && n2 == 0) {
		layout_reset();
		return ob_error_msg(err, ENOENT, "no cgroup filesystem is mounted%s%s",
				    cg_root ? " under " : "", cg_root ? cg_root : "");
	}
	if (n2 > 1) {
		layout_reset();
		return ob_error_msg(err, EINVAL, "more than one cgroup2 hierarchy is mounted");
	}
	cg_host_mode = n1 == 0 ? OB_CGROUP_V2 : n2 ? OB_CGROUP_HYBRID : OB_CGROUP_V1;
	return 0;
}

int ob_cgroup_detect(enum ob_cgroup_mode *ret_mode, struct ob_err *err)
{
	int r = cg_layout_load(err);
	if (r < 0)
		return r;
	*ret_mode = cg_host_mode;
	return 0;
}

const char *ob_cgroup_mode_name(enum ob_cgroup_mode mode)
{
	switch (mode) {
	case OB_CGROUP_V1:
		return "v1";
	case OB_CGROUP_V2:
		return "v2";
	case OB_CGROUP_HYBRID:
		return "hybrid";
	}
	return "unknown";
}
