/* state.c - ROOT/ID/state.json, the lock, the live status, the OCI state JSON. */
#include "state.h"

#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "cgroup.h"
#include "fault.h"
#include "util.h"

#define _cleanup_json_ __attribute__((cleanup(json_decrefp)))

int ob_state_validate_id(const char *id, struct ob_err *err)
{
	if (!id || !*id)
		return ob_error_msg(err, EINVAL, "container id cannot be empty");
	bool ok = !streq(id, ".") && !streq(id, "..") && strlen(id) < 1024;
	for (const char *p = id; ok && *p; p++) {
		char c = *p;
		ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		     c == '_' || c == '+' || c == '-' || c == '.';
	}
	if (!ok)
		return ob_error_msg(err, EINVAL, "invalid container id `%s`", id);
	/* ROOT/.new-* are creates in progress (swept when no lock is held), and `list` skips
	 * dot names: an id of ours never starts with a dot */
	if (id[0] == '.')
		return ob_error_msg(err, EINVAL, "invalid container id `%s`: it starts with `.`",
				    id);
	return 0;
}

int ob_state_path(const char *root, const char *id, const char *file, char *buf, size_t len)
{
	int n = file ? snprintf(buf, len, "%s/%s/%s", root, id, file)
		     : snprintf(buf, len, "%s/%s", root, id);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* The lock of ROOT/ID, made when missing: every id directory is born with its lock (see
 * ob_state_create), so one without is debris (a hand-made directory, an older ocibox) that
 * delete must still be able to lock and remove. O_CREAT fails with ENOENT when the
 * directory itself is missing. */
static int open_lock(const char *root, const char *id, int *ret_fd, struct ob_err *err)
{
	char path[PATH_MAX];
	if (ob_state_path(root, id, "lock", path, sizeof(path)) < 0)
		return ob_error(err, ENAMETOOLONG, "container `%s`", id);
	int fd = open(path, O_RDWR | O_CLOEXEC | O_CREAT, 0600);
	if (fd < 0) {
		if (errno == ENOENT)
			return ob_error_msg(err, ENOENT, "container `%s` does not exist", id);
		return ob_error(err, errno, "open `%s`", path);
	}
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			int e = errno;
			close(fd);
			return ob_error(err, e, "lock `%s`", path);
		}
	}
	/* The container may have been deleted while we waited for the lock. */
	struct stat st;
	if (fstat(fd, &st) < 0 || st.st_nlink == 0) {
		close(fd);
		return ob_error_msg(err, ENOENT, "container `%s` does not exist", id);
	}
	*ret_fd = fd;
	return 0;
}

#define NEW_PREFIX ".new-"

/* A ROOT/.new-* directory (a create killed before its rename) whose lock nobody holds:
 * remove it. Its creator, if alive but not yet locked, finds its lock unlinked and
 * starts over (see ob_state_create); a live one holding it is left alone. */
static void sweep_new(const char *root)
{
	_cleanup_closedir_ DIR *d = opendir(root);
	struct dirent *de;
	while (d && (de = readdir(d))) {
		if (!startswith(de->d_name, NEW_PREFIX))
			continue;
		_cleanup_free_ char *dir = ob_xasprintf("%s/%s", root, de->d_name);
		_cleanup_free_ char *lock = ob_xasprintf("%s/lock", dir);
		_cleanup_close_ int fd = open(lock, O_RDWR | O_CLOEXEC | O_CREAT, 0600);
		if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0)
			ob_rm_rf(dir);
	}
}

static int save_to(const char *path, const struct ob_state *st, struct ob_err *err);

int ob_state_create(const struct ob_state *st, int *ret_lock_fd, struct ob_err *err)
{
	const char *root = st->root, *id = st->id;
	int r = ob_state_validate_id(id, err);
	if (r < 0)
		return r;
	char path[PATH_MAX], tmp[PATH_MAX];
	if (ob_state_path(root, id, NULL, path, sizeof(path)) < 0 ||
	    snprintf(tmp, sizeof(tmp), "%s/" NEW_PREFIX "XXXXXX", root) >= (int)sizeof(tmp))
		return ob_error(err, ENAMETOOLONG, "container `%s`", id);
	if (access(path, F_OK) == 0)
		return ob_error_msg(err, EEXIST, "container `%s` already exists", id);
	if ((r = ob_mkdir_p(root, 0711, err)) < 0)
		return ob_error_prefix(err, r, "state root");
	sweep_new(root);
	/* ROOT/.new-XXXXXX with its lock (held) and state.json, then renamed to ROOT/ID: the
	 * id appears with both or not at all, and a killed create leaves either nothing
	 * under its id or an entry that delete --force can lock and finish. */
	for (;;) {
		snprintf(tmp, sizeof(tmp), "%s/" NEW_PREFIX "XXXXXX", root);
		if (!mkdtemp(tmp))
			return ob_error(err, errno, "mkdir `%s`", tmp);
		_cleanup_free_ char *lock = ob_xasprintf("%s/lock", tmp);
		int fd = open(lock, O_RDWR | O_CLOEXEC | O_CREAT, 0600);
		if (fd < 0) {
			if (errno == ENOENT)
				continue; /* swept by another create before we locked it */
			r = ob_error(err, errno, "open `%s`", lock);
			ob_rm_rf(tmp);
			return r;
		}
		struct stat sb;
		if (flock(fd, LOCK_EX) < 0 || fstat(fd, &sb) < 0 || sb.st_nlink == 0) {
			close(fd);
			continue;
		}
		_cleanup_free_ char *state = ob_xasprintf("%s/state.json", tmp);
		if ((r = save_to(state, st, err)) < 0) {
			ob_rm_rf(tmp);
			close(fd);
			return r;
		}
		if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE) < 0) {
			int e = errno;
			ob_rm_rf(tmp);
			close(fd);
			if (e == EEXIST || e == ENOTEMPTY)
				return ob_error_msg(err, EEXIST, "container `%s` already exists",
						    id);
			return ob_error(err, e, "rename `%s` to `%s`", tmp, path);
		}
		*ret_lock_fd = fd;
		return 0;
	}
}

int ob_state_create_dir(const char *root, const char *id, int *ret_lock_fd, struct ob_err *err)
{
	struct ob_state st = {.root = (char *)root, .id = (char *)id};
	ob_state_set_ext(&st, OB_STATE_CREATING, "dir");
	int r = ob_state_create(&st, ret_lock_fd, err);
	for (size_t i = 0; i < st.n_ext; i++) {
		free(st.ext[i].key);
		free(st.ext[i].value);
	}
	free(st.ext);
	return r;
}

int ob_state_lock(const char *root, const char *id, int *ret_fd, struct ob_err *err)
{
	int r = ob_state_validate_id(id, err);
	if (r < 0)
		return r;
	return open_lock(root, id, ret_fd, err);
}

void ob_state_free(struct ob_state *st)
{
	if (!st)
		return;
	free(st->root);
	free(st->id);
	free(st->bundle);
	free(st->rootfs);
	free(st->created);
	free(st->cgroup_path);
	for (size_t i = 0; i < st->n_annotations; i++) {
		free(st->annotations[i].key);
		free(st->annotations[i].value);
	}
	free(st->annotations);
	for (size_t i = 0; i < st->n_ext; i++) {
		free(st->ext[i].key);
		free(st->ext[i].value);
	}
	free(st->ext);
	free(st);
}

static char *dup_or_null(const char *s)
{
	return s ? ob_xstrdup(s) : NULL;
}

static struct ob_kv *dup_kv(const struct ob_kv *kv, size_t n)
{
	struct ob_kv *c = n ? ob_xcalloc(n, sizeof(*c)) : NULL;
	for (size_t i = 0; i < n; i++) {
		c[i].key = dup_or_null(kv[i].key);
		c[i].value = dup_or_null(kv[i].value);
	}
	return c;
}

struct ob_state *ob_state_dup(const struct ob_state *st)
{
	struct ob_state *c = ob_xmalloc(sizeof(*c));
	*c = *st;
	c->root = dup_or_null(st->root);
	c->id = dup_or_null(st->id);
	c->bundle = dup_or_null(st->bundle);
	c->rootfs = dup_or_null(st->rootfs);
	c->created = dup_or_null(st->created);
	c->cgroup_path = dup_or_null(st->cgroup_path);
	c->annotations = dup_kv(st->annotations, st->n_annotations);
	c->ext = dup_kv(st->ext, st->n_ext);
	return c;
}

static char *jstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_string(v) ? ob_xstrdup(json_string_value(v)) : NULL;
}

static void load_kv(json_t *obj, struct ob_kv **ret, size_t *ret_n)
{
	if (!json_is_object(obj))
		return;
	size_t n = json_object_size(obj), i = 0;
	struct ob_kv *kv = ob_xcalloc(n, sizeof(*kv));
	const char *k;
	json_t *v;
	json_object_foreach(obj, k, v)
	{
		if (!json_is_string(v))
			continue;
		kv[i].key = ob_xstrdup(k);
		kv[i].value = ob_xstrdup(json_string_value(v));
		i++;
	}
	*ret = kv;
	*ret_n = i;
}

int ob_state_load(const char *root, const char *id, struct ob_state **ret, struct ob_err *err)
{
	int r = ob_state_validate_id(id, err);
	if (r < 0)
		return r;
	char dir[PATH_MAX], path[PATH_MAX];
	if (ob_state_path(root, id, NULL, dir, sizeof(dir)) < 0 ||
	    ob_state_path(root, id, "state.json", path, sizeof(path)) < 0)
		return ob_error(err, ENAMETOOLONG, "container `%s`", id);
	struct ob_state *st = ob_xcalloc(1, sizeof(*st));
	st->root = ob_xstrdup(root);
	st->id = ob_xstrdup(id);
	json_error_t jerr;
	_cleanup_json_ json_t *j = json_load_file(path, 0, &jerr);
	if (!j) {
		struct stat sb;
		if (stat(dir, &sb) < 0) {
			ob_state_free(st);
			return ob_error_msg(err, ENOENT, "container `%s` does not exist", id);
		}
		if (access(path, F_OK) < 0 && errno == ENOENT) {
			*ret = st; /* being created */
			return 0;
		}
		ob_state_free(st);
		return ob_error_msg(err, EINVAL, "%s:%d:%d: %s", path, jerr.line, jerr.column,
				    jerr.text);
	}
	st->bundle = jstr(j, "bundle");
	st->rootfs = jstr(j, "rootfs");
	st->created = jstr(j, "created");
	st->pid = (pid_t)json_integer_value(json_object_get(j, "pid"));
	st->start_time = (uint64_t)json_integer_value(json_object_get(j, "ocibox_start_time"));
	st->owner = (uid_t)json_integer_value(json_object_get(j, "ocibox_owner"));
	st->cgroup_path = jstr(j, "ocibox_cgroup_path");
	st->systemd_cgroup = json_is_true(json_object_get(j, "ocibox_systemd_cgroup"));
	load_kv(json_object_get(j, "annotations"), &st->annotations, &st->n_annotations);
	load_kv(json_object_get(j, "ocibox"), &st->ext, &st->n_ext);
	*ret = st;
	return 0;
}

/* Owner name from the host's /etc/passwd, without NSS (as runc prints it). */
static void owner_name(uid_t uid, char *buf, size_t len)
{
	static uid_t cached_uid = (uid_t)-1;
	static char cached[64];
	if (uid == cached_uid) {
		snprintf(buf, len, "%s", cached);
		return;
	}
	snprintf(buf, len, "%u", (unsigned)uid);
	cached_uid = uid;
	snprintf(cached, sizeof(cached), "%s", buf);
	_cleanup_fclose_ FILE *f = fopen("/etc/passwd", "re");
	if (!f)
		return;
	char line[1024];
	while (fgets(line, sizeof(line), f)) {
		char *name = strtok(line, ":");
		strtok(NULL, ":");
		char *u = strtok(NULL, ":");
		if (name && u && strtoul(u, NULL, 10) == uid) {
			snprintf(buf, len, "%s", name);
			snprintf(cached, sizeof(cached), "%s", name);
			return;
		}
	}
}

void ob_state_owner_name(const struct ob_state *st, char *buf, size_t len)
{
	owner_name(st->owner, buf, len);
}

static json_t *kv_object(const struct ob_kv *kv, size_t n)
{
	json_t *o = json_object();
	for (size_t i = 0; i < n; i++)
		json_object_set_new(o, kv[i].key, json_string(kv[i].value ? kv[i].value : ""));
	return o;
}

static json_t *state_object(const struct ob_state *st, enum ob_status status)
{
	json_t *o = json_object();
	char owner[64];
	owner_name(st->owner, owner, sizeof(owner));
	json_object_set_new(o, "ociVersion", json_string(OB_OCI_VERSION));
	json_object_set_new(o, "id", json_string(st->id));
	json_object_set_new(o, "pid", json_integer(status == OB_STATUS_STOPPED ? 0 : st->pid));
	json_object_set_new(o, "status", json_string(ob_status_name(status)));
	json_object_set_new(o, "bundle", json_string(st->bundle ? st->bundle : ""));
	json_object_set_new(o, "rootfs", json_string(st->rootfs ? st->rootfs : ""));
	json_object_set_new(o, "created", json_string(st->created ? st->created : ""));
	json_object_set_new(o, "owner", json_string(owner));
	if (st->n_annotations)
		json_object_set_new(o, "annotations",
				    kv_object(st->annotations, st->n_annotations));
	return o;
}

char *ob_state_json(const struct ob_state *st, enum ob_status status, bool pretty)
{
	_cleanup_json_ json_t *o = state_object(st, status);
	char *s = json_dumps(o, pretty ? JSON_INDENT(2) | JSON_PRESERVE_ORDER
				       : JSON_PRESERVE_ORDER | JSON_COMPACT);
	if (!s)
		abort();
	return s;
}

char *ob_state_process_json(const struct ob_state *st, enum ob_status status, pid_t pid,
			    const char *const *fd_names, const char *metadata)
{
	_cleanup_json_ json_t *o = json_object();
	json_t *fds = json_array();
	for (size_t i = 0; fd_names && fd_names[i]; i++)
		json_array_append_new(fds, json_string(fd_names[i]));
	json_object_set_new(o, "ociVersion", json_string(OB_OCI_VERSION));
	json_object_set_new(o, "fds", fds);
	json_object_set_new(o, "pid", json_integer(pid));
	if (metadata)
		json_object_set_new(o, "metadata", json_string(metadata));
	json_object_set_new(o, "state", state_object(st, status));
	char *s = json_dumps(o, JSON_PRESERVE_ORDER | JSON_COMPACT);
	if (!s)
		abort();
	return s;
}

char *ob_state_list_json(struct ob_state **sts, size_t n)
{
	_cleanup_json_ json_t *a = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *o = state_object(sts[i], ob_state_status(sts[i]));
		char why[256];
		if (ob_state_half_made(sts[i], why, sizeof(why)))
			json_object_set_new(o, "reason", json_string(why));
		json_array_append_new(a, o);
	}
	char *s = json_dumps(a, JSON_PRESERVE_ORDER | JSON_COMPACT);
	if (!s)
		abort();
	return s;
}

static int save_to(const char *path, const struct ob_state *st, struct ob_err *err)
{
	_cleanup_json_ json_t *o = json_object();
	json_object_set_new(o, "ociVersion", json_string(OB_OCI_VERSION));
	json_object_set_new(o, "id", json_string(st->id));
	json_object_set_new(o, "pid", json_integer(st->pid));
	json_object_set_new(o, "bundle", json_string(st->bundle ? st->bundle : ""));
	json_object_set_new(o, "rootfs", json_string(st->rootfs ? st->rootfs : ""));
	json_object_set_new(o, "created", json_string(st->created ? st->created : ""));
	json_object_set_new(o, "ocibox_start_time", json_integer((json_int_t)st->start_time));
	json_object_set_new(o, "ocibox_owner", json_integer(st->owner));
	if (st->cgroup_path)
		json_object_set_new(o, "ocibox_cgroup_path", json_string(st->cgroup_path));
	if (st->systemd_cgroup)
		json_object_set_new(o, "ocibox_systemd_cgroup", json_true());
	if (st->n_annotations)
		json_object_set_new(o, "annotations",
				    kv_object(st->annotations, st->n_annotations));
	if (st->n_ext)
		json_object_set_new(o, "ocibox", kv_object(st->ext, st->n_ext));
	_cleanup_free_ char *s = json_dumps(o, JSON_PRESERVE_ORDER | JSON_COMPACT);
	if (!s)
		abort();
	return ob_write_file_atomic(path, s, strlen(s), 0600, err);
}

int ob_state_save(const struct ob_state *st, struct ob_err *err)
{
	char path[PATH_MAX];
	if (ob_state_path(st->root, st->id, "state.json", path, sizeof(path)) < 0)
		return ob_error(err, ENAMETOOLONG, "container `%s`", st->id);
	return save_to(path, st, err);
}

int ob_state_remove(const char *root, const char *id, struct ob_err *err)
{
	char path[PATH_MAX];
	if (ob_state_path(root, id, NULL, path, sizeof(path)) < 0)
		return ob_error(err, ENAMETOOLONG, "container `%s`", id);
	/* the files we know of, then the directory; a full walk only when something else
	 * was left there */
	static const char *const files[] = {"state.json", "exec.fifo", "lock"};
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char f[PATH_MAX];
		if (ob_state_path(root, id, files[i], f, sizeof(f)) == 0)
			unlink(f);
	}
	ob_fault_point("delete-state");
	if (rmdir(path) == 0 || errno == ENOENT)
		return 0;
	int r = ob_rm_rf(path);
	if (r < 0)
		return ob_error(err, -r, "remove `%s`", path);
	return 0;
}

const char *ob_status_name(enum ob_status s)
{
	switch (s) {
	case OB_STATUS_CREATING:
		return "creating";
	case OB_STATUS_CREATED:
		return "created";
	case OB_STATUS_RUNNING:
		return "running";
	case OB_STATUS_PAUSED:
		return "paused";
	case OB_STATUS_STOPPED:
		return "stopped";
	}
	return "unknown";
}

bool ob_state_init_alive(const struct ob_state *st)
{
	if (st->pid <= 0)
		return false;
	char state = 0;
	uint64_t start = 0;
	if (ob_proc_stat(st->pid, &state, &start) < 0 || state == 'Z' || state == 'X')
		return false;
	return st->start_time == 0 || start == st->start_time;
}

/* paused: the container's cgroup is frozen */
static bool state_frozen(const struct ob_state *st)
{
	return ob_cgroup_state_frozen(st);
}

enum ob_status ob_state_status(const struct ob_state *st)
{
	if (st->pid <= 0 || ob_state_get_ext(st, OB_STATE_CREATING))
		return OB_STATUS_CREATING;
	if (!ob_state_init_alive(st))
		return OB_STATUS_STOPPED;
	if (state_frozen(st))
		return OB_STATUS_PAUSED;
	char fifo[PATH_MAX];
	if (ob_state_path(st->root, st->id, "exec.fifo", fifo, sizeof(fifo)) == 0 &&
	    access(fifo, F_OK) == 0)
		return OB_STATUS_CREATED;
	return OB_STATUS_RUNNING;
}

bool ob_state_half_made(const struct ob_state *st, char *buf, size_t len)
{
	const char *step = ob_state_get_ext(st, OB_STATE_CREATING);
	if (st->pid > 0 && !step)
		return false;
	/* the lock decides: held, a live ocibox is still at work on it */
	char path[PATH_MAX];
	bool held = false;
	if (ob_state_path(st->root, st->id, "lock", path, sizeof(path)) == 0) {
		_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
		held = fd >= 0 && flock(fd, LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK;
	}
	if (held)
		snprintf(buf, len, "being created (step `%s`)", step ? step : "dir");
	else if (step)
		snprintf(buf, len, "create interrupted at step `%s`: delete --force removes it",
			 step);
	else
		snprintf(buf, len, "no state recorded: delete --force removes it");
	return true;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int ob_state_list(const char *root, char ***ret_ids, struct ob_err *err)
{
	char **ids = ob_xcalloc(1, sizeof(char *));
	_cleanup_closedir_ DIR *d = opendir(root);
	if (!d) {
		if (errno != ENOENT) {
			free(ids);
			return ob_error(err, errno, "open `%s`", root);
		}
		*ret_ids = ids;
		return 0;
	}
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN))
			continue;
		if (ob_state_validate_id(de->d_name, NULL) < 0)
			continue;
		ids = ob_strv_push(ids, de->d_name);
	}
	qsort(ids, ob_strv_len(ids), sizeof(char *), cmp_str);
	*ret_ids = ids;
	return 0;
}

void ob_state_set_ext(struct ob_state *st, const char *key, const char *value)
{
	for (size_t i = 0; i < st->n_ext; i++)
		if (streq(st->ext[i].key, key)) {
			free(st->ext[i].value);
			st->ext[i].value = ob_xstrdup(value);
			return;
		}
	st->ext = ob_xrealloc(st->ext, (st->n_ext + 1) * sizeof(*st->ext));
	st->ext[st->n_ext].key = ob_xstrdup(key);
	st->ext[st->n_ext].value = ob_xstrdup(value);
	st->n_ext++;
}

void ob_state_unset_ext(struct ob_state *st, const char *key)
{
	for (size_t i = 0; i < st->n_ext; i++)
		if (streq(st->ext[i].key, key)) {
			free(st->ext[i].key);
			free(st->ext[i].value);
			st->ext[i] = st->ext[--st->n_ext];
			return;
		}
}

const char *ob_state_get_ext(const struct ob_state *st, const char *key)
{
	for (size_t i = 0; i < st->n_ext; i++)
		if (streq(st->ext[i].key, key))
			return st->ext[i].value;
	return NULL;
}

/* ---- cgroup output: oci-ps --format json, oci-events (runc's shapes) ---- */

char *ob_state_pids_json(const pid_t *pids, size_t n)
{
	_cleanup_json_ json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_integer(pids[i]));
	char *s = json_dumps(a, JSON_COMPACT);
	if (!s)
		abort();
	return s;
}

static json_t *mem_data(const struct ob_cgroup_mem_data *m)
{
	json_t *o = json_object();
	json_object_set_new(
	    o, "limit", json_integer((json_int_t)(m->limit > INT64_MAX ? INT64_MAX : m->limit)));
	json_object_set_new(o, "usage", json_integer((json_int_t)m->usage));
	json_object_set_new(o, "max", json_integer((json_int_t)m->max_usage));
	json_object_set_new(o, "failcnt", json_integer((json_int_t)m->failcnt));
	return o;
}

static json_t *blkio_entries(const struct ob_cgroup_blkio_entry *e, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_object();
		json_object_set_new(o, "major", json_integer(e[i].major));
		json_object_set_new(o, "minor", json_integer(e[i].minor));
		json_object_set_new(o, "op", json_string(e[i].op));
		json_object_set_new(o, "value", json_integer((json_int_t)e[i].value));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *stats_object(const struct ob_cgroup_stats *s)
{
	json_t *d = json_object();
	json_t *cpu = json_object(), *usage = json_object(), *thr = json_object();
	json_object_set_new(usage, "total", json_integer((json_int_t)s->cpu.total));
	json_t *percpu = json_array();
	for (size_t i = 0; i < s->cpu.n_percpu; i++)
		json_array_append_new(percpu, json_integer((json_int_t)s->cpu.percpu[i]));
	json_object_set_new(usage, "percpu", percpu);
	json_object_set_new(usage, "kernel", json_integer((json_int_t)s->cpu.kernel));
	json_object_set_new(usage, "user", json_integer((json_int_t)s->cpu.user));
	json_object_set_new(cpu, "usage", usage);
	json_object_set_new(thr, "periods", json_integer((json_int_t)s->cpu.periods));
	json_object_set_new(thr, "throttledPeriods",
			    json_integer((json_int_t)s->cpu.throttled_periods));
	json_object_set_new(thr, "throttledTime", json_integer((json_int_t)s->cpu.throttled_time));
	json_object_set_new(cpu, "throttling", thr);
	json_object_set_new(d, "cpu", cpu);

	json_t *mem = json_object(), *raw = json_object();
	json_object_set_new(mem, "cache", json_integer((json_int_t)s->memory.cache));
	json_object_set_new(mem, "usage", mem_data(&s->memory.usage));
	json_object_set_new(mem, "swap", mem_data(&s->memory.swap));
	json_object_set_new(mem, "kernel", mem_data(&s->memory.kernel));
	for (size_t i = 0; i < s->memory.n_raw; i++)
		json_object_set_new(raw, s->memory.raw[i].key,
				    json_integer((json_int_t)s->memory.raw[i].value));
	json_object_set_new(mem, "raw", raw);
	json_object_set_new(d, "memory", mem);

	json_t *pids = json_object();
	json_object_set_new(pids, "current", json_integer((json_int_t)s->pids.current));
	json_object_set_new(pids, "limit", json_integer((json_int_t)s->pids.limit));
	json_object_set_new(d, "pids", pids);

	json_t *blkio = json_object();
	json_object_set_new(blkio, "ioServiceBytesRecursive",
			    blkio_entries(s->blkio.service_bytes, s->blkio.n_service_bytes));
	json_object_set_new(blkio, "ioServicedRecursive",
			    blkio_entries(s->blkio.serviced, s->blkio.n_serviced));
	json_object_set_new(d, "blkio", blkio);

	json_t *huge = json_object();
	for (size_t i = 0; i < s->n_hugetlb; i++) {
		json_t *h = json_object();
		json_object_set_new(h, "usage", json_integer((json_int_t)s->hugetlb[i].usage));
		json_object_set_new(h, "max", json_integer((json_int_t)s->hugetlb[i].max_usage));
		json_object_set_new(h, "failcnt", json_integer((json_int_t)s->hugetlb[i].failcnt));
		json_object_set_new(huge, s->hugetlb[i].page_size, h);
	}
	json_object_set_new(d, "hugetlb", huge);
	return d;
}

char *ob_state_event_json(const char *type, const char *id, const struct ob_cgroup_stats *stats)
{
	_cleanup_json_ json_t *o = json_object();
	json_object_set_new(o, "type", json_string(type));
	json_object_set_new(o, "id", json_string(id));
	if (stats)
		json_object_set_new(o, "data", stats_object(stats));
	char *s = json_dumps(o, JSON_PRESERVE_ORDER | JSON_COMPACT);
	if (!s)
		abort();
	return s;
}
