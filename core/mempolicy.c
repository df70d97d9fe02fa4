/* mempolicy.c - linux.memoryPolicy -> set_mempolicy(2). */
#include "mempolicy.h"

#include <linux/mempolicy.h>
#include <sys/syscall.h>

#include "util.h"

#ifndef MPOL_WEIGHTED_INTERLEAVE
#define MPOL_WEIGHTED_INTERLEAVE 6
#endif

/* Node masks up to 1024 nodes: the kernel's MAX_NUMNODES on common configurations. */
#define MAX_NODES     1024
#define BITS_PER_WORD (8 * sizeof(unsigned long))

static const struct {
	const char *name;
	int mode;
} modes[] = {
    {"MPOL_DEFAULT", MPOL_DEFAULT},
    {"MPOL_PREFERRED", MPOL_PREFERRED},
    {"MPOL_BIND", MPOL_BIND},
    {"MPOL_INTERLEAVE", MPOL_INTERLEAVE},
    {"MPOL_LOCAL", MPOL_LOCAL},
    {"MPOL_PREFERRED_MANY", MPOL_PREFERRED_MANY},
    {"MPOL_WEIGHTED_INTERLEAVE", MPOL_WEIGHTED_INTERLEAVE},
};

static const struct {
	const char *name;
	unsigned flag;
} flags[] = {
    {"MPOL_F_NUMA_BALANCING", MPOL_F_NUMA_BALANCING},
    {"MPOL_F_RELATIVE_NODES", MPOL_F_RELATIVE_NODES},
    {"MPOL_F_STATIC_NODES", MPOL_F_STATIC_NODES},
};

int ob_mempolicy_apply(const struct ob_memory_policy *mp, struct ob_err *err)
{
	if (!mp || !mp->present)
		return 0;
	int mode = -1;
	for (size_t i = 0; i < ARRAY_SIZE(modes); i++)
		if (mp->mode && streq(mp->mode, modes[i].name))
			mode = modes[i].mode;
	if (mode < 0)
		return ob_error_msg(err, EINVAL, "linux.memoryPolicy.mode: unknown mode `%s`",
				    mp->mode ? mp->mode : "");
	for (char **f = mp->flags; f && *f; f++) {
		size_t i;
		for (i = 0; i < ARRAY_SIZE(flags); i++)
			if (streq(*f, flags[i].name))
				break;
		if (i == ARRAY_SIZE(flags))
			return ob_error_msg(err, EINVAL,
					    "linux.memoryPolicy.flags: unknown flag `%s`", *f);
		mode |= (int)flags[i].flag;
	}
	unsigned long mask[MAX_NODES / BITS_PER_WORD] = {0};
	unsigned long maxnode = 0;
	if (mp->nodes && *mp->nodes) {
		int top = ob_parse_bit_list(mp->nodes, mask, MAX_NODES);
		if (top < 0)
			return ob_error_msg(
			    err, EINVAL,
			    "linux.memoryPolicy.nodes: `%s` is not a node list (like 0-3,7)",
			    mp->nodes);
		/* maxnode counts bits; the kernel ignores the last one (set_mempolicy(2) BUGS). */
		maxnode = (unsigned long)top + 1;
	}
	if (syscall(SYS_set_mempolicy, mode, maxnode ? mask : NULL, maxnode) < 0)
		return ob_error(err, errno, "linux.memoryPolicy: set_mempolicy %s nodes `%s`",
				mp->mode, mp->nodes ? mp->nodes : "");
	return 0;
}
