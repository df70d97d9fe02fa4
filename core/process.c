/* process.c - apply a spec `process` inside the container and exec it.
 *
 * Order (inside the container, after pivot_root): rlimits, oomScoreAdj, scheduler,
 * ioPriority, initial CPU affinity, every fd of ours closed, the identity switch (bounding
 * set drop first: it needs CAP_SETPCAP; setgroups/setgid/setuid with KEEPCAPS, the
 * capability sets), cwd (entered while still privileged, as runc, and checked after the
 * switch), args[0] found, no_new_privs,
 * the LSM exec label, and the container's seccomp filter really last (DESIGN.md): after
 * it the process makes no syscall but execve, since a profile may deny anything else
 * (close_range, getcwd: older and allow-list profiles do). crun orders it so; runc loads
 * it before the exec fifo and makes a few more.
 *
 * seccomp(2): without no_new_privs the filter needs CAP_SYS_ADMIN to load. Then the
 * switch keeps only CAP_SYS_ADMIN effective (the uid switch and the checks as the user
 * are done), and the final capset/prctl(PR_CAP_AMBIENT) come after the filter: the one
 * credential step the kernel forces there (runc switches user after it too).
 *
 * The filter is loaded by ob_process_exec, after the container init's wait on exec.fifo
 * and its startContainer hooks. One exception: a filter with SCMP_ACT_NOTIFY is loaded at
 * the end of ob_process_setup, because its listener fd must reach the runtime (and the
 * agent) during create; what the init does until execve then runs under it.
 */
#include "process.h"

#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/close_range.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "log.h"
#include "lsm.h"
#include "seccomp.h"
#include "sync.h"
#include "util.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

int ob_process_prepare(const struct ob_process *p, struct ob_proc_ctx *ctx, struct ob_err *err)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->p = p;
	ctx->seccomp_sync = -1;
	for (size_t i = 0; i < ARRAY_SIZE(ctx->keep_open); i++)
		ctx->keep_open[i] = -1;
	if (p->capabilities.present) {
		int r = ob_caps_parse(&p->capabilities, &ctx->caps, err);
		if (r < 0)
			return r;
		ctx->has_caps = true;
	}
	char **env = ob_xcalloc(1, sizeof(char *));
	for (char **e = p->env; e && *e; e++)
		env = ob_strv_push(env, *e);
	/* systemd socket activation passes through (as runc): the fds follow stdio. */
	int n = ob_process_listen_fds();
	if (n > 0) {
		char buf[64];
		snprintf(buf, sizeof(buf), "LISTEN_FDS=%d", n);
		env = ob_strv_push(env, buf);
		env = ob_strv_push(env, "LISTEN_PID=1");
		ctx->preserve_fds = n; /* the caller raises it to --preserve-fds */
	}
	ctx->env = env;
	return 0;
}

int ob_process_listen_fds(void)
{
	const char *lf = getenv("LISTEN_FDS"), *lp = getenv("LISTEN_PID");
	uint32_t n, pid;
	if (!lf || !lp || ob_parse_uint32(lf, &n) < 0 || ob_parse_uint32(lp, &pid) < 0 ||
	    (pid_t)pid != getpid())
		return 0;
	return n > OB_MAX_PRESERVE_FDS ? OB_MAX_PRESERVE_FDS : (int)n;
}

#define BIT_SET(a, i) ((a)[(i) / 8] |= (unsigned char)(1u << ((i) % 8)))
#define BIT_GET(a, i) (((a)[(i) / 8] >> ((i) % 8)) & 1u)

int ob_process_keep_fds(int n, struct ob_fd_keep *k, struct ob_err *err)
{
	memset(k, 0, sizeof(*k));
	k->n = n < 0 ? 0 : n > OB_MAX_PRESERVE_FDS ? OB_MAX_PRESERVE_FDS : n;
	for (int i = 0; i < k->n; i++) {
		int fd = 3 + i, fl = fcntl(fd, F_GETFD);
		if (fl >= 0) {
			/* every fd ocibox opens is close-on-exec: one that is not came from
			 * the caller */
			if (!(fl & FD_CLOEXEC))
				BIT_SET(k->pass, i);
			continue;
		}
		int h = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (h < 0) {
			int e = errno;
			ob_process_keep_fds_release(k);
			return ob_error(err, e, "open /dev/null");
		}
		if (h != fd) { /* below: a closed stdio fd */
			int d = dup3(h, fd, O_CLOEXEC);
			int e = errno;
			close(h);
			if (d < 0) {
				ob_process_keep_fds_release(k);
				return ob_error(err, e, "hold fd %d", fd);
			}
		}
		BIT_SET(k->reserved, i);
	}
	return 0;
}

void ob_process_keep_fds_release(struct ob_fd_keep *k)
{
	for (int i = 0; i < k->n; i++)
		if (BIT_GET(k->reserved, i))
			close(3 + i);
	memset(k->reserved, 0, sizeof(k->reserved));
}

void ob_process_ctx_free(struct ob_proc_ctx *ctx)
{
	ob_strv_free(ctx->env);
	ctx->env = NULL;
	ob_seccomp_prog_free(ctx->seccomp_prog);
	ctx->seccomp_prog = NULL;
}

/* ---- /etc/passwd and /etc/group of the container, no NSS ---- */

static FILE *open_db(const char *root, const char *file)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/etc/%s", root && *root && !streq(root, "/") ? root : "",
		 file);
	return fopen(path, "re");
}

static bool is_number(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* Split a colon line in place into at most max fields. */
static int split_colon(char *line, char **f, int max)
{
	int n = 0;
	line[strcspn(line, "\n")] = '\0';
	f[n++] = line;
	for (char *p = line; *p && n < max; p++)
		if (*p == ':') {
			*p = '\0';
			f[n++] = p + 1;
		}
	return n;
}

int ob_passwd_lookup(const char *root, const char *user, struct ob_passwd *ret)
{
	_cleanup_fclose_ FILE *f = open_db(root, "passwd");
	if (!f)
		return -errno;
	bool num = is_number(user);
	char line[1024];
	while (fgets(line, sizeof(line), f)) {
		char *fl[7];
		if (split_colon(line, fl, 7) < 7)
			continue;
		if (num ? !streq(fl[2], user) : !streq(fl[0], user))
			continue;
		if (ret) {
			ret->uid = (uid_t)strtoul(fl[2], NULL, 10);
			ret->gid = (gid_t)strtoul(fl[3], NULL, 10);
			snprintf(ret->home, sizeof(ret->home), "%s", fl[5]);
		}
		return 0;
	}
	return -ENOENT;
}

int ob_group_lookup(const char *root, const char *group, gid_t *ret)
{
	_cleanup_fclose_ FILE *f = open_db(root, "group");
	if (!f)
		return -errno;
	bool num = is_number(group);
	char line[4096];
	while (fgets(line, sizeof(line), f)) {
		char *fl[4];
		if (split_colon(line, fl, 4) < 3)
			continue;
		if (num ? streq(fl[2], group) : streq(fl[0], group)) {
			if (ret)
				*ret = (gid_t)strtoul(fl[2], NULL, 10);
			return 0;
		}
	}
	return -ENOENT;
}

/* ---- scheduling ---- */

static int set_affinity(const char *list, const char *which, struct ob_err *err)
{
	cpu_set_t set;
	/* cpu_set_t is a bit array of longs, cpu n in word n / bits-per-long */
	if (ob_parse_bit_list(list, (unsigned long *)&set, CPU_SETSIZE) < 0)
		return ob_error_msg(err, EINVAL, "execCPUAffinity.%s: bad cpu list `%s`", which,
				    list);
	if (sched_setaffinity(0, sizeof(set), &set) < 0)
		return ob_error(err, errno, "execCPUAffinity.%s `%s`", which, list);
	return 0;
}

/* struct sched_attr of sched_setattr(2); glibc has no wrapper and <linux/sched/types.h>
 * clashes with <sched.h>. */
struct ob_sched_attr {
	uint32_t size, sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime, sched_deadline, sched_period;
	uint32_t sched_util_min, sched_util_max;
};

static const struct {
	const char *name;
	uint64_t flag;
} sched_flags[] = {
    {"SCHED_FLAG_RESET_ON_FORK", 0x01},	 {"SCHED_FLAG_RECLAIM", 0x02},
    {"SCHED_FLAG_DL_OVERRUN", 0x04},	 {"SCHED_FLAG_KEEP_POLICY", 0x08},
    {"SCHED_FLAG_KEEP_PARAMS", 0x10},	 {"SCHED_FLAG_UTIL_CLAMP_MIN", 0x20},
    {"SCHED_FLAG_UTIL_CLAMP_MAX", 0x40},
};

static int set_scheduler(const struct ob_scheduler *s, struct ob_err *err)
{
	struct ob_sched_attr a = {.size = sizeof(a)};
	a.sched_policy = (uint32_t)s->policy_num;
	a.sched_nice = s->nice;
	a.sched_priority = (uint32_t)s->priority;
	a.sched_runtime = s->runtime;
	a.sched_deadline = s->deadline;
	a.sched_period = s->period;
	for (char **f = s->flags; f && *f; f++)
		for (size_t i = 0; i < ARRAY_SIZE(sched_flags); i++)
			if (streq(*f, sched_flags[i].name))
				a.sched_flags |= sched_flags[i].flag;
	if (syscall(SYS_sched_setattr, 0, &a, 0) < 0)
		return ob_error(err, errno, "scheduler `%s`", s->policy ? s->policy : "?");
	return 0;
}

/* ---- identity ---- */

static const char *env_get(char **env, const char *name)
{
	size_t n = strlen(name);
	for (char **e = env; e && *e; e++)
		if (strneq(*e, name, n) && (*e)[n] == '=')
			return *e + n + 1;
	return NULL;
}

/* Defer: the filter is loaded later and needs CAP_SYS_ADMIN (no no_new_privs): keep only
 * that capability effective until ob_process_exec applies the sets after the filter. */
static int set_user(struct ob_proc_ctx *ctx, bool defer_caps, struct ob_err *err)
{
	const struct ob_user *u = &ctx->p->user;
	if (ctx->has_caps) {
		int r = ob_caps_drop_bounding(&ctx->caps, err);
		if (r < 0)
			return r;
	}
	/* all of them (the spec refuses more than the kernel's NGROUPS_MAX), as they are:
	 * gid_t is the spec's uint32 */
	_Static_assert(sizeof(gid_t) == sizeof(uint32_t), "gid_t is 32 bits");
	size_t n = u->n_additional_gids;
	if (setgroups(n, (const gid_t *)u->additional_gids) < 0) {
		/* In a user namespace with setgroups "deny" an empty list is already ours. */
		if (!(errno == EPERM && n == 0))
			return ob_error(err, errno, "setgroups");
	}
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return ob_error(err, errno, "prctl(PR_SET_KEEPCAPS)");
	if (setresgid(u->gid, u->gid, u->gid) < 0)
		return ob_error(err, errno, "setgid %u", u->gid);
	if (setresuid(u->uid, u->uid, u->uid) < 0)
		return ob_error(err, errno, "setuid %u", u->uid);
	prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
	if (defer_caps && (ctx->has_caps || u->uid != 0)) {
		/* the user's own effective set (what the kernel left it without process
		 * capabilities) plus CAP_SYS_ADMIN: the cwd and args[0] are checked as the
		 * process will see them */
		uint64_t eff = ctx->has_caps ? ctx->caps.effective : 0;
		int r = ob_caps_effective_only(eff | 1ULL << CAP_SYS_ADMIN, err);
		if (r < 0)
			return r;
		ctx->caps_pending = ctx->has_caps;
	} else if (ctx->has_caps) {
		int r = ob_caps_apply(&ctx->caps, err);
		if (r < 0)
			return r;
	}
	if (u->has_umask)
		umask((mode_t)u->umask);
	return 0;
}

/* close_range(2) [lo, hi] (CLOSE_RANGE_CLOEXEC: mark instead), or on kernels before 5.9
 * (ENOSYS) the same by walking /proc/self/fd. */
static int close_range_compat(unsigned int lo, unsigned int hi, unsigned int flags)
{
	if (syscall(SYS_close_range, lo, hi, flags) == 0)
		return 0;
	if (errno != ENOSYS)
		return -errno;
	DIR *d = opendir("/proc/self/fd");
	if (!d)
		return -errno;
	int self = dirfd(d);
	struct dirent *e;
	while ((e = readdir(d))) {
		char *end;
		unsigned long fd = strtoul(e->d_name, &end, 10);
		if (*end || end == e->d_name || fd < lo || fd > hi || (int)fd == self)
			continue;
		if (flags & CLOSE_RANGE_CLOEXEC) {
			int fl = fcntl((int)fd, F_GETFD);
			if (fl >= 0 && !(fl & FD_CLOEXEC))
				fcntl((int)fd, F_SETFD, fl | FD_CLOEXEC);
		} else {
			close((int)fd);
		}
	}
	closedir(d);
	return 0;
}

/* Close every fd from `first` on but keep_open and the log's, which become close-on-exec.
 * Close-on-exec alone is not enough: execve(2) resolves its path while they are still
 * open, so a host directory fd (a cgroup directory) would let process.args[0] =
 * /proc/self/fd/N/../../bin/sh run a host binary in the container (CVE-2024-21626,
 * attack 3a); so would any chdir of ours through it. */
static int close_ours(const struct ob_proc_ctx *ctx, unsigned int first, struct ob_err *err)
{
	unsigned int keep[ARRAY_SIZE(ctx->keep_open) + 1];
	size_t n = 0;
	int cand[ARRAY_SIZE(ctx->keep_open) + 1];
	memcpy(cand, ctx->keep_open, sizeof(ctx->keep_open));
	cand[ARRAY_SIZE(ctx->keep_open)] = ob_log_fd();
	for (size_t i = 0; i < ARRAY_SIZE(cand); i++) {
		if (cand[i] < 0 || (unsigned int)cand[i] < first)
			continue;
		size_t j = n++;
		for (; j > 0 && keep[j - 1] > (unsigned int)cand[i]; j--)
			keep[j] = keep[j - 1];
		keep[j] = (unsigned int)cand[i];
	}
	unsigned int from = first;
	for (size_t i = 0; i < n; i++) {
		int r = keep[i] > from ? close_range_compat(from, keep[i] - 1, 0) : 0;
		if (r < 0)
			return ob_error(err, -r, "close_range");
		if (keep[i] + 1 > from)
			from = keep[i] + 1;
	}
	int r = close_range_compat(from, ~0U, 0);
	if (r == 0)
		r = close_range_compat(first, ~0U, CLOSE_RANGE_CLOEXEC);
	if (r < 0)
		return ob_error(err, -r, "close_range");
	return 0;
}

/* Load the filter, then the capability sets it had to wait for (no_new_privs unset); a
 * NOTIFY listener fd goes to the runtime at once: a NOTIFY rule on a syscall that follows
 * waits for an agent that must already have the fd (runc syncs it right after loading
 * too). */
static int load_seccomp(struct ob_proc_ctx *ctx, struct ob_err *err)
{
	int r = ob_seccomp_load(ctx->seccomp_prog, &ctx->seccomp_fd, err);
	if (r < 0)
		return r;
	ctx->seccomp_loaded = true;
	if (ctx->caps_pending) {
		ctx->caps_pending = false;
		if ((r = ob_caps_apply(&ctx->caps, err)) < 0)
			return r;
	}
	if (ctx->seccomp_fd < 0 || ctx->seccomp_sync < 0)
		return r;
	r = ob_sync_send(ctx->seccomp_sync, OB_SYNC_FD, OB_SYNC_FD_SECCOMP, ctx->seccomp_fd, NULL,
			 0);
	close(ctx->seccomp_fd);
	ctx->seccomp_fd = -1;
	if (r < 0)
		return ob_error(err, -r, "send the seccomp listener fd to the runtime");
	return 0;
}

/* The program cannot be run. Engines map the runtime's message to an exit status by
 * phrase, in lower case as Go's errors and runc write them: Docker's CLI and daemon look
 * for "no such file or directory" and "executable file not found" (127) and "permission
 * denied" (126) next to the program's name; podman matches the same phrases. */
static int exec_error(struct ob_err *err, int code, const char *a0, const char *what)
{
	const char *phrase = code == ENOENT   ? "no such file or directory"
			     : code == EACCES ? "permission denied"
					      : NULL;
	if (phrase)
		return ob_error_exec(err,
				     ob_error_msg(err, code, "exec `%s`: %s%s", a0, phrase, what));
	return ob_error_exec(err, ob_error(err, code, "exec `%s`%s", a0, what));
}

/* args[0] as execvp would find it, in the container's PATH: ENOENT -> 127, EACCES -> 126. */
static int find_exec(struct ob_proc_ctx *ctx, struct ob_err *err)
{
	const char *a0 = ctx->p->args ? ctx->p->args[0] : NULL;
	if (!a0 || !*a0)
		return ob_error_msg(err, EINVAL, "process.args must not be empty");
	struct stat st;
	if (strchr(a0, '/')) {
		snprintf(ctx->exec_path, sizeof(ctx->exec_path), "%s", a0);
		if (stat(a0, &st) < 0)
			return exec_error(err, errno, a0, "");
		if (S_ISDIR(st.st_mode))
			return exec_error(err, EACCES, a0, " (a directory)");
		if (access(a0, X_OK) < 0)
			return exec_error(err, errno, a0, "");
		return 0;
	}
	const char *path = env_get(ctx->env, "PATH");
	if (!path)
		path = DEFAULT_PATH;
	int seen = ENOENT;
	for (const char *p = path;;) {
		size_t len = strcspn(p, ":");
		char cand[4096];
		snprintf(cand, sizeof(cand), "%.*s%s%s", (int)len, len ? p : ".", "/", a0);
		if (stat(cand, &st) == 0 && !S_ISDIR(st.st_mode)) {
			if (access(cand, X_OK) == 0) {
				snprintf(ctx->exec_path, sizeof(ctx->exec_path), "%s", cand);
				return 0;
			}
			seen = EACCES;
		}
		if (!p[len])
			break;
		p += len + 1;
	}
	if (seen == ENOENT)
		return ob_error_exec(
		    err,
		    ob_error_msg(err, ENOENT, "exec `%s`: executable file not found in $PATH", a0));
	return exec_error(err, seen, a0, "");
}

int ob_process_setup(struct ob_proc_ctx *ctx, struct ob_err *err)
{
	const struct ob_process *p = ctx->p;
	int r;
	ctx->seccomp_fd = -1;
	for (size_t i = 0; i < p->n_rlimits; i++) {
		struct rlimit rl = {.rlim_cur = p->rlimits[i].soft, .rlim_max = p->rlimits[i].hard};
		if (setrlimit(p->rlimits[i].resource, &rl) < 0)
			return ob_error(err, errno, "setrlimit %s", p->rlimits[i].type);
	}
	if (p->has_oom_score_adj) {
		char buf[32];
		snprintf(buf, sizeof(buf), "%d", p->oom_score_adj);
		r = ob_write_string("/proc/self/oom_score_adj", buf, err);
		if (r < 0)
			return ob_error_prefix(err, r, "oomScoreAdj");
	}
	if (p->scheduler.present && (r = set_scheduler(&p->scheduler, err)) < 0)
		return r;
	if (p->io_priority.present &&
	    syscall(SYS_ioprio_set, 1 /* IOPRIO_WHO_PROCESS */, 0,
		    (p->io_priority.class_num << 13) | p->io_priority.priority) < 0)
		return ob_error(err, errno, "ioPriority %s", p->io_priority.class);
	if (p->exec_cpu_affinity.initial &&
	    (r = set_affinity(p->exec_cpu_affinity.initial, "initial", err)) < 0)
		return r;

	/* HOME from the container's /etc/passwd when the env has none (as runc). */
	if (!env_get(ctx->env, "HOME")) {
		struct ob_passwd pw;
		char uid[16], buf[300];
		snprintf(uid, sizeof(uid), "%u", p->user.uid);
		snprintf(buf, sizeof(buf), "HOME=%s",
			 ob_passwd_lookup("/", uid, &pw) == 0 && pw.home[0] ? pw.home : "/");
		ctx->env = ob_strv_push(ctx->env, buf);
	}

	/* Before any path is resolved for the process (cwd, args[0]): none of ours past the
	 * preserved fds is left to resolve it through. */
	unsigned int first = 3 + (unsigned int)ctx->preserve_fds;
	if ((r = close_ours(ctx, first, err)) < 0)
		return r;
	/* cwd while still privileged, as runc: a directory only root may enter is a valid
	 * cwd for a process.user that is not root. EACCES/EPERM: again as the user, who may
	 * be the one allowed in (a volume of theirs that root-squashing NFS denies root). */
	const char *cwd = p->cwd && *p->cwd ? p->cwd : "/";
	bool cwd_done = chdir(cwd) == 0;
	if (!cwd_done && errno != EACCES && errno != EPERM)
		return ob_error(err, errno, "chdir to cwd `%s`", cwd);
	if ((r = set_user(ctx, ctx->seccomp_prog && !p->no_new_privileges, err)) < 0)
		return r;
	if (!cwd_done && chdir(cwd) < 0)
		return ob_error(err, errno, "chdir to cwd `%s`", cwd);
	/* The cwd must be inside the root: a leaked host directory fd would make getcwd()
	 * report "(unreachable)" (CVE-2024-21626). */
	char here[PATH_MAX];
	if (!getcwd(here, sizeof(here)) || here[0] != '/')
		return ob_error_msg(err, EPERM, "cwd `%s` is outside the container root", cwd);

	if ((r = find_exec(ctx, err)) < 0)
		return r;
	if (p->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return ob_error(err, errno, "prctl(PR_SET_NO_NEW_PRIVS)");
	/* The AppArmor profile / SELinux label for execve (ob_lsm_check refused them in the
	 * parent where the LSM is off). */
	if ((r = ob_lsm_set_exec_label(p, err)) < 0)
		return r;

	/* The fds the caller passed us (3 .. first-1) stay; the others there close at execve. */
	for (int fd = 3; fd < (int)first; fd++) {
		int fl = fcntl(fd, F_GETFD);
		if (fl < 0)
			continue;
		bool pass = ctx->keep ? fd - 3 < ctx->keep->n && BIT_GET(ctx->keep->pass, fd - 3)
				      : !(fl & FD_CLOEXEC);
		if (pass && (fl & FD_CLOEXEC))
			fl &= ~FD_CLOEXEC;
		else if (!pass)
			fl |= FD_CLOEXEC;
		if (fcntl(fd, F_SETFD, fl) < 0)
			return ob_error(err, errno, "fd %d: set close-on-exec", fd);
	}
	/* NOTIFY: now, while the runtime is there to take the listener fd (see the top). */
	if (ctx->seccomp_prog && ctx->seccomp_prog->notify && (r = load_seccomp(ctx, err)) < 0)
		return r;
	return 0;
}

int ob_process_exec(struct ob_proc_ctx *ctx, struct ob_err *err)
{
	const struct ob_process *p = ctx->p;
	if (p->exec_cpu_affinity.final) {
		int r = set_affinity(p->exec_cpu_affinity.final, "final", err);
		if (r < 0)
			return r;
	}
	if (!ctx->exec_path[0])
		snprintf(ctx->exec_path, sizeof(ctx->exec_path), "%s", p->args[0]);
	/* The filter, then (no_new_privs unset) capset and prctl(PR_CAP_AMBIENT), then only
	 * execve (see the top). */
	if (ctx->seccomp_prog && !ctx->seccomp_loaded) {
		int r = load_seccomp(ctx, err);
		if (r < 0)
			return r;
	}
	execve(ctx->exec_path, p->args, ctx->env);
	return exec_error(err, errno, p->args[0], "");
}
