/* internal.h - shared between the core/spec/ files only (the JSON boundary). */
#ifndef OB_SPEC_INT_H
#define OB_SPEC_INT_H

#include <jansson.h>
#include <stdbool.h>

#include "../err.h"
#include "../spec.h"

/* Parse JSON text (uint64 literals above INT64_MAX survive as marker strings). On error
 * err->msg is "name:line:col: text". */
json_t *ob_spec_json_load(const char *text, size_t len, const char *name, struct ob_err *err);
bool ob_spec_is_big_uint(const json_t *v);
char *ob_spec_mark_big_ints(const char *text, size_t len, size_t *ret_len);
/* Check a parsed document. ret_problems NULL: stop at the first problem (in err); else
 * collect them all. Returns the number of problems. */
int ob_spec_check_json(const json_t *root, const char *name, char ***ret_problems,
		       struct ob_err *err);

/* The vocabulary parse.c parses, for oci-features (core/spec/features.c): the i-th mount
 * option ob_mount_parse_options() acts on (NULL past the end), and the memory policy
 * modes and flags (NULL-terminated). */
const char *ob_spec_mount_option(size_t i);
extern const char *const ob_spec_mpol_modes[];
extern const char *const ob_spec_mpol_flags[];

/* ---- the walker (json.c) ----
 * Short names on purpose: they are the vocabulary of the mapping in parse.c. Each getter
 * returns 1 when the value was there and good, 0 when absent (or null), -EINVAL when bad
 * (reported through bad(): into c->err, and into c->problems in collect mode). */
#define P 384 /* JSON path buffer */

struct pc {
	const char *name;
	struct ob_err *err;
	bool collect;
	char **problems;
	int n_problems;
};

/* Report a problem at path ("" for the document): "name: path: text". */
__attribute__((format(printf, 3, 4))) int bad(struct pc *c, const char *path, const char *fmt, ...);

/* check.c: the rules across fields (ob_spec_check) into c; -EINVAL when one failed. */
int ob_spec_check_rules(struct pc *c, const struct ob_spec *s, ob_spec_private_ns_fn private_ns,
			void *ctx);

typedef int (*elem_fn)(struct pc *c, const json_t *e, const char *path, size_t i, void *ctx);

const char *jp(char *buf, const char *parent, const char *key);
const char *ji(char *buf, const char *parent, size_t i);
const char *jk(char *buf, const char *parent, const char *key);
const char *type_name(const json_t *v);
int bad_type(struct pc *c, const char *path, const char *want, const json_t *v);
bool ob_spec_is_big_uint(const json_t *v);
json_t *get(const json_t *o, const char *key);
int missing(struct pc *c, const char *parent, const char *key);
int get_obj(struct pc *c, const json_t *o, const char *key, const char *parent, json_t **ret);
int get_arr(struct pc *c, const json_t *o, const char *key, const char *parent, json_t **ret);
int get_str(struct pc *c, const json_t *o, const char *key, const char *parent, char **ret);
int get_str_req(struct pc *c, const json_t *o, const char *key, const char *parent, char **ret);
int get_bool(struct pc *c, const json_t *o, const char *key, const char *parent, bool *ret);
int int_value(struct pc *c, const json_t *v, const char *path, int64_t min, int64_t max,
	      int64_t *ret);
int uint64_value(struct pc *c, const json_t *v, const char *path, uint64_t *ret);
int get_int(struct pc *c, const json_t *o, const char *key, const char *parent, int64_t min,
	    int64_t max, int64_t *ret);
int get_i64(struct pc *c, const json_t *o, const char *key, const char *parent, int64_t *ret);
int get_u64(struct pc *c, const json_t *o, const char *key, const char *parent, uint64_t *ret);
int get_u32(struct pc *c, const json_t *o, const char *key, const char *parent, uint32_t *ret);
int get_u32_req(struct pc *c, const json_t *o, const char *key, const char *parent, uint32_t *ret);
int get_i32(struct pc *c, const json_t *o, const char *key, const char *parent, int32_t *ret);
int get_u16(struct pc *c, const json_t *o, const char *key, const char *parent, uint16_t *ret);
int get_strv(struct pc *c, const json_t *o, const char *key, const char *parent, char ***ret);
int get_map(struct pc *c, const json_t *o, const char *key, const char *parent, struct ob_kv **ret,
	    size_t *ret_n);
int check_enum(struct pc *c, const char *path, const char *what, const char *val,
	       const char *const *allowed);
int get_enum(struct pc *c, const json_t *o, const char *key, const char *parent, const char *what,
	     const char *const *allowed, char **ret, int *ret_idx);
int check_enum_strv(struct pc *c, const char *path, const char *what, char **v,
		    const char *const *allowed);
int each_obj(struct pc *c, const json_t *a, const char *path, elem_fn fn, void *ctx);

#endif
