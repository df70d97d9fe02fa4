/* json.c - the JSON walker under the spec mapping (core/spec/parse.c) and the editor:
 * typed getters that report a bad value with its JSON path, big-integer markers, loading
 * with file:line:col errors. Collect mode records every problem and lets parsing go on.
 */
#include <ctype.h>
#include <inttypes.h>
#include <jansson.h>
#include <limits.h>
#include <stdarg.h>

#include "../spec.h"
#include "../util.h"
#include "internal.h"
/* jansson seeds its hash function from /dev/urandom (open, read, close) the first time an
 * object is made. The seed only guards against hash flooding by hostile JSON; ocibox reads
 * its own local files (config.json, state.json, a CNI config), written by whoever may run
 * it anyway, so a constant seed costs nothing in safety and saves the syscalls on every
 * command. A constructor, so it precedes every object of every JSON user (spec, state,
 * CNI); json_object_seed() takes the first non-zero seed only. */
__attribute__((constructor)) static void seed_json(void)
{
	json_object_seed(0x6f6369626f78UL); /* "ocibox" */
}

/* ---------------------------------------------------------------- context, paths */

__attribute__((format(printf, 3, 4))) int bad(struct pc *c, const char *path, const char *fmt, ...)
{
	char msg[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	char *full = *path ? ob_xasprintf("%s: %s: %s", c->name, path, msg)
			   : ob_xasprintf("%s: %s", c->name, msg);
	if (c->n_problems == 0 && c->err)
		ob_error_msg(c->err, EINVAL, "%s", full);
	c->n_problems++;
	if (c->collect)
		c->problems = ob_strv_push(c->problems, full);
	free(full);
	return -EINVAL;
}

const char *jp(char *buf, const char *parent, const char *key)
{
	if (*parent)
		snprintf(buf, P, "%s.%s", parent, key);
	else
		snprintf(buf, P, "%s", key);
	return buf;
}

const char *ji(char *buf, const char *parent, size_t i)
{
	snprintf(buf, P, "%s[%zu]", parent, i);
	return buf;
}

/* Map entries: annotations["org.opencontainers.x"] */
const char *jk(char *buf, const char *parent, const char *key)
{
	snprintf(buf, P, "%s[\"%s\"]", parent, key);
	return buf;
}

const char *type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "object";
	case JSON_ARRAY:
		return "array";
	case JSON_STRING:
		return ob_spec_is_big_uint(v) ? "integer out of range" : "string";
	case JSON_INTEGER:
		return "integer";
	case JSON_REAL:
		return "number with a fraction";
	case JSON_TRUE:
	case JSON_FALSE:
		return "boolean";
	case JSON_NULL:
		return "null";
	}
	return "?";
}

int bad_type(struct pc *c, const char *path, const char *want, const json_t *v)
{
	return bad(c, path, "expected %s, got %s", want, type_name(v));
}

/* ---------------------------------------------------------------- big integers
 *
 * jansson keeps integers in a long long; uint64 values above INT64_MAX (RLIM_INFINITY,
 * seccomp masks) are a decode error. When that happens the text is parsed again with such
 * literals turned into marker strings that only the uint64 getter (and the dumper of the
 * editable document) understand. Line numbers stay; only later columns of that line move.
 */
#define BIG_MARK "\x01ob-u64:"

bool ob_spec_is_big_uint(const json_t *v)
{
	return json_is_string(v) && startswith(json_string_value(v), BIG_MARK);
}

char *ob_spec_mark_big_ints(const char *text, size_t len, size_t *ret_len)
{
	size_t cap = len + 64, n = 0;
	char *out = ob_xmalloc(cap);
	bool in_str = false;
	for (size_t i = 0; i < len;) {
		char ch = text[i];
		if (in_str) {
			if (ch == '\\' && i + 1 < len) {
				out[n++] = text[i++];
			} else if (ch == '"')
				in_str = false;
		} else if (ch == '"') {
			in_str = true;
		} else if (isdigit((unsigned char)ch) &&
			   (i == 0 || !strchr("-.eE+", text[i - 1])) &&
			   !(i > 0 && isalnum((unsigned char)text[i - 1]))) {
			size_t j = i;
			while (j < len && isdigit((unsigned char)text[j]))
				j++;
			bool plain = j >= len || !strchr(".eE", text[j]);
			if (plain && j - i >= 19 && j - i <= 20) {
				char num[24];
				memcpy(num, text + i, j - i);
				num[j - i] = 0;
				errno = 0;
				unsigned long long v = strtoull(num, NULL, 10);
				if (!errno && v > (unsigned long long)INT64_MAX) {
					size_t need = n + strlen(BIG_MARK) + 32;
					if (need + (len - j) >= cap) {
						cap = need + (len - j) + 64;
						out = ob_xrealloc(out, cap);
					}
					n += sprintf(out + n, "\"\\u0001ob-u64:%s\"", num);
					i = j;
					continue;
				}
			}
			if (n + (j - i) >= cap) {
				cap = n + (j - i) + (len - j) + 64;
				out = ob_xrealloc(out, cap);
			}
			memcpy(out + n, text + i, j - i);
			n += j - i;
			i = j;
			continue;
		}
		if (n + 2 >= cap) {
			cap = cap * 2 + 16;
			out = ob_xrealloc(out, cap);
		}
		out[n++] = text[i++];
	}
	out[n] = 0;
	*ret_len = n;
	return out;
}

json_t *ob_spec_json_load(const char *text, size_t len, const char *name, struct ob_err *err)
{
	json_error_t je;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!root && strstr(je.text, "too big integer")) {
		size_t blen;
		_cleanup_free_ char *marked = ob_spec_mark_big_ints(text, len, &blen);
		json_error_t je2;
		root = json_loadb(marked, blen, JSON_REJECT_DUPLICATES, &je2);
		if (!root)
			je = je2;
	}
	if (!root) {
		ob_error_msg(err, EINVAL, "%s:%d:%d: %s", name, je.line, je.column, je.text);
		return NULL;
	}
	return root;
}

/* ---------------------------------------------------------------- getters
 *
 * Each returns 1 when the value was there and good, 0 when absent (or null), -EINVAL when
 * bad (reported). Required values: the *_req variants report absence.
 */

json_t *get(const json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return v && !json_is_null(v) ? v : NULL;
}

int missing(struct pc *c, const char *parent, const char *key)
{
	char p[P];
	return bad(c, jp(p, parent, key), "required property is missing");
}

int get_obj(struct pc *c, const json_t *o, const char *key, const char *parent, json_t **ret)
{
	char p[P];
	json_t *v = get(o, key);
	*ret = NULL;
	if (!v)
		return 0;
	if (!json_is_object(v))
		return bad_type(c, jp(p, parent, key), "object", v);
	*ret = v;
	return 1;
}

int get_arr(struct pc *c, const json_t *o, const char *key, const char *parent, json_t **ret)
{
	char p[P];
	json_t *v = get(o, key);
	*ret = NULL;
	if (!v)
		return 0;
	if (!json_is_array(v))
		return bad_type(c, jp(p, parent, key), "array", v);
	*ret = v;
	return 1;
}

int get_str(struct pc *c, const json_t *o, const char *key, const char *parent, char **ret)
{
	char p[P];
	json_t *v = get(o, key);
	if (!v)
		return 0;
	if (!json_is_string(v) || ob_spec_is_big_uint(v))
		return bad_type(c, jp(p, parent, key), "string", v);
	free(*ret);
	*ret = ob_xstrdup(json_string_value(v));
	return 1;
}

int get_str_req(struct pc *c, const json_t *o, const char *key, const char *parent, char **ret)
{
	int r = get_str(c, o, key, parent, ret);
	if (r == 0)
		return missing(c, parent, key);
	return r;
}

int get_bool(struct pc *c, const json_t *o, const char *key, const char *parent, bool *ret)
{
	char p[P];
	json_t *v = get(o, key);
	if (!v)
		return 0;
	if (!json_is_boolean(v))
		return bad_type(c, jp(p, parent, key), "boolean", v);
	*ret = json_is_true(v);
	return 1;
}

/* A signed integer in [min, max]. */
int int_value(struct pc *c, const json_t *v, const char *path, int64_t min, int64_t max,
	      int64_t *ret)
{
	if (!json_is_integer(v))
		return bad_type(c, path, "integer", v);
	json_int_t n = json_integer_value(v);
	if (n < min || n > max)
		return bad(c, path, "%lld out of range [%" PRId64 ", %" PRId64 "]", (long long)n,
			   min, max);
	*ret = n;
	return 1;
}

int uint64_value(struct pc *c, const json_t *v, const char *path, uint64_t *ret)
{
	if (ob_spec_is_big_uint(v)) {
		*ret = strtoull(json_string_value(v) + strlen(BIG_MARK), NULL, 10);
		return 1;
	}
	if (!json_is_integer(v))
		return bad_type(c, path, "integer", v);
	json_int_t n = json_integer_value(v);
	if (n < 0)
		return bad(c, path, "%lld out of range (must not be negative)", (long long)n);
	*ret = (uint64_t)n;
	return 1;
}

int get_int(struct pc *c, const json_t *o, const char *key, const char *parent, int64_t min,
	    int64_t max, int64_t *ret)
{
	char p[P];
	json_t *v = get(o, key);
	if (!v)
		return 0;
	return int_value(c, v, jp(p, parent, key), min, max, ret);
}

int get_i64(struct pc *c, const json_t *o, const char *key, const char *parent, int64_t *ret)
{
	return get_int(c, o, key, parent, INT64_MIN, INT64_MAX, ret);
}

int get_u64(struct pc *c, const json_t *o, const char *key, const char *parent, uint64_t *ret)
{
	char p[P];
	json_t *v = get(o, key);
	if (!v)
		return 0;
	return uint64_value(c, v, jp(p, parent, key), ret);
}

int get_u32(struct pc *c, const json_t *o, const char *key, const char *parent, uint32_t *ret)
{
	int64_t v;
	int r = get_int(c, o, key, parent, 0, UINT32_MAX, &v);
	if (r > 0)
		*ret = (uint32_t)v;
	return r;
}

int get_u32_req(struct pc *c, const json_t *o, const char *key, const char *parent, uint32_t *ret)
{
	int r = get_u32(c, o, key, parent, ret);
	return r == 0 ? missing(c, parent, key) : r;
}

int get_i32(struct pc *c, const json_t *o, const char *key, const char *parent, int32_t *ret)
{
	int64_t v;
	int r = get_int(c, o, key, parent, INT32_MIN, INT32_MAX, &v);
	if (r > 0)
		*ret = (int32_t)v;
	return r;
}

int get_u16(struct pc *c, const json_t *o, const char *key, const char *parent, uint16_t *ret)
{
	int64_t v;
	int r = get_int(c, o, key, parent, 0, UINT16_MAX, &v);
	if (r > 0)
		*ret = (uint16_t)v;
	return r;
}

/* Array of strings into a NULL-terminated vector (an empty array gives an empty vector). */
int get_strv(struct pc *c, const json_t *o, const char *key, const char *parent, char ***ret)
{
	char p[P], pi[P];
	json_t *a;
	int r = get_arr(c, o, key, parent, &a);
	if (r <= 0)
		return r;
	jp(p, parent, key);
	char **v = ob_xcalloc(1, sizeof(char *));
	size_t i;
	json_t *e;
	int res = 1;
	json_array_foreach(a, i, e)
	{
		if (!json_is_string(e) || ob_spec_is_big_uint(e)) {
			res = bad_type(c, ji(pi, p, i), "string", e);
			if (!c->collect)
				break;
			continue;
		}
		v = ob_strv_push(v, json_string_value(e));
	}
	ob_strv_free(*ret);
	*ret = v;
	return res;
}

/* Map of string to string (annotations, sysctl, unified). */
int get_map(struct pc *c, const json_t *o, const char *key, const char *parent, struct ob_kv **ret,
	    size_t *ret_n)
{
	char p[P], pk[P];
	json_t *m;
	int r = get_obj(c, o, key, parent, &m);
	if (r <= 0)
		return r;
	jp(p, parent, key);
	size_t n = json_object_size(m), i = 0;
	struct ob_kv *kv = ob_xcalloc(n ? n : 1, sizeof(*kv));
	const char *k;
	json_t *v;
	int res = 1;
	json_object_foreach(m, k, v)
	{
		if (!*k) {
			res = bad(c, p, "empty key");
		} else if (!json_is_string(v) || ob_spec_is_big_uint(v)) {
			res = bad_type(c, jk(pk, p, k), "string", v);
		} else {
			kv[i].key = ob_xstrdup(k);
			kv[i].value = ob_xstrdup(json_string_value(v));
			i++;
			continue;
		}
		if (!c->collect)
			break;
	}
	*ret = kv;
	*ret_n = i;
	return res;
}

int check_enum(struct pc *c, const char *path, const char *what, const char *val,
	       const char *const *allowed)
{
	for (size_t i = 0; allowed[i]; i++)
		if (streq(allowed[i], val))
			return (int)i;
	return bad(c, path, "unknown %s `%s`", what, val);
}

/* An enum string property; *ret_idx gets its index in allowed. */
int get_enum(struct pc *c, const json_t *o, const char *key, const char *parent, const char *what,
	     const char *const *allowed, char **ret, int *ret_idx)
{
	char p[P];
	int r = get_str(c, o, key, parent, ret);
	if (r <= 0)
		return r;
	int i = check_enum(c, jp(p, parent, key), what, *ret, allowed);
	if (i < 0)
		return i;
	if (ret_idx)
		*ret_idx = i;
	return 1;
}

/* Every element of a string vector must be in allowed. */
int check_enum_strv(struct pc *c, const char *path, const char *what, char **v,
		    const char *const *allowed)
{
	char pi[P];
	int res = 0;
	for (size_t i = 0; v && v[i]; i++) {
		int r = check_enum(c, ji(pi, path, i), what, v[i], allowed);
		if (r < 0) {
			res = r;
			if (!c->collect)
				return r;
		}
	}
	return res;
}

/* Iterate an array of objects: calls fn(c, elem, path_of_elem, index). */

int each_obj(struct pc *c, const json_t *a, const char *path, elem_fn fn, void *ctx)
{
	char pi[P];
	size_t i;
	json_t *e;
	int res = 0;
	json_array_foreach(a, i, e)
	{
		int r;
		if (!json_is_object(e))
			r = bad_type(c, ji(pi, path, i), "object", e);
		else
			r = fn(c, e, ji(pi, path, i), i, ctx);
		if (r < 0) {
			res = r;
			if (!c->collect)
				return r;
		}
	}
	return res;
}
