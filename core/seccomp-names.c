/* seccomp-names.c - the one seccomp vocabulary, apart from the filter builder
 * (seccomp.c) so that the spec parser and oci-features link it alone. */
#include <linux/seccomp.h>
#include <seccomp.h>

#include "seccomp.h"
#include "util.h"

/* The one seccomp vocabulary: the names config.json may use (runtime-spec
 * defs-linux.json), NULL-terminated, for the spec parser, oci-features and the values
 * below, which follow the same order. */
const char *const ob_seccomp_actions[] = {"SCMP_ACT_KILL",	  "SCMP_ACT_KILL_PROCESS",
					  "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP",
					  "SCMP_ACT_ERRNO",	  "SCMP_ACT_TRACE",
					  "SCMP_ACT_ALLOW",	  "SCMP_ACT_LOG",
					  "SCMP_ACT_NOTIFY",	  NULL};
const struct ob_seccomp_action ob_seccomp_action_values[] = {
    {SCMP_ACT_KILL, false},  {SCMP_ACT_KILL_PROCESS, false}, {SCMP_ACT_KILL_THREAD, false},
    {SCMP_ACT_TRAP, false},  {SCMP_ACT_ERRNO(0), true},	     {SCMP_ACT_TRACE(0), true},
    {SCMP_ACT_ALLOW, false}, {SCMP_ACT_LOG, false},	     {SCMP_ACT_NOTIFY, false},
};
_Static_assert(ARRAY_SIZE(ob_seccomp_actions) == ARRAY_SIZE(ob_seccomp_action_values) + 1,
	       "one entry each");

const char *const ob_seccomp_operators[] = {"SCMP_CMP_NE",	  "SCMP_CMP_LT", "SCMP_CMP_LE",
					    "SCMP_CMP_EQ",	  "SCMP_CMP_GE", "SCMP_CMP_GT",
					    "SCMP_CMP_MASKED_EQ", NULL};
const int ob_seccomp_operator_values[] = {SCMP_CMP_NE, SCMP_CMP_LT, SCMP_CMP_LE,       SCMP_CMP_EQ,
					  SCMP_CMP_GE, SCMP_CMP_GT, SCMP_CMP_MASKED_EQ};
_Static_assert(ARRAY_SIZE(ob_seccomp_operators) == ARRAY_SIZE(ob_seccomp_operator_values) + 1,
	       "one entry each");

const char *const ob_seccomp_flags[] = {"SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
					"SECCOMP_FILTER_FLAG_SPEC_ALLOW",
					"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", NULL};
const unsigned int ob_seccomp_flag_values[] = {SECCOMP_FILTER_FLAG_TSYNC, SECCOMP_FILTER_FLAG_LOG,
					       SECCOMP_FILTER_FLAG_SPEC_ALLOW,
					       SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV};
_Static_assert(ARRAY_SIZE(ob_seccomp_flags) == ARRAY_SIZE(ob_seccomp_flag_values) + 1,
	       "one entry each");

/* runtime-spec's SeccompArch vocabulary; libseccomp decides which it knows
 * (seccomp_arch_resolve_name). */
const char *const ob_seccomp_arches[] = {
    "SCMP_ARCH_X86",	     "SCMP_ARCH_X86_64",      "SCMP_ARCH_X32",	   "SCMP_ARCH_ARM",
    "SCMP_ARCH_AARCH64",     "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K",	   "SCMP_ARCH_MIPS",
    "SCMP_ARCH_MIPS64",	     "SCMP_ARCH_MIPS64N32",   "SCMP_ARCH_MIPSEL",  "SCMP_ARCH_MIPSEL64",
    "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",	      "SCMP_ARCH_PPC64",   "SCMP_ARCH_PPC64LE",
    "SCMP_ARCH_S390",	     "SCMP_ARCH_S390X",	      "SCMP_ARCH_SH",	   "SCMP_ARCH_SHEB",
    "SCMP_ARCH_PARISC",	     "SCMP_ARCH_PARISC64",    "SCMP_ARCH_RISCV64", NULL};
_Static_assert(ARRAY_SIZE(ob_seccomp_action_values) == OB_SECCOMP_N_ACTIONS, "seccomp.h");
_Static_assert(ARRAY_SIZE(ob_seccomp_operator_values) == OB_SECCOMP_N_OPERATORS, "seccomp.h");
_Static_assert(ARRAY_SIZE(ob_seccomp_flag_values) == OB_SECCOMP_N_FLAGS, "seccomp.h");
