/* caps.h - the five capability sets of a spec process (libcap). */
#ifndef OB_CAPS_H
#define OB_CAPS_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "spec.h"

struct ob_caps {
	/* bit masks over capability numbers (CAP_LAST_CAP < 64) */
	uint64_t bounding, effective, inheritable, permitted, ambient;
};

/* Names ("CAP_CHOWN") -> masks. Unknown names: "unknown capability `CAP_X`". */
int ob_caps_parse(const struct ob_capabilities *c, struct ob_caps *ret, struct ob_err *err);
/* Before the uid switch: drop from the bounding set what is not in it. */
int ob_caps_drop_bounding(const struct ob_caps *c, struct ob_err *err);
/* After the uid switch (with PR_SET_KEEPCAPS): set effective/permitted/inheritable and
 * raise the ambient set. */
int ob_caps_apply(const struct ob_caps *c, struct ob_err *err);
/* Effective set = permitted & mask (permitted and inheritable kept): what the process may
 * use between the uid switch and ob_caps_apply. */
int ob_caps_effective_only(uint64_t mask, struct ob_err *err);

#endif
