/* log.h - logging: text or json lines, to stderr or --log FILE.
 *
 * json lines are what runc writes and what engines read back:
 *   {"level":"error","msg":"...","time":"2026-11-25T20:33:00Z"}
 * Core code logs at debug level only; applets report errors once with ob_log_error().
 */
#ifndef OB_LOG_H
#define OB_LOG_H

#include <stdbool.h>

enum ob_log_level { OB_LOG_DEBUG, OB_LOG_INFO, OB_LOG_WARN, OB_LOG_ERROR };
enum ob_log_format { OB_LOG_TEXT, OB_LOG_JSON };

/* Where to log; path NULL keeps stderr. Returns -errno when the file cannot be opened. */
int ob_log_init(const char *path, enum ob_log_format format, bool debug);
void ob_log_set_prefix(const char *applet);
void ob_log(enum ob_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define ob_log_debug(...) ob_log(OB_LOG_DEBUG, __VA_ARGS__)
#define ob_log_info(...)  ob_log(OB_LOG_INFO, __VA_ARGS__)
#define ob_log_warn(...)  ob_log(OB_LOG_WARN, __VA_ARGS__)
#define ob_log_error(...) ob_log(OB_LOG_ERROR, __VA_ARGS__)
bool ob_log_debug_enabled(void);
/* The log file's fd (or -1), so a clone child can keep it until exec. */
int ob_log_fd(void);

#endif
