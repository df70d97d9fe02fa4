/* checkpoint.c - oci-checkpoint and oci-restore through CRIU's RPC (core/criu.c).
 *
 * What CRIU cannot know from the processes, we tell it (as runc does):
 * - bind mounts of the spec, cgroup bind mounts (no cgroup namespace), masked files and
 *   bound devices are external mounts: dumped under their destination as key, restored
 *   from the bundle's sources (ext_mnt key -> source);
 * - network and pid namespaces joined by path are external (`net[INODE]:extRootNetNS`),
 *   given back at restore as inherited fds of the same keys; other namespaces joined by
 *   path are join_ns; new ones are dumped and made again by CRIU (the network one empty,
 *   as runc: lo is brought up and linux.netDevices moved in as create does, the rest is
 *   the hooks' job);
 * - the cgroup: the container's, made and limited from the bundle first, is the root of
 *   the restored tasks (cg_root), and CRIU runs in it;
 * - the console: the pty master is not in the dump (the engine holds it); CRIU makes a
 *   new pair at restore and hands us the master (orphan-pts-master), which goes to
 *   --console-socket;
 * - stdio: pipes the init had (descriptors.json in the images, runc's format) are
 *   replaced by ours at restore (inherit_fd "pipe:[INODE]").
 * Restore runs CRIU in a mount namespace of its own, where the rootfs is bound on
 * ROOT/ID/criu-root (CRIU needs the root to be a mount point): nothing is mounted on the
 * host, nothing is left there if we die.
 */
#include "checkpoint.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>

#include "../netutil/netutil.h"
#include "cgroup.h"
#include "cgroup/systemd.h"
#include "container-internal.h"
#include "criu.h"
#include "hooks.h"
#include "log.h"
#include "mount.h"
#include "state.h"
#include "sync.h"
#include "terminal.h"
#include "util.h"

#define DESCRIPTORS "descriptors.json"

static int cg_mode(const char *m, int *ret, struct ob_err *err)
{
	if (!m || !*m)
		*ret = CRIU_CG_DEFAULT;
	else if (streq(m, "soft"))
		*ret = CRIU_CG_SOFT;
	else if (streq(m, "full"))
		*ret = CRIU_CG_FULL;
	else if (streq(m, "strict"))
		*ret = CRIU_CG_STRICT;
	else if (streq(m, "ignore"))
		*ret = CRIU_CG_IGNORE;
	else
		return ob_error_msg(
		    err, EINVAL, "--manage-cgroups-mode: `%s` is not soft, full, strict or ignore",
		    m);
	return 0;
}

static char *abs_of(const char *p)
{
	if (p[0] == '/')
		return ob_xstrdup(p);
	char cwd[PATH_MAX];
	if (!getcwd(cwd, sizeof(cwd)))
		return ob_xstrdup(p);
	return ob_xasprintf("%s/%s", cwd, p);
}

/* A directory (made 0700 when missing); *ret_made tells whether we made it. */
static int open_dir(const char *what, const char *path, bool create, bool *ret_made, int *ret_fd,
		    struct ob_err *err)
{
	if (ret_made)
		*ret_made = false;
	if (create) {
		if (mkdir(path, 0700) == 0) {
			if (ret_made)
				*ret_made = true;
		} else if (errno != EEXIST) {
			return ob_error(err, errno, "%s `%s`", what, path);
		}
	}
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return ob_error(err, errno, "%s `%s`", what, path);
	*ret_fd = fd;
	return 0;
}

/* The common criu_opts: directories, log, cgroups, notifications, the flags of both
 * verbs. Directories by fd (CRIU opens /proc/OUR_PID/fd/N) when CRIU shares our mount
 * namespace, else by path (img_fd -1: a file reached through our fds would be in our
 * namespace, and CRIU mounts in its work directory). */
static void common_opts(struct ob_pb *b, const struct ob_cr_opts *c, int img_fd, int work_fd,
			const char *img_path, const char *log, int cgm)
{
	ob_pb_int32(b, CRIU_OPT_IMAGES_DIR_FD, img_fd);
	if (img_fd < 0)
		ob_pb_str(b, CRIU_OPT_IMAGES_DIR, img_path);
	if (work_fd >= 0)
		ob_pb_int32(b, CRIU_OPT_WORK_DIR_FD, work_fd);
	ob_pb_int32(b, CRIU_OPT_LOG_LEVEL, 4);
	ob_pb_str(b, CRIU_OPT_LOG_FILE, log);
	ob_pb_bool(b, CRIU_OPT_MANAGE_CGROUPS, true);
	ob_pb_uint(b, CRIU_OPT_MANAGE_CGROUPS_MODE, (uint64_t)cgm);
	ob_pb_bool(b, CRIU_OPT_NOTIFY_SCRIPTS, true);
	ob_pb_bool(b, CRIU_OPT_ORPHAN_PTS_MASTER, true);
	if (c->shell_job)
		ob_pb_bool(b, CRIU_OPT_SHELL_JOB, true);
	if (c->ext_unix_sk)
		ob_pb_bool(b, CRIU_OPT_EXT_UNIX_SK, true);
	if (c->tcp_established)
		ob_pb_bool(b, CRIU_OPT_TCP_ESTABLISHED, true);
	if (c->file_locks)
		ob_pb_bool(b, CRIU_OPT_FILE_LOCKS, true);
	if (c->auto_dedup)
		ob_pb_bool(b, CRIU_OPT_AUTO_DEDUP, true);
	if (c->lazy_pages)
		ob_pb_bool(b, CRIU_OPT_LAZY_PAGES, true);
	/* runc: the network namespace's devices and addresses are not CRIU's to restore */
	ob_pb_uint(b, CRIU_OPT_EMPTY_NS, c->empty_ns | CLONE_NEWNET);
}

/* A CRIU failure: its message, the log's path in the error and its lines in the opts. */
static int criu_failed(struct ob_cr_opts *c, const char *verb, const struct ob_criu_resp *resp,
		       int status, struct ob_err *err)
{
	free(c->log_excerpt);
	c->log_excerpt = ob_criu_log_excerpt(c->log_path, 4096);
	char why[300] = "";
	/* CRIU's errmsg is its first error, often the harmless RLIMIT_NOFILE one: the log's
	 * first real error is the reason */
	const char *first = c->log_excerpt ? strstr(c->log_excerpt, "Error (") : NULL;
	if (first)
		snprintf(why, sizeof(why), ": %.*s", (int)strcspn(first, "\n"), first);
	else if (resp && resp->errmsg[0] && !strstr(resp->errmsg, "RLIMIT_NOFILE"))
		snprintf(why, sizeof(why), ": %.*s", (int)strcspn(resp->errmsg, "\n"),
			 resp->errmsg);
	else if (resp && resp->cr_errno)
		snprintf(why, sizeof(why), ": %s", strerror(resp->cr_errno));
	else if (status)
		snprintf(why, sizeof(why), " (criu exit status %d)",
			 WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	return ob_error_msg(err, resp && resp->cr_errno ? resp->cr_errno : EIO,
			    "criu %s failed%s; see %s", verb, why, c->log_path);
}

/* CRIU's support of a feature (FEATURE_CHECK: field 1 mem_track, 2 lazy_pages). */
static int check_feature(unsigned field, const char *flag, const char *why, struct ob_err *err)
{
	struct ob_criu c;
	int r = ob_criu_start(&c, NULL, 0, NULL, NULL, err);
	if (r < 0)
		return r;
	struct ob_pb req = {0}, feat = {0};
	ob_pb_bool(&feat, field, true);
	ob_pb_uint(&req, 1, CRIU_REQ_FEATURE_CHECK);
	ob_pb_msg(&req, 5, &feat);
	struct ob_criu_resp resp;
	r = ob_criu_call(&c, &req, NULL, NULL, &resp, err);
	ob_pb_free(&req);
	ob_pb_free(&feat);
	ob_criu_finish(&c);
	if (r < 0)
		return r;
	bool ok = field == 1 ? resp.feat_mem_track : resp.feat_lazy_pages;
	if (!ok)
		return ob_error_msg(err, ENOTSUP, "%s: not supported by criu here (%s)", flag, why);
	return 0;
}

/* The container cgroup's v1 bind mounts as mount.c makes them (no cgroup namespace):
 * fn(key = destination/NAME, host hierarchy mount point) for each hierarchy. */
static void cgroup_binds(const struct ob_mount *m, void (*fn)(void *, const char *, const char *),
			 void *arg)
{
	_cleanup_fclose_ FILE *mi = fopen("/proc/self/mountinfo", "re");
	char line[4096];
	while (mi && fgets(line, sizeof(line), mi)) {
		char mp[PATH_MAX], fstype[64];
		char *dash = strstr(line, " - ");
		if (!dash || sscanf(line, "%*s %*s %*s %*s %4095s", mp) != 1 ||
		    sscanf(dash + 3, "%63s", fstype) != 1)
			continue;
		if ((!streq(fstype, "cgroup") && !streq(fstype, "cgroup2")) ||
		    !startswith(mp, "/sys/fs/cgroup"))
			continue;
		char key[PATH_MAX * 2];
		if (streq(mp, "/sys/fs/cgroup"))
			snprintf(key, sizeof(key), "%s", m->destination);
		else
			snprintf(key, sizeof(key), "%s/%s", m->destination, strrchr(mp, '/') + 1);
		fn(arg, key, mp);
	}
}

struct ext_ctx {
	struct ob_pb *b;
	const char *cg_path; /* restore: the new cgroup path; NULL at dump */
};

static void add_cgroup_ext(void *arg, const char *key, const char *mp)
{
	struct ext_ctx *x = arg;
	if (!x->cg_path) {
		ob_pb_pair(x->b, CRIU_OPT_EXT_MNT, key, key);
		return;
	}
	_cleanup_free_ char *val = ob_xasprintf("%s%s", mp, x->cg_path);
	ob_pb_pair(x->b, CRIU_OPT_EXT_MNT, key, val);
}

/* External mounts (see the top): at dump key -> key, at restore key -> host source.
 * init_pid (dump) tells masked files from directories, as the container sees them. */
static void external_mounts(struct ob_pb *b, const struct ob_spec *spec, const char *bundle,
			    bool restore, const char *cg_path, pid_t init_pid)
{
	bool cgroupns = ob_spec_namespace(spec, OB_NS_CGROUP) != NULL;
	bool userns = ob_spec_namespace(spec, OB_NS_USER) != NULL;
	for (size_t i = 0; i < spec->n_mounts; i++) {
		const struct ob_mount *m = &spec->mounts[i];
		if (m->bind) {
			_cleanup_free_ char *src =
			    m->source && m->source[0] != '/'
				? ob_xasprintf("%s/%s", bundle, m->source)
				: ob_xstrdup(m->source ? m->source : m->destination);
			ob_pb_pair(b, CRIU_OPT_EXT_MNT, m->destination,
				   restore ? src : m->destination);
		} else if (m->type && streq(m->type, "cgroup") && !cgroupns) {
			struct ext_ctx x = {b, restore ? cg_path : NULL};
			cgroup_binds(m, add_cgroup_ext, &x);
		}
	}
	/* masked files are /dev/null bound over them (rootfs.c) */
	for (char **p = spec->linux_.masked_paths; p && *p; p++) {
		if (!restore) {
			char path[PATH_MAX];
			struct stat st;
			snprintf(path, sizeof(path), "/proc/%d/root%s", (int)init_pid, *p);
			if (stat(path, &st) < 0 || S_ISDIR(st.st_mode))
				continue;
			ob_pb_pair(b, CRIU_OPT_EXT_MNT, *p, "/dev/null");
		}
	}
	if (restore && spec->linux_.masked_paths)
		ob_pb_pair(b, CRIU_OPT_EXT_MNT, "/dev/null", "/dev/null");
	/* devices bound from the host (always in a user namespace) */
	static const char *const defaults[] = {"/dev/null",   "/dev/zero",    "/dev/full",
					       "/dev/random", "/dev/urandom", "/dev/tty"};
	for (size_t i = 0; userns && i < ARRAY_SIZE(defaults); i++)
		if (!restore || !spec->linux_.masked_paths || !streq(defaults[i], "/dev/null"))
			ob_pb_pair(b, CRIU_OPT_EXT_MNT, defaults[i], defaults[i]);
	for (size_t i = 0; i < spec->linux_.n_devices; i++)
		ob_pb_pair(b, CRIU_OPT_EXT_MNT, spec->linux_.devices[i].path,
			   spec->linux_.devices[i].path);
}

/* runc's keys of external namespaces: extRootNetNS, extRootPidNS */
static const char *ext_ns_key(enum ob_ns_type t)
{
	return t == OB_NS_NETWORK ? "extRootNetNS" : "extRootPidNS";
}

/* ---- checkpoint ---- */

/* Whether mount mnt_id is one of the container's (its mount namespace's table). */
static bool mount_in_container(pid_t pid, unsigned mnt_id)
{
	char path[64], line[512];
	snprintf(path, sizeof(path), "/proc/%d/mountinfo", (int)pid);
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	unsigned id;
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%u", &id) == 1 && id == mnt_id)
			return true;
	return false;
}

/* stdio of the init as runc records it: ["pipe:[1234]","/dev/null","/dev/null"]. The host's
 * /dev/null (a memory device of a mount outside the container) is an external file for
 * CRIU (`file[MNT:INODE]`, recorded under that key): at restore it is the restoring
 * runtime's stdio, as pipes are. A regular host file stays what CRIU refuses to dump (it
 * checks the file's size at restore, so it cannot be replaced). */
static int write_descriptors(int img_fd, pid_t pid, struct ob_pb *opts, struct ob_err *err)
{
	char json[3 * (PATH_MAX * 2 + 4) + 4];
	size_t l = 0;
	json[l++] = '[';
	for (int fd = 0; fd < 3; fd++) {
		char link[64], target[PATH_MAX], info[64];
		snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)pid, fd);
		ssize_t n = readlink(link, target, sizeof(target) - 1);
		target[n > 0 ? n : 0] = '\0';
		snprintf(info, sizeof(info), "/proc/%d/fdinfo/%d", (int)pid, fd);
		_cleanup_free_ char *fdinfo = NULL;
		struct stat st;
		const char *mnt = NULL;
		if (target[0] == '/' && ob_read_file(info, &fdinfo, NULL, err) == 0 &&
		    (mnt = strstr(fdinfo, "mnt_id:")) && stat(link, &st) == 0 &&
		    S_ISCHR(st.st_mode) && major(st.st_rdev) == 1) {
			unsigned mnt_id = (unsigned)strtoul(mnt + 7, NULL, 10);
			if (!mount_in_container(pid, mnt_id)) {
				snprintf(target, sizeof(target), "file[%x:%llx]", mnt_id,
					 (unsigned long long)st.st_ino);
				ob_pb_str(opts, CRIU_OPT_EXTERNAL, target);
			}
		}
		if (fd)
			json[l++] = ',';
		json[l++] = '"';
		for (const char *c = target; *c; c++) {
			if (*c == '"' || *c == '\\')
				json[l++] = '\\', json[l++] = *c;
			else if ((unsigned char)*c < 0x20)
				l += (size_t)snprintf(json + l, sizeof(json) - l, "\\u%04x", *c);
			else
				json[l++] = *c;
		}
		json[l++] = '"';
	}
	json[l++] = ']';
	_cleanup_close_ int fd =
	    openat(img_fd, DESCRIPTORS, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || ob_write_all(fd, json, l) < 0)
		return ob_error(err, errno, "write " DESCRIPTORS);
	return 0;
}

/* After a failed dump: no image is left in the image directory (CRIU's log stays). */
static void remove_images(int img_fd)
{
	int d = dup(img_fd);
	if (d < 0)
		return;
	DIR *dir = fdopendir(d);
	if (!dir) {
		close(d);
		return;
	}
	lseek(d, 0, SEEK_SET);
	struct dirent *de;
	while ((de = readdir(dir))) {
		size_t n = strlen(de->d_name);
		if ((n > 4 && streq(de->d_name + n - 4, ".img")) || streq(de->d_name, "parent") ||
		    streq(de->d_name, DESCRIPTORS) || streq(de->d_name, "stats-dump"))
			unlinkat(img_fd, de->d_name, 0);
	}
	closedir(dir);
}

static int dump_notify(void *arg, const char *script, pid_t pid, int fd, struct ob_err *err)
{
	struct ob_checkpoint_opts *o = arg;
	if (fd >= 0)
		close(fd);
	if (streq(script, "status-ready") && o->status_fd >= 0) {
		/* lazy pages: the page server is up */
		if (write(o->status_fd, "", 1) < 0)
			ob_log_debug("--status-fd: %s", strerror(errno));
		close(o->status_fd);
		o->status_fd = -1;
	}
	return 0;
}

/* One checkpoint, step by step: check, dirs, criu_opts, run. */
struct checkpoint_ctx {
	struct ob_checkpoint_opts *o;
	struct ob_state *st;
	struct ob_spec *spec;
	char *image, *work;
	int img_fd, work_fd;
	bool img_made;
	int cgm;
	struct ob_pb opts;
};

/* The container can be checkpointed so, on this kernel. */
static int checkpoint_check(struct checkpoint_ctx *x, struct ob_err *err)
{
	struct ob_checkpoint_opts *o = x->o;
	enum ob_status s = ob_state_status(x->st);
	if (s != OB_STATUS_RUNNING && s != OB_STATUS_PAUSED)
		return ob_error_msg(
		    err, EINVAL,
		    "container `%s` is %s: only a running container can be checkpointed", o->id,
		    ob_status_name(s));
	int r = cg_mode(o->cr.manage_cgroups_mode, &x->cgm, err);
	if (r < 0)
		return r;
	if (o->pre_dump &&
	    (r = check_feature(1, "--pre-dump",
			       "no memory change tracking: the kernel has no soft-dirty bits",
			       err)) < 0)
		return r;
	if (o->cr.lazy_pages && (r = check_feature(2, "--lazy-pages", "no userfaultfd", err)) < 0)
		return r;
	_cleanup_free_ char *config = ob_xasprintf("%s/config.json", x->st->bundle);
	if ((r = ob_spec_load(config, &x->spec, err)) < 0)
		return r;
	if (o->parent_path && o->parent_path[0] == '/')
		return ob_error_msg(err, EINVAL,
				    "--parent-path `%s` must be relative to the image path",
				    o->parent_path);
	return 0;
}

/* The image directory (made when missing), the parent images in it, the work directory. */
static int checkpoint_dirs(struct checkpoint_ctx *x, struct ob_err *err)
{
	struct ob_checkpoint_opts *o = x->o;
	x->image = abs_of(o->cr.image_path ? o->cr.image_path : "checkpoint");
	x->work = o->cr.work_path ? abs_of(o->cr.work_path) : NULL;
	int r = open_dir("--image-path", x->image, true, &x->img_made, &x->img_fd, err);
	if (r < 0)
		return r;
	if (o->parent_path) {
		struct stat pst;
		errno = 0;
		if (fstatat(x->img_fd, o->parent_path, &pst, 0) < 0 || !S_ISDIR(pst.st_mode))
			return ob_error(err, errno ? errno : ENOTDIR, "--parent-path `%s/%s`",
					x->image, o->parent_path);
	}
	if (x->work && (r = open_dir("--work-path", x->work, true, NULL, &x->work_fd, err)) < 0)
		return r;
	snprintf(o->cr.log_path, sizeof(o->cr.log_path), "%s/dump.log",
		 x->work ? x->work : x->image);
	return 0;
}

/* --page-server ADDRESS:PORT as CRIU's page server option. */
static int page_server_opt(struct ob_pb *opts, const char *spec, struct ob_err *err)
{
	const char *colon = strrchr(spec, ':');
	uint32_t port;
	if (!colon || colon == spec || ob_parse_uint32(colon + 1, &port) < 0 || port == 0 ||
	    port > 65535)
		return ob_error_msg(err, EINVAL, "--page-server `%s`: use ADDRESS:PORT", spec);
	_cleanup_free_ char *addr = strndup(spec, (size_t)(colon - spec));
	struct ob_pb ps = {0};
	ob_pb_str(&ps, 1, addr);
	ob_pb_int32(&ps, 2, (int32_t)port);
	ob_pb_msg(opts, CRIU_OPT_PS, &ps);
	ob_pb_free(&ps);
	return 0;
}

/* Network and pid namespaces joined by path: external (`net[INODE]:extRootNetNS`). */
static int external_namespaces(struct ob_pb *opts, const struct ob_spec *spec, struct ob_err *err)
{
	for (size_t i = 0; i < spec->linux_.n_namespaces; i++) {
		const struct ob_namespace *ns = &spec->linux_.namespaces[i];
		if (!ns->path || (ns->type != OB_NS_NETWORK && ns->type != OB_NS_PID))
			continue;
		struct stat nst;
		if (stat(ns->path, &nst) < 0)
			return ob_error(err, errno, "linux.namespaces[%zu]: `%s`", i, ns->path);
		char ext[128];
		snprintf(ext, sizeof(ext), "%s[%lu]:%s", ob_ns_proc_name(ns->type),
			 (unsigned long)nst.st_ino, ext_ns_key(ns->type));
		ob_pb_str(opts, CRIU_OPT_EXTERNAL, ext);
	}
	return 0;
}

/* CRIU's options for the dump: the process and its root, parent images, the page server,
 * external namespaces, the freezer, external mounts and stdio. */
static int checkpoint_criu_opts(struct checkpoint_ctx *x, struct ob_err *err)
{
	struct ob_checkpoint_opts *o = x->o;
	struct ob_pb *opts = &x->opts;
	common_opts(opts, &o->cr, x->img_fd, x->work_fd, x->image, "dump.log", x->cgm);
	ob_pb_int32(opts, CRIU_OPT_PID, x->st->pid);
	ob_pb_str(opts, CRIU_OPT_ROOT, x->st->rootfs);
	if (o->leave_running)
		ob_pb_bool(opts, CRIU_OPT_LEAVE_RUNNING, true);
	if (o->parent_path) {
		ob_pb_str(opts, CRIU_OPT_PARENT_IMG, o->parent_path);
		ob_pb_bool(opts, CRIU_OPT_TRACK_MEM, true);
	}
	int r;
	if (o->page_server && (r = page_server_opt(opts, o->page_server, err)) < 0)
		return r;
	if ((r = external_namespaces(opts, x->spec, err)) < 0)
		return r;
	struct ob_cgroup *cg = NULL;
	if (ob_cgroup_open_state(x->st, &cg, NULL) == 0 && cg) {
		const char *fz = ob_cgroup_freezer_dir(cg);
		if (fz)
			ob_pb_str(opts, CRIU_OPT_FREEZE_CGROUP, fz);
		ob_cgroup_free(cg);
	}
	if (o->pre_dump)
		return 0;
	external_mounts(opts, x->spec, x->st->bundle, false, NULL, x->st->pid);
	return write_descriptors(x->img_fd, x->st->pid, opts, err);
}

/* CRIU dumps (or pre-dumps) the container. */
static int checkpoint_run(struct checkpoint_ctx *x, struct ob_err *err)
{
	struct ob_checkpoint_opts *o = x->o;
	struct ob_pb req = {0};
	struct ob_criu criu = {.pid = 0, .sock = -1};
	ob_pb_uint(&req, 1, o->pre_dump ? CRIU_REQ_PRE_DUMP : CRIU_REQ_DUMP);
	ob_pb_msg(&req, 2, &x->opts);
	int r = ob_criu_start(&criu, NULL, 0, NULL, NULL, err);
	if (r < 0) {
		ob_pb_free(&req);
		return r;
	}
	struct ob_criu_resp resp;
	r = ob_criu_call(&criu, &req, dump_notify, o, &resp, err);
	ob_pb_free(&req);
	int status = ob_criu_finish(&criu);
	if (r < 0)
		return r;
	/* CRIU's answer is what counts: once it says the dump is done the processes may be
	 * gone, and the images are the only copy of them (a pre-dump answers and then
	 * waits for more: it exits when we hang up) */
	if (status != 0)
		ob_log_debug("criu exited with status %d after answering", status);
	if (!resp.success)
		return criu_failed(&o->cr, o->pre_dump ? "pre-dump" : "dump", &resp, status, err);
	return 0;
}

int ob_container_checkpoint(struct ob_checkpoint_opts *o, struct ob_err *err)
{
	_cleanup_close_ int lock = -1;
	struct checkpoint_ctx x = {.o = o, .img_fd = -1, .work_fd = -1};
	int r = ob_state_lock(o->root, o->id, &lock, err);
	if (r < 0 || (r = ob_state_load(o->root, o->id, &x.st, err)) < 0)
		return r;
	if ((r = checkpoint_check(&x, err)) < 0)
		goto out;
	if ((r = checkpoint_dirs(&x, err)) < 0 || (r = checkpoint_criu_opts(&x, err)) < 0 ||
	    (r = checkpoint_run(&x, err)) < 0) {
		/* an image directory made for this dump goes, unless it holds the log to read */
		if (x.img_made && (x.work || faccessat(x.img_fd, "dump.log", F_OK, 0) < 0))
			ob_rm_rf(x.image);
		else if (x.img_fd >= 0)
			remove_images(x.img_fd);
		goto out;
	}
	if (!o->leave_running && !o->pre_dump) {
		/* the processes are gone: the state says stopped, and where they went */
		ob_state_set_ext(x.st, "checkpoint", x.image);
		r = ob_state_save(x.st, err);
	}
out:
	if (o->status_fd >= 0) {
		close(o->status_fd);
		o->status_fd = -1;
	}
	if (x.img_fd >= 0)
		close(x.img_fd);
	if (x.work_fd >= 0)
		close(x.work_fd);
	free(x.image);
	free(x.work);
	ob_pb_free(&x.opts);
	ob_spec_free(x.spec);
	ob_state_free(x.st);
	return r;
}

/* ---- restore ---- */

/* One restore, step by step: open, prepare, criu_opts, state, share_images, run; undo. */
struct restore_ctx {
	struct ob_restore_opts *o;
	struct ob_spec *spec;
	struct ob_state st; /* what the hooks and oci-state see */
	char *bundle, *image, *work, *rootfs;
	char *criu_root; /* ROOT/ID/criu-root, once made */
	int cgm;
	int img_fd;
	struct stat img_st; /* the image directory's owner and mode before share_images */
	bool img_shared;
	int console_fd;
	int lock;
	bool dir_made;
	struct ob_cgroup *cg;
	int fds[2]; /* namespaces joined by path, inherited by CRIU */
	size_t n_fds;
	bool new_netns;
	int devs_nsfd;
	bool saved;
	char created[64];
	struct ob_pb opts;
};

/* In criu's child, before exec: a mount namespace of its own with the rootfs bound on
 * criu-root, and the mount points of the spec's mounts made in the rootfs (as create
 * makes them; a rootfs copied to another host may lack them). */
static int restore_setup(void *arg, struct ob_err *err)
{
	struct restore_ctx *x = arg;
	if (unshare(CLONE_NEWNS) < 0)
		return ob_error(err, errno, "unshare the mount namespace for criu");
	if (mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		return ob_error(err, errno, "make / rslave");
	if (mount(x->rootfs, x->criu_root, NULL, MS_BIND | MS_REC, NULL) < 0)
		return ob_error(err, errno, "bind the rootfs `%s` on `%s`", x->rootfs,
				x->criu_root);
	_cleanup_close_ int rootfd = open(x->criu_root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return ob_error(err, errno, "open `%s`", x->criu_root);
	const struct ob_spec *s = x->spec;
	for (size_t i = 0; i < s->n_mounts; i++) {
		const struct ob_mount *m = &s->mounts[i];
		bool on_tmpfs = false; /* CRIU restores a tmpfs with its content */
		for (size_t k = 0; k < s->n_mounts; k++) {
			size_t l = strlen(s->mounts[k].destination);
			if (k != i && s->mounts[k].type && streq(s->mounts[k].type, "tmpfs") &&
			    strneq(m->destination, s->mounts[k].destination, l) &&
			    m->destination[l] == '/')
				on_tmpfs = true;
		}
		if (on_tmpfs || (m->type && streq(m->type, "cgroup")))
			continue;
		bool as_file = false;
		if (m->bind) {
			struct stat sst;
			_cleanup_free_ char *src =
			    m->source && m->source[0] != '/'
				? ob_xasprintf("%s/%s", x->st.bundle, m->source)
				: ob_xstrdup(m->source ? m->source : "/");
			as_file = stat(src, &sst) == 0 && !S_ISDIR(sst.st_mode);
		}
		_cleanup_close_ int fd = -1;
		int r = ob_mkpath_in_root(rootfd, m->destination, as_file, 0755, &fd, err);
		if (r < 0)
			return ob_error_prefix(err, r, "mount point `%s`", m->destination);
	}
	return 0;
}

static int run_create_hooks(struct restore_ctx *x, struct ob_err *err)
{
	const struct ob_hooks *hk = &x->spec->hooks;
	if (!hk->n_prestart && !hk->n_create_runtime)
		return 0;
	_cleanup_free_ char *json = ob_state_json(&x->st, OB_STATUS_CREATING, false);
	int r = ob_hooks_run(hk->prestart, hk->n_prestart, "prestart", json, err);
	if (r == 0)
		r = ob_hooks_run(hk->create_runtime, hk->n_create_runtime, "createRuntime", json,
				 err);
	return r;
}

/* The namespaces exist, no restored task runs yet: create's steps of that moment. */
static int setup_namespaces(struct restore_ctx *x, pid_t pid, struct ob_err *err)
{
	x->st.pid = pid;
	int r;
	if (x->new_netns) {
		_cleanup_close_ int nsfd = -1;
		if ((r = ob_ns_open_pid(pid, OB_NS_NETWORK, &nsfd, err)) < 0)
			return r;
		struct ob_nl *nl = NULL;
		if ((r = ob_nl_open(nsfd, &nl, err)) < 0)
			return r;
		r = ob_net_link_up(nl, "lo", err);
		ob_nl_close(nl);
		if (r < 0)
			return ob_error_prefix(err, r, "restored network namespace");
		if (x->spec->linux_.n_net_devices) {
			if ((r = ob_net_devices_move_in(nsfd, x->spec->linux_.net_devices,
							x->spec->linux_.n_net_devices, err)) < 0)
				return r;
			x->devs_nsfd = TAKE_FD(nsfd);
		}
	}
	return run_create_hooks(x, err);
}

static int restore_notify(void *arg, const char *script, pid_t pid, int fd, struct ob_err *err)
{
	struct restore_ctx *x = arg;
	_cleanup_close_ int master = fd;
	if (streq(script, "setup-namespaces"))
		return setup_namespaces(x, pid, err);
	if (streq(script, "orphan-pts-master")) {
		if (master < 0)
			return ob_error_msg(err, EIO, "criu sent no pty master");
		if (x->console_fd < 0)
			return ob_error_msg(err, EINVAL,
					    "the checkpoint has a terminal: --console-socket is "
					    "required");
		int n = 0;
		char name[32];
		if (ioctl(master, TIOCGPTN, &n) < 0)
			n = 0;
		snprintf(name, sizeof(name), "/dev/pts/%d", n);
		int r = ob_send_fd(x->console_fd, master, name);
		if (r < 0)
			return ob_error(err, -r, "send the pty master to the console socket");
		return 0;
	}
	if (streq(script, "post-restore")) {
		/* the tasks are there, not resumed yet: the state is written now */
		x->st.pid = pid;
		x->st.start_time = ob_proc_starttime(pid);
		int r = ob_state_save(&x->st, err);
		if (r < 0)
			return r;
		x->saved = true;
		if (x->o->pid_file) {
			char buf[32];
			int len = snprintf(buf, sizeof(buf), "%d", (int)pid);
			r = ob_write_file_atomic(x->o->pid_file, buf, (size_t)len, 0644, err);
			if (r < 0)
				return ob_error_prefix(err, r, "--pid-file");
		}
	}
	return 0;
}

/* The images' stdio pipes and external files, replaced by ours (descriptors.json). */
static void inherit_stdio(struct ob_pb *b, int img_fd)
{
	_cleanup_close_ int fd = openat(img_fd, DESCRIPTORS, O_RDONLY | O_CLOEXEC);
	char buf[8192];
	ssize_t n = fd >= 0 ? ob_read_all(fd, buf, sizeof(buf) - 1) : -1;
	if (n <= 0)
		return;
	buf[n] = '\0';
	/* an array of strings; pipes are the only entries we act on */
	int idx = 0;
	for (char *p = buf; *p && idx < 3; p++) {
		if (*p != '"')
			continue;
		char *q = p + 1;
		while (*q && *q != '"')
			q += q[0] == '\\' && q[1] ? 2 : 1;
		if (!*q)
			break;
		*q = '\0';
		if (startswith(p + 1, "pipe:[") || startswith(p + 1, "file["))
			ob_pb_inherit_fd(b, p + 1, idx);
		idx++;
		p = q;
	}
}

/* cg_root: each hierarchy's root of the restored tasks is criu's cgroup (ours). */
static void cgroup_roots(struct ob_pb *b, pid_t criu_pid)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)criu_pid);
	_cleanup_free_ char *text = NULL;
	struct ob_err e;
	if (ob_read_file(path, &text, NULL, &e) < 0)
		return;
	for (char *l = strtok(text, "\n"); l; l = strtok(NULL, "\n")) {
		char *c1 = strchr(l, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		*c2 = '\0';
		const char *cg = c2 + 1;
		if (!c1[1]) {
			ob_pb_pair(b, CRIU_OPT_CG_ROOT, NULL, cg); /* v2: the global root */
			continue;
		}
		for (char *ctrl = strtok_r(c1 + 1, ",", &c2); ctrl; ctrl = strtok_r(NULL, ",", &c2))
			ob_pb_pair(b, CRIU_OPT_CG_ROOT, ctrl, cg);
	}
}

/* The bundle, the images and the spec, checked: nothing is made yet. */
static int restore_open(struct restore_ctx *x, struct ob_err *err)
{
	struct ob_restore_opts *o = x->o;
	struct ob_cr_opts *c = &o->cr;
	int r = ob_state_validate_id(o->id, err);
	if (r < 0 || (r = cg_mode(c->manage_cgroups_mode, &x->cgm, err)) < 0)
		return r;
	_cleanup_free_ char *bundle_raw = abs_of(o->bundle ? o->bundle : ".");
	if (!(x->bundle = realpath(bundle_raw, NULL)))
		return ob_error(err, errno, "bundle `%s`", bundle_raw);
	x->image = abs_of(c->image_path ? c->image_path : "checkpoint");
	x->work = c->work_path ? abs_of(c->work_path) : NULL;
	if ((r = open_dir("--image-path", x->image, false, NULL, &x->img_fd, err)) < 0)
		return r;
	if (faccessat(x->img_fd, "inventory.img", F_OK, 0) < 0)
		return ob_error(err, errno, "no checkpoint in `%s`: inventory.img", x->image);
	_cleanup_close_ int work_fd = -1;
	if (x->work && (r = open_dir("--work-path", x->work, true, NULL, &work_fd, err)) < 0)
		return r;
	snprintf(c->log_path, sizeof(c->log_path), "%s/restore.log", x->work ? x->work : x->image);
	_cleanup_free_ char *config = ob_xasprintf("%s/config.json", x->bundle);
	if ((r = ob_spec_load(config, &x->spec, err)) < 0)
		return r;
	if (!x->spec->root_path)
		return ob_error_msg(err, EINVAL, "config.json: root.path is required");
	x->rootfs = x->spec->root_path[0] == '/'
			? ob_xstrdup(x->spec->root_path)
			: ob_xasprintf("%s/%s", x->bundle, x->spec->root_path);
	if (x->spec->process.terminal && !o->console_socket)
		return ob_error_msg(err, EINVAL,
				    "process.terminal is true: --console-socket is required");
	return 0;
}

/* The console, the state directory (a checkpointed container of this id is taken over)
 * and the container's cgroup, made and limited from the bundle. */
static int restore_prepare(struct restore_ctx *x, struct ob_err *err)
{
	struct ob_restore_opts *o = x->o;
	int r;
	if (x->spec->process.terminal &&
	    (r = ob_terminal_connect(o->console_socket, &x->console_fd, err)) < 0)
		return r;
	struct ob_state *old_st = NULL;
	struct ob_err ignored;
	if (ob_state_load(o->root, o->id, &old_st, &ignored) == 0) {
		bool take = ob_state_get_ext(old_st, "checkpoint") &&
			    ob_state_status(old_st) == OB_STATUS_STOPPED;
		ob_state_free(old_st);
		if (!take)
			return ob_error_msg(err, EEXIST, "container `%s` already exists", o->id);
		if ((r = ob_container_delete(o->root, o->id, false, err)) < 0)
			return r;
	}
	if ((r = ob_state_create_dir(o->root, o->id, &x->lock, err)) < 0)
		return r;
	x->dir_made = true;
	/* a transient scope needs a holder process until the init is in: not done yet */
	if (o->systemd_cgroup)
		return ob_error_msg(err, ENOTSUP,
				    "--systemd-cgroup: not supported by oci-restore yet");
	struct ob_create_opts co = {.root = o->root,
				    .id = o->id,
				    .systemd_cgroup = o->systemd_cgroup,
				    .cgroup_manager = o->cgroup_manager};
	struct ob_systemd_scope sc = {0}; /* unused: no --systemd-cgroup here */
	return ob_container_cgroup(&co, x->spec, &x->cg, &sc, err);
}

/* Namespaces: network and pid ones joined by path are inherited fds of their external
 * keys, other joined ones join_ns; a new network namespace is noted (lo, netDevices). */
static int restore_namespaces(struct restore_ctx *x, struct ob_err *err)
{
	for (size_t i = 0; i < x->spec->linux_.n_namespaces; i++) {
		const struct ob_namespace *ns = &x->spec->linux_.namespaces[i];
		if (!ns->path) {
			if (ns->type == OB_NS_NETWORK)
				x->new_netns = true;
			continue;
		}
		if (ns->type == OB_NS_NETWORK || ns->type == OB_NS_PID) {
			int r = ob_ns_open(ns->path, ns->type, &x->fds[x->n_fds], err);
			if (r < 0)
				return ob_error_prefix(err, r, "linux.namespaces[%zu]", i);
			ob_pb_inherit_fd(&x->opts, ext_ns_key(ns->type), 4 + (int)x->n_fds);
			x->n_fds++;
		} else if (ns->type == OB_NS_CGROUP) {
			return ob_error_msg(err, ENOTSUP,
					    "linux.namespaces[%zu]: criu cannot join a cgroup "
					    "namespace by path",
					    i);
		} else {
			ob_pb_pair(&x->opts, CRIU_OPT_JOIN_NS, ob_ns_proc_name(ns->type), ns->path);
		}
	}
	return 0;
}

/* CRIU's options for the restore: images, work directory, namespaces, external mounts,
 * stdio. */
static int restore_criu_opts(struct restore_ctx *x, struct ob_err *err)
{
	struct ob_pb *opts = &x->opts;
	common_opts(opts, &x->o->cr, -1, -1, x->image, "restore.log", x->cgm);
	int r;
	if (x->work) {
		/* the RPC names a work directory only by fd: by path through a config file */
		char conf[PATH_MAX];
		ob_state_path(x->o->root, x->o->id, "criu.conf", conf, sizeof(conf));
		_cleanup_free_ char *text = ob_xasprintf("work-dir %s\n", x->work);
		if ((r = ob_write_file_atomic(conf, text, strlen(text), 0600, err)) < 0)
			return r;
		ob_pb_str(opts, CRIU_OPT_CONFIG_FILE, conf);
	}
	ob_pb_bool(opts, CRIU_OPT_RST_SIBLING, true);
	ob_pb_bool(opts, CRIU_OPT_EVASIVE_DEVICES, true);
	if ((r = restore_namespaces(x, err)) < 0)
		return r;
	external_mounts(opts, x->spec, x->bundle, true, x->cg ? ob_cgroup_path(x->cg) : "/", 0);
	inherit_stdio(opts, x->img_fd);
	return 0;
}

/* The state the hooks and oci-state see (written at post-restore), and CRIU's root. */
static int restore_state(struct restore_ctx *x, struct ob_err *err)
{
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	ob_format_time(x->created, sizeof(x->created), &now);
	x->st.root = (char *)x->o->root;
	x->st.id = (char *)x->o->id;
	x->st.bundle = x->bundle;
	x->st.rootfs = x->rootfs;
	x->st.created = x->created;
	x->st.owner = getuid();
	x->st.annotations = x->spec->annotations;
	x->st.n_annotations = x->spec->n_annotations;
	x->st.systemd_cgroup = x->o->systemd_cgroup;
	if (x->spec->hooks.n_poststop)
		ob_state_set_ext(&x->st, "poststop", "1");
	if (x->spec->hooks.n_poststart)
		ob_state_set_ext(&x->st, "poststart", "1");
	if (x->cg) {
		x->st.cgroup_path = (char *)ob_cgroup_path(x->cg);
		if (ob_cgroup_root())
			ob_state_set_ext(&x->st, "cgroup_root", ob_cgroup_root());
		if (ob_cgroup_created_top(x->cg))
			ob_state_set_ext(&x->st, "cgroup_top", ob_cgroup_created_top(x->cg));
	}
	char root[PATH_MAX];
	ob_state_path(x->o->root, x->o->id, "criu-root", root, sizeof(root));
	if (mkdir(root, 0755) < 0)
		return ob_error(err, errno, "mkdir `%s`", root);
	x->criu_root = ob_xstrdup(root);
	ob_pb_str(&x->opts, CRIU_OPT_ROOT, x->criu_root);
	return 0;
}

/* In a new user namespace the restored tasks read images themselves, as the container's
 * root: its group may search the image directory while CRIU runs (undone at the end). */
static void restore_share_images(struct restore_ctx *x)
{
	if (!ob_spec_namespace(x->spec, OB_NS_USER) || fstat(x->img_fd, &x->img_st) < 0)
		return;
	for (size_t i = 0; i < x->spec->linux_.n_gid_mappings; i++) {
		const struct ob_idmap *m = &x->spec->linux_.gid_mappings[i];
		if (m->container_id == 0 && fchown(x->img_fd, (uid_t)-1, m->host_id) == 0) {
			fchmod(x->img_fd, (x->img_st.st_mode & 07777) | 0010);
			x->img_shared = true;
		}
	}
}

/* CRIU restores the tasks, started in the container's cgroup; the poststart hooks. */
static int restore_run(struct restore_ctx *x, struct ob_err *err)
{
	struct ob_criu criu = {.pid = 0, .sock = -1};
	int r = ob_criu_start(&criu, x->fds, x->n_fds, restore_setup, x, err);
	if (r < 0)
		return r;
	/* CRIU and so every restored task start in the container's cgroup */
	if (x->cg) {
		if ((r = ob_cgroup_enter(x->cg, criu.pid, err)) < 0)
			return r;
		cgroup_roots(&x->opts, criu.pid);
	}
	struct ob_pb req = {0};
	ob_pb_uint(&req, 1, CRIU_REQ_RESTORE);
	ob_pb_msg(&req, 2, &x->opts);
	struct ob_criu_resp resp;
	r = ob_criu_call(&criu, &req, restore_notify, x, &resp, err);
	ob_pb_free(&req);
	int status = ob_criu_finish(&criu);
	if (r < 0)
		return r;
	if (!resp.success || status != 0)
		return criu_failed(&x->o->cr, "restore", &resp, status, err);
	if (!x->saved)
		return ob_error_msg(err, EIO,
				    "criu restored without telling the pid (post-restore)");
	x->o->pid = x->st.pid;
	const struct ob_hooks *hk = &x->spec->hooks;
	if (!hk->n_poststart)
		return 0;
	_cleanup_free_ char *json = ob_state_json(&x->st, OB_STATUS_RUNNING, false);
	return ob_hooks_run(hk->poststart, hk->n_poststart, "poststart", json, err);
}

/* After a failed step: what the steps made goes (restored tasks, devices, the cgroup, the
 * state directory). */
static void restore_undo(struct restore_ctx *x)
{
	struct ob_err ignored;
	if (x->devs_nsfd >= 0)
		ob_net_devices_move_out(x->devs_nsfd, x->spec->linux_.net_devices,
					x->spec->linux_.n_net_devices, &ignored);
	if (x->st.pid > 0 && ob_proc_starttime(x->st.pid) &&
	    (!x->st.start_time || ob_proc_starttime(x->st.pid) == x->st.start_time)) {
		kill(x->st.pid, SIGKILL);
		waitpid(x->st.pid, NULL, 0);
	}
	if (x->cg) {
		ob_cgroup_kill(x->cg, SIGKILL, NULL);
		ob_cgroup_destroy(x->cg, 5000, NULL);
	}
	if (x->criu_root)
		rmdir(x->criu_root);
	if (x->dir_made)
		ob_state_remove(x->o->root, x->o->id, NULL);
}

static void restore_free(struct restore_ctx *x)
{
	if (x->img_shared) {
		fchown(x->img_fd, (uid_t)-1, x->img_st.st_gid);
		fchmod(x->img_fd, x->img_st.st_mode & 07777);
	}
	for (size_t i = 0; i < x->st.n_ext; i++) {
		free(x->st.ext[i].key);
		free(x->st.ext[i].value);
	}
	free(x->st.ext);
	for (size_t i = 0; i < x->n_fds; i++)
		close(x->fds[i]);
	int fds[] = {x->img_fd, x->devs_nsfd, x->console_fd, x->lock};
	for (size_t i = 0; i < ARRAY_SIZE(fds); i++)
		if (fds[i] >= 0)
			close(fds[i]);
	ob_cgroup_free(x->cg);
	ob_pb_free(&x->opts);
	ob_spec_free(x->spec);
	free(x->bundle);
	free(x->image);
	free(x->work);
	free(x->rootfs);
	free(x->criu_root);
}

int ob_container_restore(struct ob_restore_opts *o, struct ob_err *err)
{
	o->pid = 0;
	o->status = 1;
	struct restore_ctx x = {
	    .o = o, .img_fd = -1, .console_fd = -1, .lock = -1, .devs_nsfd = -1};
	int r = restore_open(&x, err);
	if (r < 0) {
		restore_free(&x);
		return r;
	}
	sigset_t fwd, old;
	ob_terminal_fg_signals(&fwd);
	sigemptyset(&old);
	if (!o->detach)
		sigprocmask(SIG_BLOCK, &fwd, &old);
	if ((r = restore_prepare(&x, err)) < 0 || (r = restore_criu_opts(&x, err)) < 0 ||
	    (r = restore_state(&x, err)) < 0) {
		restore_undo(&x);
	} else {
		restore_share_images(&x);
		if ((r = restore_run(&x, err)) < 0)
			restore_undo(&x);
	}
	if (r < 0) {
		if (!o->detach)
			sigprocmask(SIG_SETMASK, &old, NULL);
		restore_free(&x);
		return r;
	}
	rmdir(x.criu_root);
	close(TAKE_FD(x.lock));
	if (!o->detach) {
		if (!o->no_subreaper)
			prctl(PR_SET_CHILD_SUBREAPER, 1);
		r = ob_terminal_foreground(o->pid, -1, &o->status, err);
		sigprocmask(SIG_SETMASK, &old, NULL);
		if (r >= 0)
			r = ob_container_delete(o->root, o->id, true, err);
	} else {
		o->status = 0;
	}
	restore_free(&x);
	return r;
}
