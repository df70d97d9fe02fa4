/* flags.c - runc update's resource flags (--memory 64M, --cpu-quota N, ...) onto the
 * linux.resources fields of core/spec.h, as one table, for oci-update; a resources file. */
#include <unistd.h>

#include "../spec.h"
#include "../util.h"

enum kind { K_SIZE, K_INT, K_UINT, K_LIST, K_BLKIO };

static const struct {
	const char *name;
	enum kind kind;
	size_t has, value; /* offsets in struct ob_resources of the flag and the value */
	size_t section;	   /* offset of has_memory / has_cpu / has_pids / has_blkio */
} flags[] = {
#define F(n, k, sec, h, v)                                                                         \
	{                                                                                          \
		n, k, offsetof(struct ob_resources, h), offsetof(struct ob_resources, v),          \
		    offsetof(struct ob_resources, sec)                                             \
	}
    F("memory", K_SIZE, has_memory, memory.has_limit, memory.limit),
    F("memory-reservation", K_SIZE, has_memory, memory.has_reservation, memory.reservation),
    F("memory-swap", K_SIZE, has_memory, memory.has_swap, memory.swap),
    F("pids-limit", K_INT, has_pids, has_pids_limit, pids_limit),
    F("cpu-quota", K_INT, has_cpu, cpu.has_quota, cpu.quota),
    F("cpu-period", K_UINT, has_cpu, cpu.has_period, cpu.period),
    F("cpu-shares", K_UINT, has_cpu, cpu.has_shares, cpu.shares),
    F("cpu-rt-period", K_UINT, has_cpu, cpu.has_realtime_period, cpu.realtime_period),
    F("cpu-rt-runtime", K_INT, has_cpu, cpu.has_realtime_runtime, cpu.realtime_runtime),
    F("cpuset-cpus", K_LIST, has_cpu, has_cpu, cpu.cpus),
    F("cpuset-mems", K_LIST, has_cpu, has_cpu, cpu.mems),
    F("blkio-weight", K_BLKIO, has_blkio, blkio.has_weight, blkio.weight),
#undef F
};

const char *ob_resources_flag_name(size_t i)
{
	return i < ARRAY_SIZE(flags) ? flags[i].name : NULL;
}

int ob_resources_set_flag(struct ob_resources *res, const char *name, const char *value,
			  struct ob_err *err)
{
	size_t i;
	for (i = 0; i < ARRAY_SIZE(flags) && !streq(flags[i].name, name); i++)
		;
	if (i == ARRAY_SIZE(flags))
		return ob_error_msg(err, EINVAL, "--%s: unknown resource flag", name);
	char *base = (char *)res;
	enum kind k = flags[i].kind;
	int64_t v = 0;
	if (k == K_LIST) {
		char **s = (char **)(base + flags[i].value);
		free(*s);
		*s = ob_xstrdup(value);
	} else if ((k == K_SIZE ? ob_parse_size(value, &v) : ob_parse_int64(value, &v)) < 0 ||
		   (k == K_UINT && v < 0)) {
		return ob_error_msg(err, EINVAL, "--%s: invalid value `%s`", name, value);
	} else if (k == K_BLKIO) {
		if (v < 10 || v > 1000)
			return ob_error_msg(err, ERANGE, "--%s: `%s` is outside 10-1000", name,
					    value);
		*(uint16_t *)(base + flags[i].value) = (uint16_t)v;
	} else {
		memcpy(base + flags[i].value, &v, sizeof(v)); /* int64_t and uint64_t fields */
	}
	*(bool *)(base + flags[i].section) = true;
	*(bool *)(base + flags[i].has) = true;
	return 0;
}

int ob_spec_load_resources(const char *file, struct ob_resources *res, struct ob_err *err)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	bool in = streq(file, "-");
	int r = in ? ob_read_fd(STDIN_FILENO, &text, &len, err)
		   : ob_read_json_file(file, &text, &len, err);
	if (r < 0)
		return r;
	return ob_spec_parse_resources(text, len, in ? "<stdin>" : file, res, err);
}
