/* row.c - what every decoder shares: rows and their fields, periods, text checks and error messages. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void fmt_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

char *fmt_strndup(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (!d)
		return NULL;
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *fmt_strdup(const char *s)
{
	return s ? fmt_strndup(s, strlen(s)) : NULL;
}

struct fmt_row *fmt_line_row_add(struct fmt_result *out, size_t *cap, size_t line, char *err, size_t errlen)
{
	struct fmt_row *row;

	if (out->nrows >= FMT_MAX_ROWS) {
		fmt_err(err, errlen,
		        "line %zu: more than %d rows; split the "
		        "submission",
		        line, FMT_MAX_ROWS);
		return NULL;
	}
	row = fmt_row_add(out, cap);
	if (!row) {
		fmt_err(err, errlen, "line %zu: out of memory", line);
		return NULL;
	}
	snprintf(row->loc, sizeof row->loc, "line %zu", line);
	return row;
}

struct fmt_row *fmt_row_add(struct fmt_result *out, size_t *cap)
{
	struct fmt_row *row;

	if (out->nrows == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		struct fmt_row *rows;

		if (ncap > FMT_MAX_ROWS)
			ncap = FMT_MAX_ROWS;
		if (ncap <= out->nrows)
			return NULL;
		rows = realloc(out->rows, ncap * sizeof *rows);
		if (!rows)
			return NULL;
		out->rows = rows;
		*cap = ncap;
	}
	row = &out->rows[out->nrows++];
	memset(row, 0, sizeof *row);
	return row;
}

void fmt_drop_empty(char **s)
{
	if (*s && !**s) {
		free(*s);
		*s = NULL;
	}
}

int fmt_row_set_period(struct fmt_row *row, const char *text)
{
	char canon[16];

	if (!text)
		return 0;
	if (fmt_period_normalize(text, canon, sizeof canon) == 0)
		row->period = fmt_strdup(canon);
	else
		row->period = fmt_strdup(text);
	return row->period ? 0 : -1;
}

void fmt_result_free(struct fmt_result *out)
{
	size_t i;

	if (!out)
		return;
	for (i = 0; i < out->nrows; i++) {
		struct fmt_row *r = &out->rows[i];

		free(r->reporter);
		free(r->indicator);
		free(r->period);
		free(r->value);
		free(r->comment);
		free(r->coc);
		free(r->aoc);
		free(r->status);
		free(r->unit_mult);
	}
	free(out->rows);
	free(out->dataset);
	memset(out, 0, sizeof *out);
}

/* The length of the well-formed UTF-8 sequence at P (AVAIL bytes left), or 0
 * when it is not one (Unicode table 3-7: no overlongs, no surrogates). */
static size_t utf8_seq(const unsigned char *p, size_t avail)
{
	unsigned char c = p[0], lo = 0x80, hi = 0xBF;

	if (c < 0x80)
		return 1;
	if (c < 0xC2 || c > 0xF4)
		return 0;
	if (c < 0xE0)
		return avail >= 2 && (p[1] & 0xC0) == 0x80 ? 2 : 0;
	if (c < 0xF0) {
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
		if (avail < 3 || p[1] < lo || p[1] > hi || (p[2] & 0xC0) != 0x80)
			return 0;
		return 3;
	}
	if (c == 0xF0)
		lo = 0x90;
	else if (c == 0xF4)
		hi = 0x8F;
	if (avail < 4 || p[1] < lo || p[1] > hi || (p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80)
		return 0;
	return 4;
}

int fmt_text_check(const char *body, size_t len, bool cr_breaks, const char *prefix, char *err, size_t errlen)
{
	const unsigned char *p = (const unsigned char *)body;
	const unsigned char *end = p + len;
	size_t line = 1, col = 1, n;

	if (len >= 2 && ((p[0] == 0xFF && p[1] == 0xFE) || (p[0] == 0xFE && p[1] == 0xFF))) {
		fmt_err(err, errlen,
		        "%sline 1, column 1: the body is UTF-16 text; "
		        "send it encoded as UTF-8",
		        prefix);
		return -1;
	}
	while (p < end) {
		if (*p == '\n') {
			p++;
			line++;
			col = 1;
			continue;
		}
		if (*p == '\r') {
			p++;
			if (!cr_breaks) {
				col++;
				continue;
			}
			if (p < end && *p == '\n')
				p++;
			line++;
			col = 1;
			continue;
		}
		if (*p == '\0') {
			fmt_err(err, errlen,
			        "%sline %zu, column %zu: the body contains a NUL "
			        "byte, so it is not plain text (a UTF-16 file or "
			        "a spreadsheet?); send UTF-8 text",
			        prefix, line, col);
			return -1;
		}
		n = utf8_seq(p, (size_t)(end - p));
		if (n == 0) {
			fmt_err(err, errlen,
			        "%sline %zu, column %zu: these bytes are not "
			        "UTF-8 text (a file saved as GBK or GB18030?); "
			        "send the body encoded as UTF-8",
			        prefix, line, col);
			return -1;
		}
		p += n;
		col++;
	}
	return 0;
}

void fmt_quote(char *dst, size_t dstlen, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t o = 0, i = 0, chars = 0, k;

	if (dstlen < 8) {
		if (dstlen)
			dst[0] = '\0';
		return;
	}
	dst[o++] = '"';
	while (i < n) {
		k = utf8_seq(u + i, n - i);
		/* room for this character, then '...', '"' and the NUL */
		if (chars == 40 || o + (k ? k : 1) + 5 > dstlen) {
			memcpy(dst + o, "...", 3);
			o += 3;
			break;
		}
		if (k == 0) {
			dst[o++] = '?';
			i++;
		} else if (k == 1 && (u[i] < 0x20 || u[i] == 0x7F)) {
			dst[o++] = ' ';
			i++;
		} else {
			memcpy(dst + o, u + i, k);
			o += k;
			i += k;
		}
		chars++;
	}
	dst[o++] = '"';
	dst[o] = '\0';
}

/* Make an error message safe to put in a JSON reply or a log line: valid
 * UTF-8 (a sequence cut by truncation is dropped), no control characters. */
void fmt_sanitize(char *s)
{
	unsigned char *u = (unsigned char *)s;
	size_t len = strlen(s), i = 0, k, need;

	while (i < len) {
		k = utf8_seq(u + i, len - i);
		if (k == 0) {
			need = u[i] >= 0xF0 ? 4 : u[i] >= 0xE0 ? 3 : 2;
			if (u[i] >= 0xC2 && u[i] <= 0xF4 && len - i < need) {
				u[i] = '\0';
				return;
			}
			u[i++] = '?';
			continue;
		}
		if (k == 1 && (u[i] < 0x20 || u[i] == 0x7F))
			u[i] = ' ';
		i += k;
	}
}

/* Read exactly N decimal digits at S into *V. */
static bool digits(const char *s, size_t n, int *v)
{
	size_t i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		*v = *v * 10 + (s[i] - '0');
	}
	return true;
}

int fmt_period_normalize(const char *in, char *out, size_t outlen)
{
	int year, month, q = 0, n;
	const char *r;

	if (out && outlen)
		out[0] = '\0';
	if (!in || !out || outlen < 7)
		return -1;
	if (strnlen(in, 5) < 4 || !digits(in, 4, &year) || year < 1900 || year > 2999)
		return -1;
	r = in + 4;
	if (r[0] == '\0' || strcmp(r, "-A1") == 0) {
		q = 0; /* annual */
	} else if (r[0] == 'Q' && r[1] >= '1' && r[1] <= '4' && !r[2]) {
		q = r[1] - '0';
	} else if (r[0] == '-' && r[1] == 'Q' && r[2] >= '1' && r[2] <= '4' && !r[3]) {
		q = r[2] - '0';
	} else if (strcmp(r, "-01-01/P1Y") == 0) {
		q = 0; /* ADX: the year starting on 1 January */
	} else if (r[0] == '-' && strnlen(r, 3) == 3 && digits(r + 1, 2, &month) && strcmp(r + 3, "-01/P3M") == 0 &&
	           (month == 1 || month == 4 || month == 7 || month == 10)) {
		q = (month - 1) / 3 + 1;
	} else {
		return -1;
	}
	if (q)
		n = snprintf(out, outlen, "%04dQ%d", year, q);
	else
		n = snprintf(out, outlen, "%04d", year);
	if (n < 0 || (size_t)n >= outlen) {
		out[0] = '\0';
		return -1;
	}
	return 0;
}
