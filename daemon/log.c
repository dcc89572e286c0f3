/* log.c - structured, one-line-per-event logging to stderr for journald. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static enum log_level max_level = LOG_LVL_INFO;
static int timestamps = 1;

static const char *level_names[] = {"error", "warn", "info", "debug"};

void log_set_level(enum log_level level) { max_level = level; }

void log_set_timestamps(int on) { timestamps = on; }

int log_level_parse(const char *name)
{
	for (size_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++)
		if (strcasecmp(name, level_names[i]) == 0)
			return (int)i;
	return -1;
}

/* Quote MSG for a logfmt value: backslash-escape quotes, backslashes and
 * control characters so one event always stays on one line. */
static void put_quoted(char *dst, size_t cap, const char *msg)
{
	size_t n = 0;
	if (cap < 3)
		return;
	dst[n++] = '"';
	for (const unsigned char *p = (const unsigned char *)msg; *p && n + 5 < cap; p++) {
		if (*p == '"' || *p == '\\') {
			dst[n++] = '\\';
			dst[n++] = (char)*p;
		} else if (*p == '\n') {
			dst[n++] = '\\';
			dst[n++] = 'n';
		} else if (*p < 0x20) {
			dst[n++] = ' ';
		} else {
			dst[n++] = (char)*p;
		}
	}
	dst[n++] = '"';
	dst[n] = '\0';
}

void log_event(enum log_level level, const char *msg, const char *fields, ...)
{
	if (level > max_level)
		return;
	char quoted[1024], extra[2048] = "", ts[40] = "";
	put_quoted(quoted, sizeof(quoted), msg);
	if (fields[1] != '\0') {
		va_list ap;
		va_start(ap, fields);
		vsnprintf(extra, sizeof(extra), fields, ap);
		va_end(ap);
		for (char *p = extra; *p; p++)
			if (*p == '\n' || *p == '\r')
				*p = ' ';
	}
	if (timestamps) {
		struct timespec now;
		struct tm tm;
		clock_gettime(CLOCK_REALTIME, &now);
		gmtime_r(&now.tv_sec, &tm);
		strftime(ts, sizeof(ts), "time=%Y-%m-%dT%H:%M:%SZ ", &tm);
	}
	fprintf(stderr, "%slevel=%s msg=%s%s\n", ts, level_names[level], quoted, extra);
}
