/* userns.c - id maps of a new user namespace, written from the parent.
 *
 * user_namespaces(7): a map is written once, in one write(2), by a process with
 * CAP_SETUID (CAP_SETGID) in the parent namespace, or by the namespace's owner mapping only
 * its own id, which for gid_map needs "deny" in /proc/PID/setgroups first. Everything else
 * an ordinary user may map is what /etc/subuid and /etc/subgid grant, and only the setuid
 * helpers newuidmap(1)/newgidmap(1) check and write that.
 */
#include "userns.h"

#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <sys/wait.h>

#include "log.h"
#include "util.h"

#define OB_MAX_MAP_LINES 340 /* user_namespaces(7) since Linux 4.15 */

extern char **environ;

static bool ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

static int check_map(const char *name, const struct ob_idmap *m, size_t n, struct ob_err *err)
{
	if (n > OB_MAX_MAP_LINES)
		return ob_error_msg(err, EINVAL,
				    "linux.%s: %zu ranges, the kernel takes at most %d", name, n,
				    OB_MAX_MAP_LINES);
	for (size_t i = 0; i < n; i++) {
		if (m[i].size == 0)
			return ob_error_msg(err, EINVAL, "linux.%s[%zu].size: must not be 0", name,
					    i);
		if ((uint64_t)m[i].container_id + m[i].size > (uint64_t)UINT32_MAX + 1 ||
		    (uint64_t)m[i].host_id + m[i].size > (uint64_t)UINT32_MAX + 1)
			return ob_error_msg(err, ERANGE, "linux.%s[%zu]: range exceeds 32-bit ids",
					    name, i);
		for (size_t j = 0; j < i; j++) {
			if (ranges_overlap(m[i].container_id, m[i].size, m[j].container_id,
					   m[j].size))
				return ob_error_msg(
				    err, EINVAL,
				    "linux.%s[%zu]: containerID range %u-%u overlaps "
				    "linux.%s[%zu]",
				    name, i, m[i].container_id, m[i].container_id + m[i].size - 1,
				    name, j);
			if (ranges_overlap(m[i].host_id, m[i].size, m[j].host_id, m[j].size))
				return ob_error_msg(err, EINVAL,
						    "linux.%s[%zu]: hostID range %u-%u overlaps "
						    "linux.%s[%zu]",
						    name, i, m[i].host_id,
						    m[i].host_id + m[i].size - 1, name, j);
		}
	}
	return 0;
}

int ob_userns_check_maps(const struct ob_linux *l, struct ob_err *err)
{
	int r = check_map("uidMappings", l->uid_mappings, l->n_uid_mappings, err);
	if (r < 0)
		return r;
	return check_map("gidMappings", l->gid_mappings, l->n_gid_mappings, err);
}

bool ob_userns_rootless(void)
{
	_cleanup_free_ char *map = NULL;
	unsigned long a, b, c;

	if (geteuid() != 0)
		return true;
	if (ob_read_file("/proc/self/uid_map", &map, NULL, &(struct ob_err){0}) < 0)
		return false;
	/* The initial namespace maps everything: "0 0 4294967295". */
	return !(sscanf(map, "%lu %lu %lu", &a, &b, &c) == 3 && a == 0 && b == 0 &&
		 c == 4294967295UL);
}

static char *format_map(const struct ob_idmap *m, size_t n)
{
	char *buf = ob_xmalloc(n * 36 + 1);
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n; i++)
		off += sprintf(buf + off, "%u %u %u\n", m[i].container_id, m[i].host_id, m[i].size);
	return buf;
}

/* newuidmap PID ID HOSTID SIZE...: its stderr becomes the error message. */
static int run_idmap_helper(const char *helper, pid_t pid, const struct ob_idmap *m, size_t n,
			    struct ob_err *err)
{
	_cleanup_close_ int rd = -1;
	posix_spawn_file_actions_t fa;
	char **argv = ob_xcalloc(n * 3 + 3, sizeof(char *));
	char out[400];
	int pipefd[2], status, r;
	ssize_t len = 0, k;
	pid_t child;

	argv[0] = ob_xstrdup(helper);
	argv[1] = ob_xasprintf("%d", (int)pid);
	for (size_t i = 0; i < n; i++) {
		argv[2 + 3 * i] = ob_xasprintf("%u", m[i].container_id);
		argv[3 + 3 * i] = ob_xasprintf("%u", m[i].host_id);
		argv[4 + 3 * i] = ob_xasprintf("%u", m[i].size);
	}
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		r = ob_error(err, errno, "pipe");
		ob_strv_free(argv);
		return r;
	}
	rd = pipefd[0];
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], STDOUT_FILENO);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], STDERR_FILENO);
	r = posix_spawnp(&child, helper, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pipefd[1]);
	ob_strv_free(argv);
	if (r != 0)
		return ob_error(err, r, "run `%s` (package uidmap)", helper);
	while (len < (ssize_t)sizeof(out) - 1 &&
	       ((k = read(rd, out + len, sizeof(out) - 1 - len)) > 0 || (k < 0 && errno == EINTR)))
		if (k > 0)
			len += k;
	out[len] = '\0';
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR)
			return ob_error(err, errno, "wait for `%s`", helper);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	while (len > 0 && (out[len - 1] == '\n' || out[len - 1] == ' '))
		out[--len] = '\0';
	/* "newuidmap: uid range ... not allowed": the helper's name is ours already. */
	const char *why = out;
	size_t hl = strlen(helper);
	if (strneq(why, helper, hl) && strneq(why + hl, ": ", 2))
		why += hl + 2;
	return ob_error_msg(err, EPERM, "%s %d: %s", helper, (int)pid,
			    *why ? why : "failed (are the ranges in /etc/subuid and /etc/subgid?)");
}

static bool only_own_id(const struct ob_idmap *m, size_t n, uint32_t id)
{
	return n == 1 && m[0].host_id == id && m[0].size == 1;
}

static int write_map_file(pid_t pid, const char *file, const struct ob_idmap *m, size_t n,
			  struct ob_err *err)
{
	_cleanup_free_ char *text = format_map(m, n);
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	return ob_write_string(path, text, err);
}

int ob_userns_write_maps(pid_t pid, const struct ob_linux *l, struct ob_err *err)
{
	bool privileged = !ob_userns_rootless();
	char path[64];
	int r;

	r = ob_userns_check_maps(l, err);
	if (r < 0)
		return r;

	if (l->n_uid_mappings) {
		if (privileged || only_own_id(l->uid_mappings, l->n_uid_mappings, geteuid()))
			r = write_map_file(pid, "uid_map", l->uid_mappings, l->n_uid_mappings, err);
		else
			r = run_idmap_helper("newuidmap", pid, l->uid_mappings, l->n_uid_mappings,
					     err);
		if (r < 0)
			return ob_error_prefix(err, r, "linux.uidMappings");
	}
	if (l->n_gid_mappings) {
		if (privileged) {
			r = write_map_file(pid, "gid_map", l->gid_mappings, l->n_gid_mappings, err);
		} else if (only_own_id(l->gid_mappings, l->n_gid_mappings, getegid())) {
			/* user_namespaces(7): an unprivileged gid_map needs setgroups denied. */
			snprintf(path, sizeof(path), "/proc/%d/setgroups", (int)pid);
			r = ob_write_string(path, "deny", err);
			if (r >= 0)
				r = write_map_file(pid, "gid_map", l->gid_mappings,
						   l->n_gid_mappings, err);
		} else {
			r = run_idmap_helper("newgidmap", pid, l->gid_mappings, l->n_gid_mappings,
					     err);
		}
		if (r < 0)
			return ob_error_prefix(err, r, "linux.gidMappings");
	}
	return 0;
}
