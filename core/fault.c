/* fault.c - the test hook of fault.h: stop at a named step and wait to be killed. */
#include "fault.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void ob_fault_point(const char *step)
{
	const char *f = getenv("OCIBOX_FAULT");
	if (!f)
		return;
	const char *colon = strchr(f, ':');
	size_t n = strlen(step);
	if (!colon || (size_t)(colon - f) != n || strncmp(f, step, n) != 0)
		return;
	int fd = open(colon + 1, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	char buf[128];
	int len = snprintf(buf, sizeof(buf), "%d %s\n", (int)getpid(), step);
	if (write(fd, buf, (size_t)len) < 0) {
		/* the test went away: nothing to wait for */
	}
	close(fd);
	for (;;)
		pause();
}
