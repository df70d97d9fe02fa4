/* devices.c - cgroup v2 device control: a BPF_PROG_TYPE_CGROUP_DEVICE program built
 * from linux.resources.devices and attached to the cgroup with bpf(2).
 *
 * v1 semantics, kept: rules apply in order, a later rule overriding an earlier one, and a
 * cgroup starts allowing everything (its parent decides the rest). So the program tests
 * the rules last to first and the first that matches decides; none matching = allow.
 * An allow rule matches when the requested access is inside its access set, a deny rule
 * when the requested access touches its access set (v1's devices.allow/deny behave so).
 *
 * Program input (struct bpf_cgroup_dev_ctx, linux/bpf.h): access_type = (access << 16) |
 * type, major, minor; it returns 1 to allow, 0 to refuse (EPERM).
 */
#include <linux/bpf.h>
#include <sys/syscall.h>

#include "internal.h"
#include "../log.h"

/* The few instruction forms we need (the kernel's BPF_*_INSN macros live in its tools/
 * tree, not in the uapi headers). */
static struct bpf_insn insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
	return (struct bpf_insn){
	    .code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm};
}
#define LDX_W(dst, src, off)   insn(BPF_LDX | BPF_MEM | BPF_W, dst, src, off, 0)
#define MOV64_REG(dst, src)    insn(BPF_ALU64 | BPF_MOV | BPF_X, dst, src, 0, 0)
#define MOV64_IMM(dst, imm)    insn(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm)
#define AND32_IMM(dst, imm)    insn(BPF_ALU | BPF_AND | BPF_K, dst, 0, 0, imm)
#define RSH32_IMM(dst, imm)    insn(BPF_ALU | BPF_RSH | BPF_K, dst, 0, 0, imm)
#define JNE_IMM(dst, imm, off) insn(BPF_JMP | BPF_JNE | BPF_K, dst, 0, off, imm)
#define JEQ_IMM(dst, imm, off) insn(BPF_JMP | BPF_JEQ | BPF_K, dst, 0, off, imm)
#define EXIT()		       insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

struct prog {
	struct bpf_insn *v;
	size_t n;
};

static void emit(struct prog *p, struct bpf_insn i)
{
	p->v = ob_xrealloc(p->v, (p->n + 1) * sizeof(*p->v));
	p->v[p->n++] = i;
}

static int access_bits(const char *acc)
{
	int bits = 0;
	if (!acc || !*acc)
		acc = "rwm";
	for (const char *c = acc; *c; c++)
		bits |= *c == 'r'   ? BPF_DEVCG_ACC_READ
			: *c == 'w' ? BPF_DEVCG_ACC_WRITE
				    : BPF_DEVCG_ACC_MKNOD;
	return bits;
}

/* One rule: jumps that skip to the next rule when it does not match; then return.
 * Returns false when the rule matches everything (what follows would be unreachable,
 * which the verifier refuses). */
static bool emit_rule(struct prog *p, const struct ob_device_cgroup *d)
{
	/* registers: r2 type, r3 access, r4 major, r5 minor; r1 scratch */
	size_t jumps[4];
	size_t nj = 0;
	if (d->type == 'b' || d->type == 'c') {
		jumps[nj++] = p->n;
		emit(p, JNE_IMM(2, d->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR, 0));
	}
	if (d->has_major && d->major >= 0) {
		jumps[nj++] = p->n;
		emit(p, JNE_IMM(4, (int32_t)d->major, 0));
	}
	if (d->has_minor && d->minor >= 0) {
		jumps[nj++] = p->n;
		emit(p, JNE_IMM(5, (int32_t)d->minor, 0));
	}
	int bits = access_bits(d->access);
	if (bits != (BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE | BPF_DEVCG_ACC_MKNOD) || !d->allow) {
		emit(p, MOV64_REG(1, 3));
		if (d->allow) {
			/* requested access outside the rule's set: not this rule */
			emit(p, AND32_IMM(1, ~bits & 7));
			jumps[nj++] = p->n;
			emit(p, JNE_IMM(1, 0, 0));
		} else {
			/* requested access not touching the rule's set: not this rule */
			emit(p, AND32_IMM(1, bits));
			jumps[nj++] = p->n;
			emit(p, JEQ_IMM(1, 0, 0));
		}
	}
	emit(p, MOV64_IMM(0, d->allow ? 1 : 0));
	emit(p, EXIT());
	for (size_t k = 0; k < nj; k++)
		p->v[jumps[k]].off = (int16_t)(p->n - jumps[k] - 1);
	return nj > 0;
}

static int sys_bpf(int cmd, union bpf_attr *attr)
{
	return (int)syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

int cg_devices_bpf(int dirfd, const char *dir, const struct ob_device_cgroup *rules, size_t n,
		   struct ob_err *err)
{
	struct prog p = {0};
	emit(&p, LDX_W(2, 1, 0)); /* access_type */
	emit(&p, MOV64_REG(3, 2));
	emit(&p, AND32_IMM(2, 0xffff));
	emit(&p, RSH32_IMM(3, 16));
	emit(&p, LDX_W(4, 1, 4)); /* major */
	emit(&p, LDX_W(5, 1, 8)); /* minor */
	bool more = true;
	for (size_t i = n; more && i-- > 0;)
		more = emit_rule(&p, &rules[i]);
	if (more) {
		emit(&p, MOV64_IMM(0, 1));
		emit(&p, EXIT());
	}

	union bpf_attr attr;
	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	attr.insns = (uint64_t)(uintptr_t)p.v;
	attr.insn_cnt = (uint32_t)p.n;
	attr.license = (uint64_t)(uintptr_t) "Apache";
	_cleanup_close_ int prog = sys_bpf(BPF_PROG_LOAD, &attr);
	int saved = errno;
	if (prog < 0 && ob_log_debug_enabled()) {
		/* again with the verifier's log (a log too small for it fails with ENOSPC) */
		_cleanup_free_ char *log = ob_xcalloc(1, 65536);
		attr.log_buf = (uint64_t)(uintptr_t)log;
		attr.log_size = 65536;
		attr.log_level = 1;
		if (sys_bpf(BPF_PROG_LOAD, &attr) < 0)
			ob_log_debug("bpf verifier: %s", log);
	}
	free(p.v);
	if (prog < 0)
		return ob_error(err, saved,
				"linux.resources.devices: load the device program "
				"(bpf BPF_PROG_LOAD)");

	/* The programs attached before (an update replaces them, after the new one is in). */
	uint32_t ids[64];
	memset(&attr, 0, sizeof(attr));
	attr.query.target_fd = (uint32_t)dirfd;
	attr.query.attach_type = BPF_CGROUP_DEVICE;
	attr.query.prog_ids = (uint64_t)(uintptr_t)ids;
	attr.query.prog_cnt = ARRAY_SIZE(ids);
	uint32_t old = 0;
	if (sys_bpf(BPF_PROG_QUERY, &attr) == 0)
		old = attr.query.prog_cnt;

	memset(&attr, 0, sizeof(attr));
	attr.target_fd = (uint32_t)dirfd;
	attr.attach_bpf_fd = (uint32_t)prog;
	attr.attach_type = BPF_CGROUP_DEVICE;
	attr.attach_flags = BPF_F_ALLOW_MULTI;
	if (sys_bpf(BPF_PROG_ATTACH, &attr) < 0)
		return ob_error(err, errno,
				"linux.resources.devices: attach the device program to %s "
				"(bpf BPF_PROG_ATTACH)",
				dir);
	for (uint32_t i = 0; i < old && i < ARRAY_SIZE(ids); i++) {
		memset(&attr, 0, sizeof(attr));
		attr.prog_id = ids[i];
		_cleanup_close_ int ofd = sys_bpf(BPF_PROG_GET_FD_BY_ID, &attr);
		if (ofd < 0)
			continue;
		memset(&attr, 0, sizeof(attr));
		attr.target_fd = (uint32_t)dirfd;
		attr.attach_bpf_fd = (uint32_t)ofd;
		attr.attach_type = BPF_CGROUP_DEVICE;
		if (sys_bpf(BPF_PROG_DETACH, &attr) < 0)
			ob_log_debug("cgroup: detach old device program %u: %s", ids[i],
				     strerror(errno));
	}
	return 0;
}
