/* spec_int.h - shared between the core/spec*.c files only (the JSON boundary). */
#ifndef OB_SPEC_INT_H
#define OB_SPEC_INT_H

#include <jansson.h>
#include <stdbool.h>

#include "err.h"

/* Parse JSON text (uint64 literals above INT64_MAX survive as marker strings). On error
 * err->msg is "name:line:col: text". */
json_t *ob_spec_json_load(const char *text, size_t len, const char *name, struct ob_err *err);
bool ob_spec_is_big_uint(const json_t *v);
char *ob_spec_mark_big_ints(const char *text, size_t len, size_t *ret_len);
/* Check a parsed document. ret_problems NULL: stop at the first problem (in err); else
 * collect them all. Returns the number of problems. */
int ob_spec_check_json(const json_t *root, const char *name, char ***ret_problems,
		       struct ob_err *err);

/* The vocabulary spec.c parses, for oci-features (core/spec_features.c): the i-th mount
 * option ob_mount_parse_options() acts on (NULL past the end), and the memory policy
 * modes and flags (NULL-terminated). */
const char *ob_spec_mount_option(size_t i);
extern const char *const ob_spec_mpol_modes[];
extern const char *const ob_spec_mpol_flags[];

#endif
