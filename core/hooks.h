/* hooks.h - run OCI hooks (config.md "POSIX-platform Hooks"). */
#ifndef OB_HOOKS_H
#define OB_HOOKS_H

#include <stddef.h>

#include "err.h"
#include "spec.h"

/* Run hooks[0..n) in order, each with state_json on stdin, its args (args[0] default: the
 * path) and env, killed (SIGKILL) after its timeout. Stops at the first failure:
 * "createRuntime hook `/x`: exited with status 3" / "...: timed out after 2s".
 * kind is the spec name used in messages ("prestart", "createRuntime", ...). */
int ob_hooks_run(const struct ob_hook *hooks, size_t n, const char *kind, const char *state_json,
		 struct ob_err *err);

#endif
