/* mempolicy.h - linux.memoryPolicy (runtime-spec 1.3): the NUMA policy of the container. */
#ifndef OB_MEMPOLICY_H
#define OB_MEMPOLICY_H

#include "err.h"
#include "spec.h"

/* set_mempolicy(2) for the calling process (inherited by the user process across execve).
 * Pure computation plus one syscall: safe in the init after clone. */
int ob_mempolicy_apply(const struct ob_memory_policy *mp, struct ob_err *err);

#endif
