/* log.c - structured, one-line-per-event logging to stderr for journald.
 *
 * Every line is logfmt: key=value pairs separated by spaces, a value quoted
 * when it holds a space, '=', '"' or a control character, and inside quotes
 * '"', '\' and control characters backslash-escaped (\" \\ \n \r \t \u00XX),
 * as Go's logfmt and Loki's parsers read it.
 *
 * Call sites write their fields as a printf format with literal keys, e.g.
 * "source=%s error=\"%s\"". The values are what comes from outside (database
 * errors carry quotes, tabs and newlines; paths and URLs may hold spaces), so
 * log_event does not hand the whole format to vsnprintf: it walks the format,
 * copies the literal text, formats each conversion on its own and escapes the
 * result for where it stands. A conversion inside quotes of the format is
 * escaped; a bare one is quoted too when its text needs it. */
#include "log.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>
#include <time.h>

static enum log_level max_level = LOG_LVL_INFO;
static int timestamps = 1;

static const char *level_names[] = {"error", "warn", "info", "debug"};

/* The longest line written; a longer value is cut (at a character boundary)
 * and its quotes still closed. */
#define LOG_LINE_MAX 8192
/* The longest single value before escaping. */
#define LOG_VALUE_MAX 4096

void log_set_level(enum log_level level)
{
	max_level = level;
}

void log_set_timestamps(int on)
{
	timestamps = on;
}

int log_level_parse(const char *name)
{
	for (size_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++)
		if (strcasecmp(name, level_names[i]) == 0)
			return (int)i;
	return -1;
}

/* The line being built. One byte is always kept for a closing quote and
 * one for the newline. */
struct line {
	char d[LOG_LINE_MAX];
	size_t n;
	bool open_quote; /* a '"' of the format was written and not yet closed */
};

static bool room(const struct line *l, size_t k)
{
	return l->n + k + 2 <= sizeof(l->d);
}

static void put(struct line *l, const char *s, size_t k)
{
	if (!room(l, k))
		return;
	memcpy(l->d + l->n, s, k);
	l->n += k;
}

/* needs_quotes: a bare value must be quoted when empty or when it holds a
 * space, '=', '"' or any control character. */
static bool needs_quotes(const char *v)
{
	if (!*v)
		return true;
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if (*p <= ' ' || *p == '=' || *p == '"' || *p == 0x7f)
			return true;
	return false;
}

/* put_escaped: V as the inside of a quoted value. Stops, between two
 * characters, when the line is full. */
static void put_escaped(struct line *l, const char *v)
{
	for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
		char esc[8];
		size_t k;
		switch (*p) {
		case '"': k = (size_t)snprintf(esc, sizeof(esc), "\\\""); break;
		case '\\': k = (size_t)snprintf(esc, sizeof(esc), "\\\\"); break;
		case '\n': k = (size_t)snprintf(esc, sizeof(esc), "\\n"); break;
		case '\r': k = (size_t)snprintf(esc, sizeof(esc), "\\r"); break;
		case '\t': k = (size_t)snprintf(esc, sizeof(esc), "\\t"); break;
		default:
			if (*p < 0x20 || *p == 0x7f) {
				k = (size_t)snprintf(esc, sizeof(esc), "\\u%04x", *p);
			} else if (*p >= 0x80) {
				/* A multibyte character goes whole or not at all. */
				size_t len = 1;
				while (len < 4 && (p[len] & 0xc0) == 0x80)
					len++;
				if (!room(l, len))
					return;
				put(l, (const char *)p, len);
				p += len - 1;
				continue;
			} else {
				esc[0] = (char)*p;
				k = 1;
			}
		}
		if (!room(l, k))
			return;
		put(l, esc, k);
	}
}

/* put_value: V where the format put a conversion: inside the format's
 * quotes escaped, bare quoted when it needs it. */
static void put_value(struct line *l, const char *v)
{
	if (l->open_quote) {
		put_escaped(l, v);
	} else if (needs_quotes(v)) {
		if (!room(l, 1))
			return;
		put(l, "\"", 1);
		put_escaped(l, v);
		l->d[l->n++] = '"'; /* room() kept this byte */
	} else {
		put_escaped(l, v);
	}
}

/* put_literal: K bytes of the format's own text. Its quotes open and close
 * values; a control character in it (there should be none) becomes a space. */
static void put_literal(struct line *l, const char *s, size_t k)
{
	for (size_t i = 0; i < k; i++) {
		char c = s[i];
		if (c == '"') {
			if (!l->open_quote && !room(l, 1))
				return;
			l->open_quote = !l->open_quote;
			l->d[l->n++] = c;
			continue;
		}
		if ((unsigned char)c < 0x20)
			c = ' ';
		put(l, &c, 1);
	}
}

/* Make the value cut at LOG_VALUE_MAX end on a character boundary. */
static void trim_partial_utf8(char *v)
{
	size_t n = strlen(v), i = n, cont = 0;
	while (i > 0 && ((unsigned char)v[i - 1] & 0xc0) == 0x80 && cont < 3) {
		i--;
		cont++;
	}
	if (i == 0 || (unsigned char)v[i - 1] < 0xc0)
		return;
	unsigned char lead = (unsigned char)v[i - 1];
	size_t want = lead >= 0xf0 ? 3 : lead >= 0xe0 ? 2 : 1;
	if (cont < want)
		v[i - 1] = '\0';
}

/* format_one: the conversion SPEC (e.g. "%.3f", "%lld", "%*s") with its
 * arguments taken from AP into OUT. Returns the number of bytes SPEC
 * spans in the format. */
static size_t format_one(char *out, size_t cap, const char *spec, va_list *ap)
{
	const char *p = spec + 1;
	int stars[2], nstar = 0;
	while (*p && strchr("-+ #0'", *p))
		p++;
	if (*p == '*') {
		stars[nstar++] = va_arg(*ap, int);
		p++;
	}
	while (*p >= '0' && *p <= '9')
		p++;
	if (*p == '.') {
		p++;
		if (*p == '*') {
			stars[nstar++] = va_arg(*ap, int);
			p++;
		}
		while (*p >= '0' && *p <= '9')
			p++;
	}
	char len[3] = "";
	size_t nl = 0;
	while (*p && strchr("hlLqjzt", *p) && nl < 2)
		len[nl++] = *p++;
	char conv = *p ? *p : '%'; /* a trailing lone % is text */
	size_t span = (size_t)(p - spec) + (*p ? 1 : 0);
	char one[32];
	if (span >= sizeof(one))
		return snprintf(out, cap, "?"), span;
	memcpy(one, spec, span);
	one[span] = '\0';

#define EMIT(T)                                                          \
	do {                                                             \
		T v_ = va_arg(*ap, T);                                   \
		if (nstar == 0)                                          \
			snprintf(out, cap, one, v_);                     \
		else if (nstar == 1)                                     \
			snprintf(out, cap, one, stars[0], v_);           \
		else                                                     \
			snprintf(out, cap, one, stars[0], stars[1], v_); \
	} while (0)

	switch (conv) {
	case 'd':
	case 'i':
		if (!strcmp(len, "ll"))
			EMIT(long long);
		else if (!strcmp(len, "l"))
			EMIT(long);
		else if (!strcmp(len, "z"))
			EMIT(ssize_t);
		else if (!strcmp(len, "j"))
			EMIT(intmax_t);
		else if (!strcmp(len, "t"))
			EMIT(ptrdiff_t);
		else
			EMIT(int); /* hh and h arrive promoted to int */
		break;
	case 'u':
	case 'x':
	case 'X':
	case 'o':
		if (!strcmp(len, "ll"))
			EMIT(unsigned long long);
		else if (!strcmp(len, "l"))
			EMIT(unsigned long);
		else if (!strcmp(len, "z"))
			EMIT(size_t);
		else if (!strcmp(len, "j"))
			EMIT(uintmax_t);
		else if (!strcmp(len, "t"))
			EMIT(ptrdiff_t);
		else
			EMIT(unsigned int);
		break;
	case 'f':
	case 'F':
	case 'e':
	case 'E':
	case 'g':
	case 'G':
	case 'a':
	case 'A':
		if (!strcmp(len, "L"))
			EMIT(long double);
		else
			EMIT(double);
		break;
	case 'c': EMIT(int); break;
	case 'p': EMIT(void *); break;
	case 's': {
		const char *s = va_arg(*ap, const char *);
		if (!s)
			s = "(null)";
		if (nstar == 0)
			snprintf(out, cap, one, s);
		else if (nstar == 1)
			snprintf(out, cap, one, stars[0], s);
		else
			snprintf(out, cap, one, stars[0], stars[1], s);
		break;
	}
	default: /* %% and anything unknown: the text itself */
		snprintf(out, cap, "%s", conv == '%' ? "%" : one);
		break;
	}
#undef EMIT
	return span;
}

void log_event(enum log_level level, const char *msg, const char *fields, ...)
{
	if (level > max_level)
		return;
	struct line l;
	l.n = 0;
	l.open_quote = false;
	if (timestamps) {
		char ts[40];
		struct timespec now;
		struct tm tm;
		clock_gettime(CLOCK_REALTIME, &now);
		gmtime_r(&now.tv_sec, &tm);
		size_t k = strftime(ts, sizeof(ts), "time=%Y-%m-%dT%H:%M:%SZ ", &tm);
		put(&l, ts, k);
	}
	put(&l, "level=", 6);
	put(&l, level_names[level], strlen(level_names[level]));
	put(&l, " msg=\"", 6);
	put_escaped(&l, msg);
	l.d[l.n++] = '"';

	va_list ap;
	va_start(ap, fields);
	if (fields[0] == ' ' && fields[1] == '\0')
		fields++; /* the macros' " " when a call has no fields */
	for (const char *p = fields; *p;) {
		const char *pct = strchr(p, '%');
		size_t lit = pct ? (size_t)(pct - p) : strlen(p);
		put_literal(&l, p, lit);
		p += lit;
		if (!pct)
			break;
		if (pct[1] == '%') {
			put_literal(&l, "%", 1);
			p += 2;
			continue;
		}
		char v[LOG_VALUE_MAX];
		p += format_one(v, sizeof(v), p, &ap);
		trim_partial_utf8(v);
		put_value(&l, v);
	}
	va_end(ap);
	if (l.open_quote)
		l.d[l.n++] = '"';
	l.d[l.n++] = '\n';
	fwrite(l.d, 1, l.n, stderr);
}
