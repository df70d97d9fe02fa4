/* internal.h - shared by the core/cgroup/ files only. */
#ifndef OB_CGROUP_INTERNAL_H
#define OB_CGROUP_INTERNAL_H

#include "../cgroup.h"
#include "../util.h"
#include "backend.h"

#include <time.h>

/* One mounted hierarchy. */
struct cg_mount {
	char *mnt;    /* mount point: /sys/fs/cgroup/memory */
	char **ctrls; /* v1: controllers as mounted ("cpu", "name=systemd"); v2: available */
	bool v2;
};

/* The cgroup in one hierarchy. */
struct cg_hier {
	struct cg_mount *m;
	char *dir;	   /* mnt + path */
	char *created_top; /* topmost directory this object made (rmdir up to it), or NULL */
};

struct ob_cgroup {
	enum ob_cgroup_mode mode;
	char *path; /* "/ocibox/ID" */
	struct cg_hier *h;
	size_t n;
	int v2fd;
	char *top; /* ob_cgroup_created_top's answer */
};

static inline void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* on a directory ob_cgroup_create made as a parent of a cgroup */
#define CG_MADE_XATTR "trusted.ocibox.made"

/* layout.c: the host's hierarchies, read once by cg_layout_load (0 when loaded), and the
 * back end of their tree: the kernel's (fs.c), or the test tool's for a root that is no
 * cgroupfs (backend.h). */
extern struct cg_mount *cg_mounts;
extern size_t cg_n_mounts;
extern enum ob_cgroup_mode cg_host_mode;
extern const struct ob_cgroup_backend *cg_be;
extern const struct ob_cgroup_backend cg_kernel_backend;
int cg_layout_load(struct ob_err *err);
char **cg_split_words(const char *s, const char *sep);
bool cg_strv_contains(char **v, const char *s);

/* The hierarchy in cg holding controller ctrl ("memory"), v1 first, then v2. NULL if none. */
const struct cg_hier *cg_find(const struct ob_cgroup *cg, const char *ctrl);
/* The unified (v2) hierarchy of cg, or NULL. */
const struct cg_hier *cg_v2(const struct ob_cgroup *cg);
/* Write value to dir/file: "set FILE to `value` in `dir`: strerror". */
int cg_write(const struct cg_hier *h, const char *file, const char *value, struct ob_err *err);
int cg_write_file(const char *dir, const char *file, const char *value, struct ob_err *err);
/* The same through *fd, opened on first use and kept for the next value (-1: not yet; the
 * caller closes it): the kernel takes one devices rule per write(2). */
int cg_write_fd(const char *dir, const char *file, const char *value, int *fd, struct ob_err *err);
int cg_writef(const struct cg_hier *h, const char *file, struct ob_err *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Read dir/file (trailing newline stripped). */
int cg_read(const struct cg_hier *h, const char *file, char **ret, struct ob_err *err);
int cg_read_u64(const struct cg_hier *h, const char *file, uint64_t *ret, struct ob_err *err);
bool cg_has_file(const struct cg_hier *h, const char *file);
/* "max" -> UINT64_MAX. */
int cg_parse_u64(const char *s, uint64_t *ret);

/* devices.c: attach a BPF_PROG_TYPE_CGROUP_DEVICE program implementing rules to the
 * cgroup dirfd, replacing the programs attached before. */
int cg_devices_bpf(int dirfd, const char *dir, const struct ob_device_cgroup *rules, size_t n,
		   struct ob_err *err);

#endif
