/* spec_edit.h - an editable config.json document (oci-spec): the default spec, edits,
 * checking and pretty output. The JSON itself stays inside core/spec*.c.
 *
 * Edit functions take the value as the user wrote it ("SRC:DST:ro") and fill err with a
 * message about the value ("`x`: expected SRC:DST[:ro]"); the caller adds the option name.
 */
#ifndef OB_SPEC_EDIT_H
#define OB_SPEC_EDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

struct ob_spec_doc;

/* What `runc spec` writes (hostname "ocibox", ociVersion 1.3.0, plus the cgroup namespace
 * runc 1.2 adds); rootless: what `runc spec --rootless` writes, mapping the caller's
 * euid/egid to 0. */
struct ob_spec_doc *ob_spec_doc_default(bool rootless);
/* Parse JSON text (no validation beyond "a JSON object"): "name:line:col: ..." errors. */
int ob_spec_doc_parse(const char *text, size_t len, const char *name, struct ob_spec_doc **ret,
		      struct ob_err *err);
void ob_spec_doc_free(struct ob_spec_doc *d);
/* Pretty JSON (4-space indent, keys in document order, trailing newline). */
char *ob_spec_doc_dump(const struct ob_spec_doc *d);
/* Check the document with the parser's rules; first problem in err ("name: path: ..."). */
int ob_spec_doc_check(const struct ob_spec_doc *d, const char *name, struct ob_err *err);

/* Edits. */
int ob_spec_doc_set_args(struct ob_spec_doc *d, char *const *argv, struct ob_err *err);
/* "a b c" (split on blanks) or a JSON array of strings '["a", "b c"]'. */
int ob_spec_doc_set_args_string(struct ob_spec_doc *d, const char *s, struct ob_err *err);
int ob_spec_doc_set_env(struct ob_spec_doc *d, const char *kv, struct ob_err *err);
int ob_spec_doc_set_cwd(struct ob_spec_doc *d, const char *cwd, struct ob_err *err);
int ob_spec_doc_set_hostname(struct ob_spec_doc *d, const char *name, struct ob_err *err);
int ob_spec_doc_set_terminal(struct ob_spec_doc *d, bool on, struct ob_err *err);
int ob_spec_doc_set_rootfs(struct ob_spec_doc *d, const char *path, struct ob_err *err);
int ob_spec_doc_set_readonly(struct ob_spec_doc *d, bool on, struct ob_err *err);
int ob_spec_doc_add_bind(struct ob_spec_doc *d, const char *spec, struct ob_err *err);
int ob_spec_doc_add_tmpfs(struct ob_spec_doc *d, const char *spec, struct ob_err *err);
/* "TYPE:SRC:DST[:OPT,OPT...]" (replaces a mount at DST) */
int ob_spec_doc_add_mount(struct ob_spec_doc *d, const char *spec, struct ob_err *err);
/* Remove every mount at DST (none there is fine). */
int ob_spec_doc_remove_mount(struct ob_spec_doc *d, const char *dst, struct ob_err *err);
int ob_spec_doc_set_ns(struct ob_spec_doc *d, const char *spec, struct ob_err *err);
int ob_spec_doc_remove_ns(struct ob_spec_doc *d, const char *type, struct ob_err *err);
/* "C:H:N"; replace drops the existing mappings first. Adds a user namespace if absent. */
int ob_spec_doc_add_idmap(struct ob_spec_doc *d, bool gid, const char *spec, bool replace,
			  struct ob_err *err);
int ob_spec_doc_set_memory(struct ob_spec_doc *d, const char *size, struct ob_err *err);
int ob_spec_doc_set_pids_limit(struct ob_spec_doc *d, const char *n, struct ob_err *err);
int ob_spec_doc_set_cpus(struct ob_spec_doc *d, const char *cpus, struct ob_err *err);
/* "NET_ADMIN", "CAP_NET_ADMIN", "net_admin" or "ALL". */
int ob_spec_doc_cap(struct ob_spec_doc *d, const char *name, bool add, struct ob_err *err);
int ob_spec_doc_set_annotation(struct ob_spec_doc *d, const char *kv, struct ob_err *err);
/* linux.seccomp = the JSON object in text (a file's content; name for "name:line:col"). */
int ob_spec_doc_set_seccomp(struct ob_spec_doc *d, const char *text, size_t len, const char *name,
			    struct ob_err *err);
/* "STAGE:PATH[:ARG...]" */
int ob_spec_doc_add_hook(struct ob_spec_doc *d, const char *spec, struct ob_err *err);

#endif
