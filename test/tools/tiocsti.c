/* tiocsti [TEXT] - push TEXT (default "echo INJECTED\n") into the input queue of the
 * terminal on fd 0 with ioctl(TIOCSTI), one character at a time: what a process that
 * reaches its caller's terminal could type into the caller's shell (CVE-2017-5226 class).
 * Prints "tiocsti: ok" or "tiocsti: <error>" and exits 0 or 1. Built static: it runs in a
 * busybox rootfs. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

int main(int argc, char **argv)
{
	const char *text = argc > 1 ? argv[1] : "echo INJECTED\n";
	for (const char *c = text; *c; c++)
		if (ioctl(0, TIOCSTI, c) < 0) {
			printf("tiocsti: %s\n", strerror(errno));
			return 1;
		}
	printf("tiocsti: ok\n");
	return 0;
}
