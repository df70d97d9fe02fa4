/* seccomp-enosys NR CMD [ARG...] - run CMD with syscall number NR failing with ENOSYS, as
 * on a kernel that predates it (close_range before 5.9): a raw BPF filter under
 * no_new_privs, inherited by CMD and its children. A test tool, not part of ocibox. */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: seccomp-enosys NR CMD [ARG...]\n");
		return 2;
	}
	unsigned int nr = (unsigned int)strtoul(argv[1], NULL, 0);
	struct sock_filter f[] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, nr, 0, 1),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {.len = sizeof(f) / sizeof(f[0]), .filter = f};
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0) {
		perror("seccomp-enosys: load filter");
		return 1;
	}
	/* the filter does what it says: close_range(~0U, ~0U) would close nothing anyway */
	if (syscall(nr, ~0U, ~0U, 0) != -1 || errno != ENOSYS) {
		fprintf(stderr, "seccomp-enosys: syscall %u does not fail with ENOSYS\n", nr);
		return 1;
	}
	execvp(argv[2], argv + 2);
	perror("seccomp-enosys: exec");
	return 127;
}
