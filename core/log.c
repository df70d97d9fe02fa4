/* log.c - text or json log lines to stderr or a file, as runc writes them. */
#include "log.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

static int log_fd = -1; /* -1: stderr */
static enum ob_log_format log_format = OB_LOG_TEXT;
static bool log_debug;
static const char *log_prefix = "ocibox";

int ob_log_init(const char *path, enum ob_log_format format, bool debug)
{
	log_format = format;
	log_debug = debug;
	if (path && *path) {
		int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
		if (fd < 0)
			return -errno;
		if (log_fd >= 0)
			close(log_fd);
		log_fd = fd;
	}
	return 0;
}

void ob_log_set_prefix(const char *applet)
{
	log_prefix = applet;
}
bool ob_log_debug_enabled(void)
{
	return log_debug;
}
int ob_log_fd(void)
{
	return log_fd;
}

static const char *level_name[] = {"debug", "info", "warning", "error"};

/* JSON string escaping for the msg field (RFC 8259 section 7). */
static size_t json_escape(char *out, size_t cap, const char *in)
{
	size_t o = 0;
	for (const unsigned char *p = (const unsigned char *)in; *p && o + 7 < cap; p++) {
		switch (*p) {
		case '"':
			out[o++] = '\\';
			out[o++] = '"';
			break;
		case '\\':
			out[o++] = '\\';
			out[o++] = '\\';
			break;
		case '\n':
			out[o++] = '\\';
			out[o++] = 'n';
			break;
		case '\t':
			out[o++] = '\\';
			out[o++] = 't';
			break;
		case '\r':
			out[o++] = '\\';
			out[o++] = 'r';
			break;
		default:
			if (*p < 0x20)
				o += (size_t)snprintf(out + o, cap - o, "\\u%04x", *p);
			else
				out[o++] = (char)*p;
		}
	}
	out[o] = '\0';
	return o;
}

void ob_log(enum ob_log_level level, const char *fmt, ...)
{
	if (level == OB_LOG_DEBUG && !log_debug)
		return;
	int saved = errno;
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);

	char line[2560];
	int fd = log_fd >= 0 ? log_fd : STDERR_FILENO;
	if (log_format == OB_LOG_JSON) {
		char esc[2200], ts[64];
		json_escape(esc, sizeof(esc), msg);
		/* whole seconds, as runc's lines; not strftime (tzset reads /etc/localtime) */
		ob_format_time(ts, sizeof(ts), NULL);
		char *frac = strchr(ts, '.');
		if (frac)
			strcpy(frac, "Z");
		int n = snprintf(line, sizeof(line),
				 "{\"level\":\"%s\",\"msg\":\"%s\",\"time\":\"%s\"}\n",
				 level_name[level], esc, ts);
		ob_write_all(fd, line, n < (int)sizeof(line) ? (size_t)n : sizeof(line) - 1);
	} else {
		int n;
		if (level == OB_LOG_ERROR)
			n = snprintf(line, sizeof(line), "%s: %s\n", log_prefix, msg);
		else
			n = snprintf(line, sizeof(line), "%s: %s: %s\n", log_prefix,
				     level_name[level], msg);
		ob_write_all(fd, line, n < (int)sizeof(line) ? (size_t)n : sizeof(line) - 1);
	}
	/* An error written to a log file is also shown to the user, as runc does. */
	if (level == OB_LOG_ERROR && log_fd >= 0) {
		int n = snprintf(line, sizeof(line), "%s: %s\n", log_prefix, msg);
		ob_write_all(STDERR_FILENO, line,
			     n < (int)sizeof(line) ? (size_t)n : sizeof(line) - 1);
	}
	errno = saved;
}
