/* cgroup.c - resolving, creating, joining, listing, killing and removing cgroups. The
 * layout: layout.c; file access: fs.c; freezer: freezer.c; resources: res.c; stats:
 * stats.c; the v2 device program: devices.c; the container state glue: state.c. */
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/xattr.h>
#include <time.h>

#include "../log.h"
#include "internal.h"
#include "systemd.h"

/* ---- paths ---- */

/* Join base and p lexically; ".." may not climb above base. */
static int normalize(const char *base, const char *p, const char *orig, char **ret,
		     struct ob_err *err)
{
	_cleanup_strv_ char **parts = ob_xcalloc(1, sizeof(char *));
	_cleanup_strv_ char **b = cg_split_words(base, "/");
	size_t n = 0, floor;
	for (size_t i = 0; b[i]; i++) {
		parts = ob_strv_push(parts, b[i]);
		n++;
	}
	floor = n;
	_cleanup_strv_ char **comps = cg_split_words(p, "/");
	for (size_t i = 0; comps[i]; i++) {
		if (streq(comps[i], "."))
			continue;
		if (streq(comps[i], "..")) {
			if (n == floor)
				return floor ? ob_error_msg(
						   err, EINVAL,
						   "cgroup path `%s` escapes its parent cgroup %s",
						   orig, base)
					     : ob_error_msg(
						   err, EINVAL,
						   "cgroup path `%s` escapes the cgroup hierarchy",
						   orig);
			free(parts[--n]);
			parts[n] = NULL;
			continue;
		}
		parts = ob_strv_push(parts, comps[i]);
		n++;
	}
	size_t len = 1;
	for (size_t i = 0; i < n; i++)
		len += strlen(parts[i]) + 1;
	char *out = ob_xmalloc(len + 1), *w = out;
	*w = '\0';
	for (size_t i = 0; i < n; i++)
		w += sprintf(w, "/%s", parts[i]);
	if (n == 0)
		strcpy(out, "/");
	*ret = out;
	return 0;
}

static bool systemd_running(void)
{
	return access("/run/systemd/system", F_OK) == 0;
}

/* runc's systemd cgroupsPath "slice:prefix:name" -> "/a.slice/a-b.slice/prefix-name.scope":
 * the unit systemd.c names, in the cgroup its slice expands to (systemd.slice(5)). */
static int systemd_path(const char *spec, const char *id, char **ret, struct ob_err *err)
{
	struct ob_systemd_unit u;
	int r = ob_systemd_unit_parse(spec, id, &u, err);
	if (r < 0)
		return r;
	char buf[PATH_MAX] = "";
	size_t w = 0, sl = strlen(u.slice);
	if (!streq(u.slice, "-.slice")) {
		/* "a-b-c.slice" lives in /a.slice/a-b.slice/a-b-c.slice */
		const char *stem_end = u.slice + sl - 6;
		for (const char *d = u.slice; d <= stem_end; d++) {
			if (d != stem_end && *d != '-')
				continue;
			w += snprintf(buf + w, sizeof(buf) - w, "/%.*s.slice", (int)(d - u.slice),
				      u.slice);
			if (w >= sizeof(buf))
				return ob_error(err, ENAMETOOLONG, "cgroupsPath `%s`", spec);
		}
	}
	/* a user's manager keeps its slices under its own cgroup (user@UID.service) */
	_cleanup_free_ char *base = NULL;
	if (geteuid() != 0 && (r = ob_systemd_manager_cgroup(&base, err)) < 0)
		return r;
	*ret = ob_xasprintf("%s%s/%s", base ? base : "", buf, u.unit);
	return 0;
}

static int resolve_path(const char *cgroups_path, const char *id, bool systemd, char **ret,
			struct ob_err *err)
{
	if (systemd) {
		if (!systemd_running())
			return ob_error_msg(err, ENOTSUP,
					    "--systemd-cgroup: systemd is not running on this host "
					    "(no /run/systemd/system); use cgroupfs paths");
		return systemd_path(cgroups_path, id, ret, err);
	}
	if (!cgroups_path || !*cgroups_path) {
		if (!id || !*id || strchr(id, '/') || streq(id, ".") || streq(id, ".."))
			return ob_error_msg(err, EINVAL,
					    "invalid container id `%s` for a cgroup name",
					    id ? id : "");
		*ret = ob_xasprintf(OB_CGROUP_DEFAULT_PARENT "/%s", id);
		return 0;
	}
	if (cgroups_path[0] != '/') {
		const char *c1 = strchr(cgroups_path, ':');
		if (c1 && strchr(c1 + 1, ':') && !strchr(cgroups_path, '/'))
			return ob_error_msg(
			    err, EINVAL,
			    "cgroupsPath `%s` has the systemd form slice:prefix:name; "
			    "it needs --systemd-cgroup",
			    cgroups_path);
		return normalize(OB_CGROUP_DEFAULT_PARENT, cgroups_path, cgroups_path, ret, err);
	}
	return normalize("/", cgroups_path, cgroups_path, ret, err);
}

static struct ob_cgroup *cg_new(const char *path)
{
	struct ob_cgroup *cg = ob_xcalloc(1, sizeof(*cg));
	cg->path = ob_xstrdup(path);
	cg->v2fd = -1;
	cg->mode = cg_host_mode;
	return cg;
}

static void cg_add(struct ob_cgroup *cg, struct cg_mount *m)
{
	for (size_t i = 0; i < cg->n; i++)
		if (cg->h[i].m == m)
			return;
	cg->h = ob_xrealloc(cg->h, (cg->n + 1) * sizeof(*cg->h));
	cg->h[cg->n++] = (struct cg_hier){
	    .m = m,
	    .dir = ob_xasprintf("%s%s", m->mnt, streq(cg->path, "/") ? "" : cg->path),
	};
}

static void cg_open_v2fd(struct ob_cgroup *cg)
{
	if (cg->v2fd >= 0)
		return;
	const struct cg_hier *h = cg_v2(cg);
	if (h && cg_be->kernel) /* a test tree's directory is no cgroup for clone3 or bpf */
		cg->v2fd = open(h->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

int ob_cgroup_open(const char *cgroups_path, const char *container_id, bool systemd,
		   struct ob_cgroup **ret, struct ob_err *err)
{
	int r = cg_layout_load(err);
	if (r < 0)
		return r;
	_cleanup_free_ char *path = NULL;
	r = resolve_path(cgroups_path, container_id, systemd, &path, err);
	if (r < 0)
		return r;
	if (streq(path, "/"))
		return ob_error_msg(err, EINVAL, "cgroupsPath `%s` is the root cgroup",
				    cgroups_path ? cgroups_path : "");
	struct ob_cgroup *cg = cg_new(path);
	for (size_t i = 0; i < cg_n_mounts; i++)
		cg_add(cg, &cg_mounts[i]);
	cg_open_v2fd(cg);
	*ret = cg;
	return 0;
}

int ob_cgroup_open_controllers(const char *controllers, const char *path, struct ob_cgroup **ret,
			       struct ob_err *err)
{
	int r = cg_layout_load(err);
	if (r < 0)
		return r;
	_cleanup_free_ char *norm = NULL;
	r = normalize("/", path, path, &norm, err);
	if (r < 0)
		return r;
	_cleanup_(ob_cgroup_freep) struct ob_cgroup *cg = cg_new(norm);
	struct cg_mount *v2 = NULL;
	for (size_t i = 0; i < cg_n_mounts; i++)
		if (cg_mounts[i].v2)
			v2 = &cg_mounts[i];
	if (!controllers || !*controllers || streq(controllers, "*")) {
		for (size_t i = 0; i < cg_n_mounts; i++)
			cg_add(cg, &cg_mounts[i]);
	} else {
		_cleanup_strv_ char **want = cg_split_words(controllers, ",");
		for (size_t k = 0; want[k]; k++) {
			struct cg_mount *found = NULL;
			for (size_t i = 0; i < cg_n_mounts && !found; i++)
				if (!cg_mounts[i].v2 &&
				    cg_strv_contains(cg_mounts[i].ctrls, want[k]))
					found = &cg_mounts[i];
			if (!found && v2 &&
			    (cg_host_mode == OB_CGROUP_V2 || cg_strv_contains(v2->ctrls, want[k]) ||
			     streq(want[k], "unified")))
				found = v2;
			if (!found)
				return ob_error_msg(
				    err, ENOENT,
				    "cgroup controller `%s` is not available (%s host)", want[k],
				    ob_cgroup_mode_name(cg_host_mode));
			cg_add(cg, found);
		}
	}
	cg_open_v2fd(cg);
	*ret = TAKE_PTR(cg);
	return 0;
}

void ob_cgroup_free(struct ob_cgroup *cg)
{
	if (!cg)
		return;
	for (size_t i = 0; i < cg->n; i++) {
		free(cg->h[i].dir);
		free(cg->h[i].created_top);
	}
	free(cg->h);
	free(cg->path);
	free(cg->top);
	if (cg->v2fd >= 0)
		close(cg->v2fd);
	free(cg);
}

const char *ob_cgroup_path(const struct ob_cgroup *cg)
{
	return cg->path;
}
int ob_cgroup_v2_fd(const struct ob_cgroup *cg)
{
	return cg->v2fd;
}

bool ob_cgroup_exists(const struct ob_cgroup *cg)
{
	for (size_t i = 0; i < cg->n; i++)
		if (access(cg->h[i].dir, F_OK) < 0)
			return false;
	return cg->n > 0;
}

const struct cg_hier *cg_find(const struct ob_cgroup *cg, const char *ctrl)
{
	for (size_t i = 0; i < cg->n; i++)
		if (!cg->h[i].m->v2 && cg_strv_contains(cg->h[i].m->ctrls, ctrl))
			return &cg->h[i];
	for (size_t i = 0; i < cg->n; i++)
		if (cg->h[i].m->v2 && cg_strv_contains(cg->h[i].m->ctrls, ctrl))
			return &cg->h[i];
	return NULL;
}

const char *ob_cgroup_freezer_dir(const struct ob_cgroup *cg)
{
	const struct cg_hier *h = cg_find(cg, "freezer");
	if (!h)
		h = cg_v2(cg);
	return h && cg_be->kernel ? h->dir : NULL;
}

const char *ob_cgroup_created_top(const struct ob_cgroup *cg)
{
	struct ob_cgroup *m = (struct ob_cgroup *)cg;
	free(m->top);
	m->top = NULL;
	for (size_t i = 0; i < cg->n; i++) {
		const char *t = cg->h[i].created_top;
		if (!t)
			continue;
		const char *rel = t + strlen(cg->h[i].m->mnt);
		if (!m->top || strlen(rel) < strlen(m->top)) {
			free(m->top);
			m->top = ob_xstrdup(rel);
		}
	}
	return m->top;
}

void ob_cgroup_set_created_top(struct ob_cgroup *cg, const char *top)
{
	size_t tl = top ? strlen(top) : 0;
	if (!tl || !startswith(cg->path, top) || (cg->path[tl] != '/' && cg->path[tl] != '\0'))
		return;
	for (size_t i = 0; i < cg->n; i++) {
		free(cg->h[i].created_top);
		cg->h[i].created_top = ob_xasprintf("%s%s", cg->h[i].m->mnt, top);
	}
}

bool ob_cgroup_has_controller(const struct ob_cgroup *cg, const char *ctrl)
{
	if (cg_find(cg, ctrl))
		return true;
	if (streq(ctrl, "io"))
		return cg_find(cg, "blkio") != NULL;
	if (streq(ctrl, "blkio"))
		return cg_find(cg, "io") != NULL;
	return false;
}

const struct cg_hier *cg_v2(const struct ob_cgroup *cg)
{
	for (size_t i = 0; i < cg->n; i++)
		if (cg->h[i].m->v2)
			return &cg->h[i];
	return NULL;
}

/* ---- create / enter / destroy ---- */

/* v1 cpuset: a new cgroup starts with empty cpus/mems and refuses tasks (ENOSPC); give it
 * its parent's. known[] carries the values down one walk of create_one: what the level
 * above holds (NULL: read it), updated to this level's; fresh: dir was just made by us, so
 * its own files are known to be empty (a test tree's has none: it is read there). */
static int cpuset_inherit(const char *dir, bool fresh, char *known[2], struct ob_err *err)
{
	static const char *const files[] = {"cpuset.cpus", "cpuset.mems"};
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		_cleanup_free_ char *p = ob_xasprintf("%s/%s", dir, files[i]);
		_cleanup_free_ char *cur = NULL, *parent = NULL;
		if (!fresh || !cg_be->kernel) {
			if (ob_read_file(p, &cur, NULL, NULL) < 0)
				continue; /* a test tree without the file */
			if (cur[0] && cur[0] != '\n') {
				free(known[i]);
				known[i] = TAKE_PTR(cur);
				continue;
			}
		}
		if (known[i]) {
			parent = TAKE_PTR(known[i]);
		} else {
			_cleanup_free_ char *pp = ob_xasprintf("%s/../%s", dir, files[i]);
			int r = ob_read_file(pp, &parent, NULL, err);
			if (r < 0)
				return r;
		}
		int r = ob_write_string(p, parent, err);
		if (r < 0)
			return ob_error_prefix(err, r, "cgroup `%s`", dir);
		known[i] = TAKE_PTR(parent);
	}
	return 0;
}

/* v2: a child sees only the controllers its parent enables in cgroup.subtree_control.
 * Enable every available one, as runc and crun do; a parent that holds processes refuses
 * (EBUSY, the no-internal-process rule): then the resource write names what is missing. */
static void enable_controllers(const char *dir)
{
	_cleanup_free_ char *cp = ob_xasprintf("%s/cgroup.controllers", dir);
	_cleanup_free_ char *sp = ob_xasprintf("%s/cgroup.subtree_control", dir);
	_cleanup_free_ char *avail = NULL, *enabled = NULL;
	if (ob_read_file(cp, &avail, NULL, NULL) < 0)
		return;
	if (ob_read_file(sp, &enabled, NULL, NULL) < 0)
		enabled = ob_xstrdup("");
	_cleanup_strv_ char **a = cg_split_words(avail, " \n");
	_cleanup_strv_ char **e = cg_split_words(enabled, " \n");
	for (size_t i = 0; a[i]; i++) {
		if (cg_strv_contains(e, a[i]))
			continue;
		_cleanup_free_ char *v = ob_xasprintf("+%s", a[i]);
		struct ob_err ignored = {0};
		if (cg_write_file(dir, "cgroup.subtree_control", v, &ignored) < 0)
			ob_log_debug("cgroup: enable %s in %s: %s", a[i], dir, ignored.msg);
	}
}

static int create_one(struct ob_cgroup *cg, struct cg_hier *h, struct ob_err *err)
{
	char cur[PATH_MAX];
	if (snprintf(cur, sizeof(cur), "%s", h->m->mnt) >= (int)sizeof(cur))
		return ob_error(err, ENAMETOOLONG, "cgroup `%s`", h->dir);
	bool cpuset = !h->m->v2 && cg_strv_contains(h->m->ctrls, "cpuset");
	_cleanup_strv_ char **comps = cg_split_words(cg->path, "/");
	_cleanup_free_ char *known_cpus = NULL, *known_mems = NULL;
	for (size_t i = 0; comps[i]; i++) {
		bool fresh = false;
		if (h->m->v2)
			enable_controllers(cur);
		size_t len = strlen(cur);
		if (snprintf(cur + len, sizeof(cur) - len, "/%s", comps[i]) >=
		    (int)(sizeof(cur) - len))
			return ob_error(err, ENAMETOOLONG, "cgroup `%s`", h->dir);
		if (mkdir(cur, 0755) == 0) {
			fresh = true;
			if (!h->created_top)
				h->created_top = ob_xstrdup(cur);
			/* marked, so whoever removes the last cgroup under it removes it too */
			if (comps[i + 1])
				setxattr(cur, CG_MADE_XATTR, "1", 1, 0);
			if (cg_be->made_dir)
				cg_be->made_dir(cur);
		} else if (errno != EEXIST) {
			return ob_error(err, errno, "create cgroup `%s`", cur);
		}
		if (cpuset) {
			char *known[2] = {known_cpus, known_mems};
			int r = cpuset_inherit(cur, fresh, known, err);
			known_cpus = known[0];
			known_mems = known[1];
			if (r < 0)
				return r;
		}
	}
	return 0;
}

static int rmdir_tree(const char *dir)
{
	/* an empty cgroup (the usual case) goes with one rmdir; the walk for child cgroups
	 * only when that is refused */
	int r = cg_be->remove_dir(dir);
	if (r != -EBUSY && r != -ENOTEMPTY)
		return r;
	_cleanup_closedir_ DIR *d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_type != DT_DIR || streq(de->d_name, ".") || streq(de->d_name, ".."))
			continue;
		_cleanup_free_ char *sub = ob_xasprintf("%s/%s", dir, de->d_name);
		r = rmdir_tree(sub);
		if (r < 0)
			return r;
	}
	return cg_be->remove_dir(dir);
}

/* Remove empty parents of dir: those this object made (up to created_top), those under
 * the default parent (they are ocibox's own) and those another ocibox cgroup made (marked
 * with CG_MADE_XATTR: /x/a made for /x/a/b1 and shared by /x/a/b2 goes with the last of
 * them, whichever is deleted first), stopping at the first one in use. */
static void rmdir_parents(const struct cg_hier *h)
{
	_cleanup_free_ char *stop = ob_xasprintf("%s" OB_CGROUP_DEFAULT_PARENT, h->m->mnt);
	_cleanup_free_ char *cur = ob_xstrdup(h->dir);
	size_t mlen = strlen(h->m->mnt);
	for (;;) {
		char *slash = strrchr(cur, '/');
		if (!slash || (size_t)(slash - cur) <= mlen)
			return;
		*slash = '\0';
		bool ours = h->created_top && strlen(cur) >= strlen(h->created_top) &&
			    startswith(cur, h->created_top);
		bool under_default = startswith(cur, stop) &&
				     (cur[strlen(stop)] == '\0' || cur[strlen(stop)] == '/');
		if (!ours && !under_default && getxattr(cur, CG_MADE_XATTR, NULL, 0) < 0)
			return;
		if (cg_be->remove_dir(cur) < 0)
			return;
	}
}

int ob_cgroup_check_empty(const struct ob_cgroup *cg, struct ob_err *err)
{
	for (size_t i = 0; i < cg->n; i++) {
		_cleanup_free_ char *procs = NULL;
		if (cg_read(&cg->h[i], "cgroup.procs", &procs, NULL) < 0)
			continue;
		_cleanup_strv_ char **pids = cg_split_words(procs, "\n");
		for (size_t k = 0; pids[k]; k++) {
			int pid = atoi(pids[k]);
			if (pid > 0 && kill(pid, 0) == 0)
				return ob_error_msg(
				    err, EBUSY,
				    "cgroup `%s` already holds processes (pid %d in %s): "
				    "another container?",
				    cg->path, pid, cg->h[i].dir);
		}
	}
	return 0;
}

int ob_cgroup_create(struct ob_cgroup *cg, unsigned flags, struct ob_err *err)
{
	int r;
	if (flags & OB_CGROUP_MUST_BE_EMPTY) {
		r = ob_cgroup_check_empty(cg, err);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < cg->n; i++) {
		/* a concurrent destroy may remove an empty shared parent under us: retry */
		for (int attempt = 0;; attempt++) {
			r = create_one(cg, &cg->h[i], err);
			if (r != -ENOENT || attempt == 3)
				break;
		}
		if (r < 0)
			goto undo;
	}
	cg_open_v2fd(cg);
	if (cg_v2(cg) && cg_be->kernel && cg->v2fd < 0) {
		r = ob_error(err, errno, "open cgroup `%s`", cg_v2(cg)->dir);
		goto undo;
	}
	return 0;
undo:
	for (size_t i = cg->n; i-- > 0;) {
		struct cg_hier *h = &cg->h[i];
		if (!h->created_top)
			continue;
		rmdir_tree(h->created_top);
		rmdir_parents(h);
		free(h->created_top);
		h->created_top = NULL;
	}
	return r;
}

int ob_cgroup_enter(const struct ob_cgroup *cg, pid_t pid, struct ob_err *err)
{
	char buf[32];
	snprintf(buf, sizeof(buf), "%d", (int)pid);
	for (size_t i = 0; i < cg->n; i++) {
		int r = cg_write(&cg->h[i], "cgroup.procs", buf, err);
		if (r < 0)
			return ob_error_prefix(err, r, "join cgroup `%s`", cg->path);
	}
	return 0;
}

int ob_cgroup_enter_self(const struct ob_cgroup *cg, struct ob_err *err)
{
	for (size_t i = 0; i < cg->n; i++) {
		int r = cg_write(&cg->h[i], cg->h[i].m->v2 ? "cgroup.procs" : "tasks", "0", err);
		if (r < 0)
			return ob_error_prefix(err, r, "join cgroup `%s`", cg->path);
	}
	return 0;
}

int ob_cgroup_open_tasks(const struct ob_cgroup *cg, int **ret_fds, char ***ret_dirs, size_t *ret_n,
			 struct ob_err *err)
{
	*ret_fds = NULL;
	*ret_dirs = NULL;
	*ret_n = 0;
	if (!cg_be->kernel || (cg_v2(cg) && cg->v2fd < 0))
		return 0;
	int *fds = ob_xcalloc(cg->n + 1, sizeof(int));
	char **dirs = ob_xcalloc(cg->n + 1, sizeof(char *));
	size_t n = 0;
	for (size_t i = 0; i < cg->n; i++) {
		if (cg->h[i].m->v2)
			continue;
		_cleanup_free_ char *p = ob_xasprintf("%s/tasks", cg->h[i].dir);
		int fd = open(p, O_WRONLY | O_CLOEXEC);
		if (fd < 0) {
			int r = ob_error(err, errno, "join cgroup `%s`: open `%s`", cg->path, p);
			for (size_t k = 0; k < n; k++)
				close(fds[k]);
			free(fds);
			ob_strv_free(dirs);
			return r;
		}
		fds[n] = fd;
		dirs[n++] = ob_xstrdup(cg->h[i].dir);
	}
	*ret_fds = fds;
	*ret_dirs = dirs;
	*ret_n = n;
	return 1;
}

int ob_cgroup_destroy(struct ob_cgroup *cg, int timeout_ms, struct ob_err *err)
{
	if (streq(cg->path, "/"))
		return ob_error_msg(err, EPERM, "refusing to remove the root cgroup");
	uint64_t deadline = ob_now_ns() + (uint64_t)(timeout_ms > 0 ? timeout_ms : 0) * 1000000ULL;
	int r = 0;
	for (size_t i = 0; i < cg->n; i++) {
		struct cg_hier *h = &cg->h[i];
		int delay = 1;
		for (;;) {
			r = rmdir_tree(h->dir);
			if (r == 0 || (r != -EBUSY && r != -ENOTEMPTY) || ob_now_ns() >= deadline)
				break;
			sleep_ms(delay);
			if (delay < 64)
				delay *= 2;
		}
		if (r < 0) {
			ob_error(err, -r, "remove cgroup `%s`", h->dir);
			if (r == -EBUSY || r == -ENOTEMPTY) {
				_cleanup_free_ pid_t *pids = NULL;
				size_t n = 0;
				if (ob_cgroup_pids(cg, &pids, &n, NULL) == 0 && n > 0)
					ob_error(err, -r, "remove cgroup `%s` (still holds pid %d)",
						 h->dir, (int)pids[0]);
			}
			return r;
		}
		rmdir_parents(h);
		free(h->created_top);
		h->created_top = NULL;
	}
	if (cg->v2fd >= 0) {
		close(cg->v2fd);
		cg->v2fd = -1;
	}
	return 0;
}

/* ---- processes ---- */

static const struct cg_hier *procs_hier(const struct ob_cgroup *cg)
{
	static const char *const pref[] = {"pids",    "freezer", "memory", "cpu",
					   "cpuacct", "devices", "blkio",  "cpuset"};
	if (cg->mode == OB_CGROUP_V2 && cg_v2(cg))
		return cg_v2(cg);
	for (size_t k = 0; k < ARRAY_SIZE(pref); k++)
		for (size_t i = 0; i < cg->n; i++)
			if (!cg->h[i].m->v2 && cg_strv_contains(cg->h[i].m->ctrls, pref[k]))
				return &cg->h[i];
	return cg->n ? &cg->h[0] : NULL;
}

static int collect_pids(const char *dir, pid_t **pids, size_t *n, struct ob_err *err)
{
	_cleanup_free_ char *p = ob_xasprintf("%s/cgroup.procs", dir), *text = NULL;
	int r = ob_read_file(p, &text, NULL, err);
	if (r < 0)
		return r;
	char *save = NULL;
	for (char *t = strtok_r(text, "\n", &save); t; t = strtok_r(NULL, "\n", &save)) {
		int pid = atoi(t);
		if (pid <= 0)
			continue;
		*pids = ob_xrealloc(*pids, (*n + 1) * sizeof(pid_t));
		(*pids)[(*n)++] = pid;
	}
	_cleanup_closedir_ DIR *d = opendir(dir);
	if (!d)
		return 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_type != DT_DIR || streq(de->d_name, ".") || streq(de->d_name, ".."))
			continue;
		_cleanup_free_ char *sub = ob_xasprintf("%s/%s", dir, de->d_name);
		r = collect_pids(sub, pids, n, err);
		if (r < 0 && r != -ENOENT)
			return r;
	}
	return 0;
}

static int pid_cmp(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;
	return x < y ? -1 : x > y;
}

int ob_cgroup_pids(const struct ob_cgroup *cg, pid_t **ret, size_t *ret_n, struct ob_err *err)
{
	const struct cg_hier *h = procs_hier(cg);
	if (!h)
		return ob_error_msg(err, ENOENT, "cgroup `%s`: no hierarchy", cg->path);
	_cleanup_free_ pid_t *pids = NULL;
	size_t n = 0;
	int r = collect_pids(h->dir, &pids, &n, err);
	if (r < 0)
		return r == -ENOENT ? ob_error(err, ENOENT, "cgroup `%s`", h->dir) : r;
	if (n > 1)
		qsort(pids, n, sizeof(pid_t), pid_cmp);
	size_t w = 0;
	for (size_t i = 0; i < n; i++)
		if (w == 0 || pids[w - 1] != pids[i])
			pids[w++] = pids[i];
	*ret_n = w;
	*ret = TAKE_PTR(pids);
	return 0;
}

static int signal_all(const struct ob_cgroup *cg, int sig, struct ob_err *err)
{
	_cleanup_free_ pid_t *pids = NULL;
	size_t n = 0;
	int r = ob_cgroup_pids(cg, &pids, &n, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++)
		if (kill(pids[i], sig) < 0 && errno != ESRCH)
			return ob_error(err, errno, "kill pid %d of cgroup `%s`", (int)pids[i],
					cg->path);
	return 0;
}

int ob_cgroup_kill(const struct ob_cgroup *cg, int sig, struct ob_err *err)
{
	const struct cg_hier *v2 = cg_v2(cg);
	int r;
	/* A test tree's cgroup.procs holds pids written, not processes moved: never signal
	 * them (they may long be someone else's). */
	if (!cg_be->kernel)
		return 0;
	if (streq(cg->path, "/"))
		return ob_error_msg(err, EPERM,
				    "refusing to signal every process of the root cgroup");
	if (sig == SIGKILL && v2 && cg_has_file(v2, "cgroup.kill")) {
		r = cg_write(v2, "cgroup.kill", "1", err);
		if (r < 0)
			return r;
		if (cg->mode == OB_CGROUP_V2)
			return 0;
		/* hybrid: a process joined only to v1 hierarchies is not in the v2 cgroup */
	}
	/* Nothing in the cgroup (the init of a stopped container was its last process): no
	 * freeze and thaw round. No race: only a write to cgroup.procs can add a process to
	 * an empty cgroup, a fork needs a member. */
	{
		_cleanup_free_ pid_t *pids = NULL;
		size_t n = 0;
		r = ob_cgroup_pids(cg, &pids, &n, NULL);
		if (r == -ENOENT || (r == 0 && n == 0)) {
			/* as below: a paused container's cgroup is thawed by a SIGKILL */
			enum ob_freezer_state fs = OB_FREEZER_THAWED;
			if (r == 0 && sig == SIGKILL &&
			    ob_cgroup_freezer_state(cg, &fs, NULL) == 0 && fs != OB_FREEZER_THAWED)
				return ob_cgroup_thaw(cg, err);
			return 0;
		}
	}
	if (!ob_cgroup_exists(cg)) {
		const struct cg_hier *h = procs_hier(cg);
		if (!h || access(h->dir, F_OK) < 0)
			return 0;
	}
	/* Freeze first so no process forks a child past the list we signal. */
	struct ob_err ferr = {0};
	enum ob_freezer_state before = OB_FREEZER_THAWED;
	ob_cgroup_freezer_state(cg, &before, NULL);
	bool frozen = before == OB_FREEZER_THAWED && ob_cgroup_freeze(cg, &ferr) == 0;
	if (before == OB_FREEZER_THAWED && !frozen)
		ob_log_debug("cgroup kill: freeze failed, signalling unfrozen: %s", ferr.msg);
	r = signal_all(cg, sig, err);
	/* A paused container keeps frozen tasks that a SIGKILL only ends once thawed. */
	if (sig == SIGKILL && before != OB_FREEZER_THAWED)
		frozen = true;
	if (frozen) {
		struct ob_err terr = {0};
		int t = ob_cgroup_thaw(cg, &terr);
		if (t < 0 && r == 0) {
			*err = terr;
			r = t;
		}
	}
	return r == -ENOENT ? 0 : r;
}
