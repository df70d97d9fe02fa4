/* seccomp.c - linux.seccomp -> BPF with libseccomp (parent), seccomp(2) load (child).
 *
 * Names (actions, operators, flags) follow runtime-spec config-linux.md "Seccomp", which
 * takes them from libseccomp's seccomp.h; syscall and architecture names are resolved by
 * libseccomp itself. Behaviour follows runc where the spec is silent: unknown syscall
 * names are skipped (a newer profile on an older libseccomp), rules whose action equals
 * the default action are dropped (libseccomp refuses them), and several conditions on one
 * rule are ANDed unless two of them test the same argument, in which case each condition
 * becomes its own rule (libseccomp cannot AND two tests of one argument).
 */
#include "seccomp.h"

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>

#include "log.h"
#include "util.h"

/* The kernel's MAX_ERRNO: SECCOMP_RET_ERRNO data above it is not an errno. */
#define OB_MAX_ERRNO 4095

/* An action name plus its optional errnoRet -> the libseccomp action value. path is the
 * JSON object holding both ("linux.seccomp" or "linux.seccomp.syscalls[3]"). */
static int parse_action(const char *path, const char *action_key, const char *errno_key,
			const char *name, bool has_errno, uint32_t errno_ret, uint32_t *ret,
			struct ob_err *err)
{
	if (!name)
		return ob_error_msg(err, EINVAL, "%s.%s: missing", path, action_key);
	for (size_t i = 0; i < OB_SECCOMP_N_ACTIONS; i++) {
		if (!streq(ob_seccomp_actions[i], name))
			continue;
		if (!ob_seccomp_action_values[i].takes_errno) {
			/* config-linux.md: "When the action doesn't support an errno, the runtime
			 * MUST print and error and fail." */
			if (has_errno)
				return ob_error_msg(err, EINVAL,
						    "%s.%s: %s does not take an errno (only "
						    "SCMP_ACT_ERRNO and SCMP_ACT_TRACE do)",
						    path, errno_key, name);
			*ret = ob_seccomp_action_values[i].action;
			return 0;
		}
		if (!has_errno)
			errno_ret = EPERM;
		else if (errno_ret > OB_MAX_ERRNO)
			return ob_error_msg(err, ERANGE, "%s.%s: %u out of range (0-%d)", path,
					    errno_key, errno_ret, OB_MAX_ERRNO);
		*ret = ob_seccomp_action_values[i].action | errno_ret;
		return 0;
	}
	return ob_error_msg(err, EINVAL, "%s.%s: unknown action `%s`", path, action_key, name);
}

static int parse_operator(const char *path, const char *name, enum scmp_compare *ret,
			  struct ob_err *err)
{
	if (!name)
		return ob_error_msg(err, EINVAL, "%s.op: missing", path);
	for (size_t i = 0; i < OB_SECCOMP_N_OPERATORS; i++)
		if (streq(ob_seccomp_operators[i], name)) {
			*ret = (enum scmp_compare)ob_seccomp_operator_values[i];
			return 0;
		}
	return ob_error_msg(err, EINVAL, "%s.op: unknown operator `%s`", path, name);
}

/* "SCMP_ARCH_X86_64" -> libseccomp's "x86_64" -> its token; 0 when unknown. */
static uint32_t resolve_arch(const char *name)
{
	char lower[32];
	size_t i;

	if (!startswith(name, "SCMP_ARCH_"))
		return 0;
	name += strlen("SCMP_ARCH_");
	for (i = 0; name[i] && i < sizeof(lower) - 1; i++)
		lower[i] = (name[i] >= 'A' && name[i] <= 'Z') ? name[i] - 'A' + 'a' : name[i];
	if (name[i])
		return 0;
	lower[i] = '\0';
	return seccomp_arch_resolve_name(lower);
}

int ob_seccomp_check_listener_path(const char *path, struct ob_err *err)
{
	struct sockaddr_un sun;

	if (!path || path[0] != '/')
		return ob_error_msg(err, EINVAL,
				    "linux.seccomp.listenerPath: `%s` is not an absolute path",
				    path ? path : "");
	if (strlen(path) >= sizeof(sun.sun_path))
		return ob_error_msg(err, ENAMETOOLONG,
				    "linux.seccomp.listenerPath: longer than %zu bytes",
				    sizeof(sun.sun_path) - 1);
	return 0;
}

/* One syscall rule: every name, with the conditions combined as runc does. */
static int add_rule(scmp_filter_ctx ctx, const struct ob_seccomp_syscall *sc, size_t idx,
		    uint32_t default_action, bool *notify, struct ob_err *err)
{
	struct scmp_arg_cmp cmps[6];
	unsigned int per_arg[6] = {0};
	bool split = false;
	uint32_t action;
	char path[64];
	int r;

	snprintf(path, sizeof(path), "linux.seccomp.syscalls[%zu]", idx);
	r = parse_action(path, "action", "errnoRet", sc->action, sc->has_errno_ret, sc->errno_ret,
			 &action, err);
	if (r < 0)
		return r;
	if (!sc->names || !sc->names[0])
		return ob_error_msg(err, EINVAL, "%s.names: needs at least one syscall name", path);
	if (sc->n_args > ARRAY_SIZE(cmps))
		return ob_error_msg(err, EINVAL, "%s.args: %zu conditions, at most %zu", path,
				    sc->n_args, ARRAY_SIZE(cmps));
	for (size_t a = 0; a < sc->n_args; a++) {
		const struct ob_seccomp_arg *arg = &sc->args[a];
		char apath[96];
		enum scmp_compare op = SCMP_CMP_EQ;

		snprintf(apath, sizeof(apath), "%s.args[%zu]", path, a);
		if (arg->index >= ARRAY_SIZE(cmps))
			return ob_error_msg(err, EINVAL, "%s.index: %u out of range (0-5)", apath,
					    arg->index);
		r = parse_operator(apath, arg->op, &op, err);
		if (r < 0)
			return r;
		/* For SCMP_CMP_MASKED_EQ, value is the mask and valueTwo the datum, as in
		 * libseccomp's SCMP_CMP(arg, SCMP_CMP_MASKED_EQ, mask, datum). */
		cmps[a] = (struct scmp_arg_cmp){
		    .arg = arg->index, .op = op, .datum_a = arg->value, .datum_b = arg->value_two};
		if (++per_arg[arg->index] > 1)
			split = true;
	}
	if (action == SCMP_ACT_NOTIFY) {
		for (char **n = sc->names; *n; n++)
			/* The container's init hands the listener fd to the runtime with
			 * sendmsg(2) after the load, and writes its errors (a failed execve) to
			 * the sync socket: notified, either would wait for an agent that has not
			 * got the fd yet (runc refuses "write" for the same reason). */
			if (streq(*n, "sendmsg") || streq(*n, "write"))
				return ob_error_msg(
				    err, EINVAL,
				    "%s: SCMP_ACT_NOTIFY cannot be used for %s "
				    "(the runtime needs it to pass the listener fd and to "
				    "report errors after the filter is loaded)",
				    path, *n);
		*notify = true;
	}
	if (action == default_action) {
		ob_log_debug("seccomp: %s: action is the default action, rule skipped", path);
		return 0;
	}

	for (char **n = sc->names; *n; n++) {
		int nr = seccomp_syscall_resolve_name(*n);

		if (nr == __NR_SCMP_ERROR) {
			/* As runc: a profile may name syscalls this libseccomp does not know. */
			ob_log_debug("seccomp: %s: unknown syscall `%s` skipped", path, *n);
			continue;
		}
		if (!split) {
			r = seccomp_rule_add_array(ctx, action, nr, sc->n_args,
						   sc->n_args ? cmps : NULL);
		} else {
			r = 0;
			for (size_t a = 0; a < sc->n_args && r >= 0; a++)
				r = seccomp_rule_add_array(ctx, action, nr, 1, &cmps[a]);
		}
		if (r < 0)
			return ob_error(err, -r, "%s: add rule for syscall `%s`", path, *n);
	}
	return 0;
}

/* seccomp_export_bpf() writes to an fd (libseccomp 2.5): a memfd, read back into memory. */
static int export_bpf(scmp_filter_ctx ctx, struct ob_seccomp_prog *prog, struct ob_err *err)
{
	_cleanup_close_ int fd = -1;
	struct stat st;
	int r;

	fd = memfd_create("ocibox-seccomp", MFD_CLOEXEC);
	if (fd < 0)
		return ob_error(err, errno, "seccomp: memfd_create");
	r = seccomp_export_bpf(ctx, fd);
	if (r < 0)
		return ob_error(err, -r, "seccomp: export BPF");
	if (fstat(fd, &st) < 0)
		return ob_error(err, errno, "seccomp: fstat");
	if (st.st_size <= 0 || st.st_size % sizeof(struct sock_filter) != 0 ||
	    st.st_size / sizeof(struct sock_filter) > BPF_MAXINSNS)
		return ob_error_msg(err, E2BIG,
				    "seccomp: filter of %lld bytes does not fit a BPF program "
				    "(at most %d instructions)",
				    (long long)st.st_size, BPF_MAXINSNS);
	prog->filter = ob_xmalloc(st.st_size);
	if (pread(fd, prog->filter, st.st_size, 0) != st.st_size)
		return ob_error(err, errno ? errno : EIO, "seccomp: read back BPF");
	prog->len = st.st_size / sizeof(struct sock_filter);
	return 0;
}

/* The -ENOSYS stub (runc's libcontainer/seccomp/patchbpf): a syscall newer than every
 * syscall the profile names gets ENOSYS instead of the default action, so that libc falls
 * back (clone3 -> clone, faccessat2 -> faccessat, close_range -> close) on an older
 * profile. libseccomp (2.5, and no release since) compares syscall numbers for equality
 * only and has no "largest syscall" rule (libseccomp issues 11 and 286, runc PR 2750):
 * the few instructions that compare the number are put in front of libseccomp's program,
 * with the numbers and the architecture tokens (the kernel's AUDIT_ARCH_* values) that
 * libseccomp resolves. libseccomp's program starts by loading the arch itself and all its
 * jumps are relative, so it runs unchanged after the stub. */
#define OB_X32_SYSCALL_BIT 0x40000000U

struct enosys_arch {
	uint32_t audit; /* seccomp_data.arch */
	int max;	/* the largest syscall named for this arch, -1: none */
	int max_x32;	/* on x86_64: the same for x32 (numbers carry the x32 bit) */
};

static int largest_named(const struct ob_seccomp *sc, uint32_t arch)
{
	int max = -1;
	for (size_t i = 0; i < sc->n_syscalls; i++)
		for (char **n = sc->syscalls[i].names; n && *n; n++) {
			int nr = seccomp_syscall_resolve_name_arch(arch, *n);
			if (nr > max) /* __NR_SCMP_ERROR and pseudo-syscalls are negative */
				max = nr;
		}
	return max;
}

static bool enosys_wanted(uint32_t default_action)
{
	uint32_t kind = default_action & SECCOMP_RET_ACTION_FULL;
	/* As runc: not under a permissive default (a tracer handles new syscalls itself),
	 * and not when the default already is ENOSYS. */
	return kind != SCMP_ACT_ALLOW && kind != SCMP_ACT_LOG &&
	       kind != (SCMP_ACT_TRACE(0) & SECCOMP_RET_ACTION_FULL) &&
	       default_action != SCMP_ACT_ERRNO(ENOSYS);
}

/* Jump targets in the stub, resolved once its length is known. */
enum { TO_NEXT = 0, TO_ENOSYS, TO_FILTER };

struct stub {
	struct sock_filter insn[64];
	uint8_t jt[64], jf[64]; /* TO_* for a conditional jump, TO_NEXT: the next insn */
	size_t n;
};

static void stub_stmt(struct stub *st, uint16_t code, uint32_t k)
{
	st->insn[st->n] = (struct sock_filter)BPF_STMT(code, k);
	st->jt[st->n] = st->jf[st->n] = TO_NEXT;
	st->n++;
}

static void stub_jump(struct stub *st, uint16_t code, uint32_t k, uint8_t jt, uint8_t jf)
{
	st->insn[st->n] = (struct sock_filter)BPF_JUMP(code, k, 0, 0);
	st->jt[st->n] = jt;
	st->jf[st->n] = jf;
	st->n++;
}

/* The stub for the architectures of the filter (native plus listed) into out (cap
 * instructions). Returns its length, 0 when the profile names no syscall at all. */
static size_t enosys_stub(const struct ob_seccomp *sc, struct sock_filter *out, size_t cap)
{
	struct enosys_arch a[8];
	size_t na = 0;
	struct stub st = {.n = 0};

	for (size_t i = 0; i == 0 || (sc->architectures && sc->architectures[i - 1]); i++) {
		uint32_t t =
		    i == 0 ? seccomp_arch_native() : resolve_arch(sc->architectures[i - 1]);
		bool x32 = t == SCMP_ARCH_X32;
		uint32_t audit = x32 ? SCMP_ARCH_X86_64 : t;
		size_t j;

		if (!t)
			continue;
		for (j = 0; j < na && a[j].audit != audit; j++)
			;
		if (j == ARRAY_SIZE(a))
			continue;
		if (j == na)
			a[na++] = (struct enosys_arch){.audit = audit, .max = -1, .max_x32 = -1};
		if (x32)
			a[j].max_x32 = largest_named(sc, t);
		else
			a[j].max = largest_named(sc, t);
	}

	/* ld arch; per arch: jeq AUDIT (else: the next arch); ld nr; jgt MAX: ENOSYS, else
	 * FILTER. Then: ja FILTER; ENOSYS: ret ERRNO(ENOSYS); FILTER: libseccomp's program. */
	stub_stmt(&st, BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
	for (size_t j = 0; j < na; j++) {
		bool nat = a[j].max >= 0, x32 = a[j].max_x32 >= 0;
		size_t jeq = st.n;

		if (!nat && !x32)
			continue; /* the profile names nothing there: libseccomp decides */
		stub_jump(&st, BPF_JMP | BPF_JEQ | BPF_K, a[j].audit, TO_NEXT, TO_NEXT);
		stub_stmt(&st, BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
		if (a[j].audit == SCMP_ARCH_X86_64)
			/* x86_64 and x32 share AUDIT_ARCH_X86_64; x32 numbers have bit 30 set
			 * (a mode the profile does not list is libseccomp's bad-arch case). */
			stub_jump(&st, BPF_JMP | BPF_JSET | BPF_K, OB_X32_SYSCALL_BIT,
				  x32 ? TO_NEXT : TO_FILTER, nat ? TO_NEXT : TO_FILTER);
		if (nat && x32)
			st.insn[st.n - 1].jt = 1; /* over the native test to the x32 one */
		if (nat)
			stub_jump(&st, BPF_JMP | BPF_JGT | BPF_K, (uint32_t)a[j].max, TO_ENOSYS,
				  TO_FILTER);
		if (x32)
			stub_jump(&st, BPF_JMP | BPF_JGT | BPF_K, (uint32_t)a[j].max_x32, TO_ENOSYS,
				  TO_FILTER);
		/* Another arch: the next test (A still holds the arch). */
		st.insn[jeq].jf = (uint8_t)(st.n - jeq - 1);
	}
	if (st.n == 1)
		return 0;
	stub_stmt(&st, BPF_JMP | BPF_JA, 1);
	stub_stmt(&st, BPF_RET | BPF_K, SCMP_ACT_ERRNO(ENOSYS));
	size_t enosys_at = st.n - 1, filter_at = st.n;
	for (size_t i = 0; i < st.n; i++) {
		if (st.jt[i] != TO_NEXT)
			st.insn[i].jt =
			    (uint8_t)((st.jt[i] == TO_ENOSYS ? enosys_at : filter_at) - i - 1);
		if (st.jf[i] != TO_NEXT)
			st.insn[i].jf =
			    (uint8_t)((st.jf[i] == TO_ENOSYS ? enosys_at : filter_at) - i - 1);
	}
	if (st.n > cap)
		return 0;
	memcpy(out, st.insn, st.n * sizeof(*out));
	return st.n;
}

/* defaultAction and the listener settings. */
static int check_top(const struct ob_seccomp *sc, uint32_t *ret_default, struct ob_err *err)
{
	int r =
	    parse_action("linux.seccomp", "defaultAction", "defaultErrnoRet", sc->default_action,
			 sc->has_default_errno_ret, sc->default_errno_ret, ret_default, err);
	if (r < 0)
		return r;
	if (*ret_default == SCMP_ACT_NOTIFY)
		/* Every syscall of the init, the one that passes the fd on included, would
		 * wait for an agent that does not have the fd yet. */
		return ob_error_msg(err, EINVAL,
				    "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the "
				    "default action");
	if (sc->listener_metadata && !sc->listener_path)
		return ob_error_msg(err, EINVAL,
				    "linux.seccomp.listenerMetadata: set without listenerPath");
	if (sc->listener_path)
		return ob_seccomp_check_listener_path(sc->listener_path, err);
	return 0;
}

static int parse_flags(const struct ob_seccomp *sc, unsigned int *flags, struct ob_err *err)
{
	for (size_t i = 0; sc->flags && sc->flags[i]; i++) {
		size_t f;
		for (f = 0; f < OB_SECCOMP_N_FLAGS; f++)
			if (streq(ob_seccomp_flags[f], sc->flags[i]))
				break;
		if (f == OB_SECCOMP_N_FLAGS)
			return ob_error_msg(err, EINVAL,
					    "linux.seccomp.flags[%zu]: unknown flag `%s`", i,
					    sc->flags[i]);
		*flags |= ob_seccomp_flag_values[f];
	}
	return 0;
}

static int add_arches(scmp_filter_ctx ctx, const struct ob_seccomp *sc, struct ob_err *err)
{
	for (size_t i = 0; sc->architectures && sc->architectures[i]; i++) {
		uint32_t arch = resolve_arch(sc->architectures[i]);
		if (!arch) {
			const struct scmp_version *v = seccomp_version();
			return ob_error_msg(
			    err, EINVAL,
			    "linux.seccomp.architectures[%zu]: unknown architecture "
			    "`%s` (libseccomp %u.%u.%u)",
			    i, sc->architectures[i], v->major, v->minor, v->micro);
		}
		/* The native arch is in a new filter already (EEXIST). */
		int r = seccomp_arch_add(ctx, arch);
		if (r < 0 && r != -EEXIST)
			return ob_error(err, -r, "linux.seccomp.architectures[%zu]: add `%s`", i,
					sc->architectures[i]);
	}
	return 0;
}

int ob_seccomp_prepare(const struct ob_seccomp *sc, struct ob_seccomp_prog **ret,
		       struct ob_err *err)
{
	struct ob_seccomp_prog *prog = NULL;
	scmp_filter_ctx ctx = NULL;
	uint32_t default_action;
	bool notify = false;
	int r;

	if (!sc || !sc->present) {
		*ret = NULL;
		return 0;
	}
	if ((r = check_top(sc, &default_action, err)) < 0)
		return r;
	prog = ob_xcalloc(1, sizeof(*prog));
	if ((r = parse_flags(sc, &prog->flags, err)) < 0)
		goto fail;

	ctx = seccomp_init(default_action);
	if (!ctx) {
		r = ob_error_msg(err, EINVAL, "seccomp: cannot initialise a filter");
		goto fail;
	}
	/* A binary tree over syscall numbers instead of a linear chain: a profile of a few
	 * hundred rules (the default one) costs every syscall O(log n), not O(n). */
	r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if (r < 0)
		ob_log_debug("seccomp: binary tree optimization unavailable: %s", strerror(-r));
	if ((r = add_arches(ctx, sc, err)) < 0)
		goto fail;
	for (size_t i = 0; i < sc->n_syscalls; i++) {
		r = add_rule(ctx, &sc->syscalls[i], i, default_action, &notify, err);
		if (r < 0)
			goto fail;
	}
	if (notify && !sc->listener_path) {
		r = ob_error_msg(
		    err, EINVAL,
		    "linux.seccomp.listenerPath: required when SCMP_ACT_NOTIFY is used");
		goto fail;
	}

	r = export_bpf(ctx, prog, err);
	if (r < 0)
		goto fail;
	if (enosys_wanted(default_action)) {
		struct sock_filter stub[64];
		size_t ns = enosys_stub(sc, stub, ARRAY_SIZE(stub));

		if (ns && prog->len + ns > BPF_MAXINSNS) {
			r = ob_error_msg(err, E2BIG,
					 "seccomp: filter of %u instructions does not fit a BPF "
					 "program with the ENOSYS stub (at most %d)",
					 prog->len, BPF_MAXINSNS);
			goto fail;
		}
		if (ns) {
			prog->filter = ob_xrealloc(prog->filter, (prog->len + ns) * sizeof(*stub));
			memmove(prog->filter + ns, prog->filter, prog->len * sizeof(*stub));
			memcpy(prog->filter, stub, ns * sizeof(*stub));
			prog->len += ns;
		}
	}
	prog->notify = notify;
	if (notify) {
		prog->flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
		/* seccomp(2): TSYNC and NEW_LISTENER together need TSYNC_ESRCH. */
		if (prog->flags & SECCOMP_FILTER_FLAG_TSYNC)
			prog->flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
	} else if (prog->flags & SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV) {
		/* The kernel takes it only with a listener; without one it means nothing
		 * (libseccomp 2.6 drops it the same way). */
		ob_log_debug("seccomp: SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV without "
			     "SCMP_ACT_NOTIFY: ignored");
		prog->flags &= ~SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
	}
	seccomp_release(ctx);
	*ret = prog;
	return 0;
fail:
	if (ctx)
		seccomp_release(ctx);
	ob_seccomp_prog_free(prog);
	return r;
}

void ob_seccomp_prog_free(struct ob_seccomp_prog *prog)
{
	if (!prog)
		return;
	free(prog->filter);
	free(prog);
}

int ob_seccomp_load(const struct ob_seccomp_prog *prog, int *ret_notify_fd, struct ob_err *err)
{
	struct sock_fprog fprog = {.len = prog->len, .filter = prog->filter};
	long r;

	r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, prog->flags, &fprog);
	if (r < 0) {
		if (errno == EACCES)
			return ob_error(
			    err, errno,
			    "load seccomp filter (needs no_new_privs or CAP_SYS_ADMIN)");
		if (errno == EINVAL && prog->flags)
			return ob_error(err, errno, "load seccomp filter with flags 0x%x",
					prog->flags);
		return ob_error(err, errno, "load seccomp filter");
	}
	if (ret_notify_fd)
		*ret_notify_fd = prog->notify ? (int)r : -1;
	return 0;
}

int ob_seccomp_notify_send(const char *listener_path, int notify_fd, const char *state_json,
			   size_t len, struct ob_err *err)
{
	_cleanup_close_ int sk = -1;
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control = {0};
	struct iovec iov = {.iov_base = (void *)state_json, .iov_len = len};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = control.buf,
			     .msg_controllen = sizeof(control.buf)};
	struct cmsghdr *cmsg;
	ssize_t n;
	int r;

	r = ob_seccomp_check_listener_path(listener_path, err);
	if (r < 0)
		return r;
	memcpy(sun.sun_path, listener_path, strlen(listener_path) + 1);
	sk = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sk < 0)
		return ob_error(err, errno, "seccomp listener: socket");
	if (connect(sk, (struct sockaddr *)&sun, sizeof(sun)) < 0)
		return ob_error(err, errno, "seccomp listener: connect to `%s`", listener_path);

	cmsg = CMSG_FIRSTHDR(&msg);
	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &notify_fd, sizeof(int));
	do
		n = sendmsg(sk, &msg, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return ob_error(err, errno, "seccomp listener: send to `%s`", listener_path);
	/* runtime-spec: the fds go with the first sendmsg only; the rest is plain payload. */
	if ((size_t)n < len) {
		r = ob_write_all(sk, state_json + n, len - n);
		if (r < 0)
			return ob_error(err, -r, "seccomp listener: send to `%s`", listener_path);
	}
	return 0;
}

/* The default profile, embedded from the tree at build time (the Makefile makes this
 * object depend on the file; the assembler resolves the path from the top directory). */
extern const char ob_seccomp_default_json[] __attribute__((visibility("hidden")));
extern const char ob_seccomp_default_json_end[] __attribute__((visibility("hidden")));
__asm__(".pushsection .rodata.ob_seccomp_default,\"a\"\n"
	".globl ob_seccomp_default_json\n"
	".hidden ob_seccomp_default_json\n"
	".globl ob_seccomp_default_json_end\n"
	".hidden ob_seccomp_default_json_end\n"
	"ob_seccomp_default_json:\n"
	".incbin \"packaging/seccomp-default.json\"\n"
	"ob_seccomp_default_json_end:\n"
	".byte 0\n"
	".popsection\n");

const char *ob_seccomp_default_profile(size_t *ret_len)
{
	if (ret_len)
		*ret_len = (size_t)(ob_seccomp_default_json_end - ob_seccomp_default_json);
	return ob_seccomp_default_json;
}

int ob_seccomp_forward_fd(void *forward, int fd, struct ob_err *err)
{
	const struct ob_seccomp_forward *f = forward;
	static const char *const fd_names[] = {"seccompFd", NULL};
	_cleanup_free_ char *ps =
	    ob_state_process_json(f->st, f->status, f->pid, fd_names, f->sc->listener_metadata);
	return ob_seccomp_notify_send(f->sc->listener_path, fd, ps, strlen(ps), err);
}
