/* framing.c - a gate between a connection and evhttp that lets a request
 * through only when its end is beyond doubt (RFC 9112 section 6.3).
 *
 * evhttp reads the first Content-Length of several, treats any
 * Transfer-Encoding but exactly "chunked" as absent, folds continuation
 * lines into values, skips blank lines between chunks and reads no body on
 * HEAD: a client (or a proxy in front) that frames a request differently
 * can then have bytes of one request read as the next one. The gate reads
 * the stream as evhttp will, refuses every shape on which two readers could
 * disagree, and passes the rest on unchanged:
 *
 *   HEAD ──block ok──▶ BODY (Content-Length bytes) ───────────────────▶ HEAD
 *     │          └──▶ CHUNK_SIZE ─▶ CHUNK_DATA ─▶ CHUNK_END ─▶ CHUNK_SIZE
 *     │                    └─(size 0)─▶ TRAILER ──(blank line)──────────▶ HEAD
 *     └─refused──▶ DEAD: a bodiless request carrying FRAMING_MARK went on,
 *                  the HTTP layer answers it 400 with Connection: close, and
 *                  nothing more of the connection is read.
 *
 * Inside a chunked body the header block has already gone on; a refusal
 * there sends a line evhttp cannot read as a chunk size or trailer, and
 * evhttp answers that 400 and closes. Lines are held until complete, so
 * evhttp never sees part of a line the gate has refused. */
#include "framing.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum state { F_HEAD, F_BODY, F_CHUNK_SIZE, F_CHUNK_DATA, F_CHUNK_END, F_TRAILER, F_DEAD };

#define CHUNK_LINE_MAX   1024 /* a chunk-size line with its extensions */
#define CHUNK_DIGITS_MAX 15   /* hex digits of a chunk size: below 2^60 */
#define CL_DIGITS_MAX    18   /* decimal digits of a Content-Length: below 10^18 */

struct framing {
	enum state state;
	size_t max_head;
	char *buf; /* the header block, or the line, being read */
	size_t len, cap;
	size_t line_start; /* where the current line of buf starts */
	size_t trailer;    /* bytes of trailer read so far */
	uint64_t left;     /* body or chunk bytes still to pass on */
};

struct framing *framing_new(size_t max_head)
{
	struct framing *f = calloc(1, sizeof(*f));
	if (f)
		f->max_head = max_head;
	return f;
}

void framing_free(struct framing *f)
{
	if (!f)
		return;
	free(f->buf);
	free(f);
}

static int buf_add(struct framing *f, char c)
{
	if (f->len == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 1024;
		char *b = realloc(f->buf, cap);
		if (!b)
			return -1;
		f->buf = b;
		f->cap = cap;
	}
	f->buf[f->len++] = c;
	return 0;
}

static void go_dead(struct framing *f)
{
	f->state = F_DEAD;
	free(f->buf);
	f->buf = NULL;
	f->len = f->cap = 0;
}

/* refuse_head: the header block in buf never goes on; a bodiless request
 * carrying WHY (made printable) does. */
static int refuse_head(struct framing *f, framing_emit emit, void *arg, const char *why)
{
	char block[512];
	int n = snprintf(block, sizeof(block), "GET / HTTP/1.1\r\n%s: %s\r\nConnection: close\r\n\r\n", FRAMING_MARK,
	                 why);
	if (n < 0 || (size_t)n >= sizeof(block))
		n = snprintf(block, sizeof(block),
		             "GET / HTTP/1.1\r\n%s: malformed request\r\nConnection: close\r\n\r\n", FRAMING_MARK);
	emit(arg, block, (size_t)n);
	go_dead(f);
	return -1;
}

/* refuse_body: inside a chunked body, at the start of a line. */
static int refuse_body(struct framing *f, framing_emit emit, void *arg)
{
	emit(arg, "zz\r\n", 4);
	go_dead(f);
	return -1;
}

/* excerpt: S (N bytes) as printable ASCII for a message, at most 40 bytes. */
static void excerpt(char *dst, size_t dstlen, const char *s, size_t n)
{
	size_t o = 0;
	for (size_t i = 0; i < n && o + 4 < dstlen && i < 40; i++)
		dst[o++] = s[i] >= 0x20 && s[i] < 0x7f && s[i] != '"' ? s[i] : '?';
	if (n > 40 && o + 4 < dstlen)
		dst[o++] = '.', dst[o++] = '.', dst[o++] = '.';
	dst[o] = '\0';
}

static bool is_tchar(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

static bool name_is(const char *s, size_t n, const char *name)
{
	return strlen(name) == n && strncasecmp(s, name, n) == 0;
}

static void trim(const char **s, const char **e)
{
	while (*s < *e && (**s == ' ' || **s == '\t'))
		(*s)++;
	while (*e > *s && ((*e)[-1] == ' ' || (*e)[-1] == '\t'))
		(*e)--;
}

/* Methods after which evhttp reads a body (evhttp_method_may_have_body). */
static bool method_has_body(const char *m, size_t n)
{
	static const char *const with[] = {"POST", "PUT", "PATCH", "GET", "DELETE", "OPTIONS", "CONNECT"};
	for (size_t i = 0; i < sizeof(with) / sizeof(with[0]); i++)
		if (strlen(with[i]) == n && memcmp(m, with[i], n) == 0)
			return true;
	return false;
}

/* head_done: buf holds a whole header block, its blank line included. */
static int head_done(struct framing *f, framing_emit emit, void *arg)
{
	const char *b = f->buf, *end = f->buf + f->len;
	char why[200], ex[64];
	if (memchr(b, '\0', f->len))
		return refuse_head(f, emit, arg, "the header block holds a NUL byte");
	for (const char *c = b; (c = memchr(c, '\r', (size_t)(end - c))) != NULL; c++)
		if (c + 1 == end || c[1] != '\n')
			return refuse_head(f, emit, arg, "a CR that does not end a line");
	const char *eol = memchr(b, '\n', f->len);
	const char *sp = memchr(b, ' ', (size_t)(eol - b));
	bool body_allowed = method_has_body(b, (size_t)((sp ? sp : eol) - b));
	bool have_cl = false, chunked = false;
	uint64_t cl = 0;
	int codings = 0;
	for (const char *s = eol + 1; s < end;) {
		const char *e = memchr(s, '\n', (size_t)(end - s));
		const char *next = e + 1;
		if (e > s && e[-1] == '\r')
			e--;
		if (e == s)
			break; /* the blank line that ends the block */
		if (*s == ' ' || *s == '\t')
			return refuse_head(f, emit, arg, "a header line starts with a blank (obsolete line folding)");
		const char *colon = memchr(s, ':', (size_t)(e - s));
		if (!colon)
			return refuse_head(f, emit, arg, "a header line has no colon");
		for (const char *c = s; c < colon; c++)
			if (!is_tchar((unsigned char)*c)) {
				excerpt(ex, sizeof(ex), s, (size_t)(colon - s));
				snprintf(
					why, sizeof(why),
					"header name \"%s\" is not a token (nothing may come between the name and its colon)",
					ex);
				return refuse_head(f, emit, arg, why);
			}
		if (colon == s)
			return refuse_head(f, emit, arg, "a header line has an empty name");
		const char *v = colon + 1, *ve = e;
		trim(&v, &ve);
		size_t nlen = (size_t)(colon - s);
		if (name_is(s, nlen, "Content-Length")) {
			uint64_t x = 0;
			bool digits = ve > v && ve - v <= CL_DIGITS_MAX;
			for (const char *c = v; digits && c < ve; c++)
				if (*c < '0' || *c > '9')
					digits = false;
				else
					x = x * 10 + (uint64_t)(*c - '0');
			if (!digits) {
				excerpt(ex, sizeof(ex), v, (size_t)(ve - v));
				snprintf(why, sizeof(why), "Content-Length \"%s\" is not a plain decimal number", ex);
				return refuse_head(f, emit, arg, why);
			}
			if (have_cl && x != cl) {
				snprintf(why, sizeof(why), "two different Content-Length values (%llu and %llu)",
				         (unsigned long long)cl, (unsigned long long)x);
				return refuse_head(f, emit, arg, why);
			}
			have_cl = true;
			cl = x;
		} else if (name_is(s, nlen, "Transfer-Encoding")) {
			for (const char *t = v; t <= ve;) {
				const char *comma = memchr(t, ',', (size_t)(ve - t));
				const char *te = comma ? comma : ve, *ts = t;
				trim(&ts, &te);
				codings++;
				chunked = te - ts == 7 && strncasecmp(ts, "chunked", 7) == 0 && codings == 1;
				if (te == ts)
					codings += 1; /* an empty element is not a coding we read */
				t = (comma ? comma : ve) + 1;
			}
		} else if (name_is(s, nlen, FRAMING_MARK)) {
			return refuse_head(f, emit, arg, "a header reserved to the server");
		}
		s = next;
	}
	if (codings && have_cl)
		return refuse_head(f, emit, arg, "both Content-Length and Transfer-Encoding");
	if (codings && !(codings == 1 && chunked))
		return refuse_head(f, emit, arg,
		                   "Transfer-Encoding must be \"chunked\" alone (no other coding is read here)");
	if (!body_allowed && (codings || cl > 0)) {
		excerpt(ex, sizeof(ex), b, (size_t)((sp ? sp : eol) - b));
		snprintf(why, sizeof(why), "a %s request has no body here", ex);
		return refuse_head(f, emit, arg, why);
	}
	emit(arg, f->buf, f->len);
	f->len = f->line_start = 0;
	if (codings)
		f->state = F_CHUNK_SIZE;
	else if (cl > 0)
		f->state = F_BODY, f->left = cl;
	else
		f->state = F_HEAD;
	return 0;
}

/* chunk_size: buf holds a chunk-size line: 1*HEXDIG, then nothing, or
 * blanks and ";" extensions. Sets left, or returns -1. */
static int chunk_size(struct framing *f)
{
	const char *s = f->buf, *e = f->buf + f->len - 1; /* at the LF */
	if (e > s && e[-1] == '\r')
		e--;
	uint64_t x = 0;
	const char *c = s;
	for (; c < e && c - s <= CHUNK_DIGITS_MAX; c++) {
		int d = *c >= '0' && *c <= '9'   ? *c - '0'
		        : *c >= 'a' && *c <= 'f' ? *c - 'a' + 10
		        : *c >= 'A' && *c <= 'F' ? *c - 'A' + 10
		                                 : -1;
		if (d < 0)
			break;
		x = x * 16 + (uint64_t)d;
	}
	if (c == s || c - s > CHUNK_DIGITS_MAX)
		return -1;
	while (c < e && (*c == ' ' || *c == '\t'))
		c++;
	if (c < e && *c != ';')
		return -1;
	if (c < e && c[-1] != ' ')
		return -1; /* evhttp reads an extension only after a blank */
	for (; c < e; c++)
		if ((unsigned char)*c < 0x20 && *c != '\t')
			return -1;
	f->left = x;
	return 0;
}

int framing_feed(struct framing *f, const char *p, size_t n, framing_emit emit, void *arg)
{
	size_t i = 0;
	while (i < n) {
		switch (f->state) {
		case F_DEAD: return -1;
		case F_BODY:
		case F_CHUNK_DATA: {
			size_t k = n - i;
			if ((uint64_t)k > f->left)
				k = (size_t)f->left;
			emit(arg, p + i, k);
			i += k;
			f->left -= k;
			if (f->left == 0)
				f->state = f->state == F_BODY ? F_HEAD : F_CHUNK_END;
			break;
		}
		case F_HEAD: {
			char c = p[i++];
			if (buf_add(f, c) != 0)
				return refuse_head(f, emit, arg, "out of memory");
			if (f->len > f->max_head)
				return refuse_head(f, emit, arg, "the header block is too large");
			if (c != '\n')
				break;
			size_t ll = f->len - f->line_start; /* with its LF */
			bool blank = ll == 1 || (ll == 2 && f->buf[f->line_start] == '\r');
			if (blank && f->line_start == 0) {
				/* no request line: evhttp refuses it and closes */
				emit(arg, f->buf, f->len);
				f->len = 0;
			} else if (blank) {
				if (head_done(f, emit, arg) != 0)
					return -1;
			} else {
				f->line_start = f->len;
			}
			break;
		}
		case F_CHUNK_END: {
			char c = p[i++];
			if (c == '\r' && f->len == 0) {
				buf_add(f, c);
			} else if (c == '\n') {
				emit(arg, f->len ? "\r\n" : "\n", f->len ? 2 : 1);
				f->len = 0;
				f->state = F_CHUNK_SIZE;
			} else {
				return refuse_body(f, emit, arg);
			}
			break;
		}
		case F_CHUNK_SIZE:
		case F_TRAILER: {
			char c = p[i++];
			if (buf_add(f, c) != 0)
				return refuse_body(f, emit, arg);
			if (f->state == F_CHUNK_SIZE && f->len > CHUNK_LINE_MAX)
				return refuse_body(f, emit, arg);
			if (f->state == F_TRAILER && ++f->trailer > f->max_head)
				return refuse_body(f, emit, arg);
			if (c != '\n')
				break;
			if (f->state == F_CHUNK_SIZE) {
				if (chunk_size(f) != 0)
					return refuse_body(f, emit, arg);
				emit(arg, f->buf, f->len);
				f->len = 0;
				f->state = f->left ? F_CHUNK_DATA : F_TRAILER;
				f->trailer = 0;
				break;
			}
			bool blank = f->len == 1 || (f->len == 2 && f->buf[0] == '\r');
			if (!blank) { /* a trailer field: "name: value", no folding */
				const char *colon = memchr(f->buf, ':', f->len);
				if (!colon || colon == f->buf || memchr(f->buf, '\0', f->len))
					return refuse_body(f, emit, arg);
				for (const char *c2 = f->buf; c2 < colon; c2++)
					if (!is_tchar((unsigned char)*c2))
						return refuse_body(f, emit, arg);
			}
			emit(arg, f->buf, f->len);
			f->len = 0;
			if (blank)
				f->state = F_HEAD, f->line_start = 0;
			break;
		}
		}
	}
	return f->state == F_DEAD ? -1 : 0;
}
