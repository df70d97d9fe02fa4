/* spec_features.h - the runtime-spec features document (features.md, features-linux.md):
 * what this build of ocibox recognises, and what this host supports, as `runc features`
 * prints it.
 */
#ifndef OB_SPEC_FEATURES_H
#define OB_SPEC_FEATURES_H

#include "err.h"

/* The features JSON (4-space indent, as runc prints it, newline-terminated) in *ret_json,
 * malloc'd. Lists come from the tables the parser and the libraries use: mount options
 * from core/spec/parse.c, capabilities from libcap, seccomp architectures from libseccomp. */
int ob_spec_features(char **ret_json, struct ob_err *err);

#endif
