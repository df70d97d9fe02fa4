/* sysno - make one raw system call and print what the kernel (or seccomp) answered.
 *
 *   sysno NR [ARG...]   syscall(NR, ARG...): prints the return value, or -ERRNO
 *   sysno i386 NR       the same through int $0x80 (the i386 table, AUDIT_ARCH_I386)
 *   sysno thread        pthread_create + join (glibc tries clone3, then clone on ENOSYS):
 *                       prints "thread ok" or "thread: STRERROR"
 *
 * Linked statically: the tests copy it into a busybox rootfs. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void *thread_main(void *arg)
{
	return arg;
}

int main(int argc, char **argv)
{
	long a[6] = {0};

	if (argc < 2) {
		fprintf(stderr, "usage: sysno NR [ARG...] | sysno thread\n");
		return 2;
	}
	if (strcmp(argv[1], "thread") == 0) {
		pthread_t t;
		int r = pthread_create(&t, NULL, thread_main, NULL);
		if (r != 0) {
			printf("thread: %s\n", strerror(r));
			return 1;
		}
		pthread_join(t, NULL);
		printf("thread ok\n");
		return 0;
	}
#ifdef __x86_64__
	if (strcmp(argv[1], "i386") == 0 && argc > 2) {
		long r = strtol(argv[2], NULL, 0);
		__asm__ volatile("int $0x80" : "+a"(r) : "b"(0), "c"(0), "d"(0) : "memory");
		printf("%ld\n", r);
		return 0;
	}
#endif
	for (int i = 2; i < argc && i < 8; i++)
		a[i - 2] = strtol(argv[i], NULL, 0);
	long r = syscall(strtol(argv[1], NULL, 0), a[0], a[1], a[2], a[3], a[4], a[5]);
	printf("%ld\n", r < 0 ? -(long)errno : r);
	return 0;
}
