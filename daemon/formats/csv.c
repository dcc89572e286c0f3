/* csv.c - the RFC 4180 record reader all CSV formats share, and the native CSV decoder built on it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

void fmt_csv_init(struct fmt_csv *c, const char *body, size_t len, char sep)
{
	memset(c, 0, sizeof *c);
	c->p = body;
	c->end = body + len;
	c->sep = sep;
	c->line = 1;
	c->col = 1;
}

void fmt_csv_fini(struct fmt_csv *c)
{
	if (!c)
		return;
	free(c->buf);
	free(c->offs);
	free(c->fields);
	c->buf = NULL;
	c->offs = NULL;
	c->fields = NULL;
	c->nfields = 0;
}

static int put(struct fmt_csv *c, const char *s, size_t n)
{
	if (n == 0)
		return 0;
	if (c->bufcap - c->buflen < n) {
		size_t ncap = c->bufcap ? c->bufcap : 256;
		char *b;

		while (ncap - c->buflen < n)
			ncap *= 2;
		b = realloc(c->buf, ncap);
		if (!b)
			return -1;
		c->buf = b;
		c->bufcap = ncap;
	}
	memcpy(c->buf + c->buflen, s, n);
	c->buflen += n;
	return 0;
}

/* Open a new field at the end of buf. */
static int new_field(struct fmt_csv *c)
{
	if (c->nfields == c->offcap) {
		size_t ncap = c->offcap ? c->offcap * 2 : 16;
		size_t *o = realloc(c->offs, ncap * sizeof *o);
		char **f;

		if (!o)
			return -1;
		c->offs = o;
		f = realloc(c->fields, ncap * sizeof *f);
		if (!f)
			return -1;
		c->fields = f;
		c->offcap = ncap;
	}
	c->offs[c->nfields++] = c->buflen;
	return 0;
}

static bool is_cont(char ch)
{
	return ((unsigned char)ch & 0xC0) == 0x80;
}

/* Step over one line break (CRLF, LF or a lone CR) at c->p. */
static void skip_break(struct fmt_csv *c)
{
	if (*c->p == '\r' && c->p + 1 < c->end && c->p[1] == '\n')
		c->p++;
	c->p++;
	c->line++;
	c->col = 1;
}

/* Read the quoted field whose opening quote is at c->p. */
static int quoted(struct fmt_csv *c, char *err, size_t errlen)
{
	size_t qline = c->line, qcol = c->col;
	const char *run;

	c->p++;
	c->col++;
	for (;;) {
		/* copy the plain run up to the next quote or line break */
		run = c->p;
		while (c->p < c->end && *c->p != '"' && *c->p != '\r' && *c->p != '\n') {
			if (!is_cont(*c->p))
				c->col++;
			c->p++;
		}
		if (put(c, run, (size_t)(c->p - run)) < 0)
			goto oom;
		if (c->p >= c->end) {
			fmt_err(err, errlen,
			        "line %zu, column %zu: the quoted field that "
			        "starts here is never closed (a \" is missing)",
			        qline, qcol);
			return -1;
		}
		if (*c->p == '"') {
			if (c->p + 1 < c->end && c->p[1] == '"') {
				if (put(c, "\"", 1) < 0)
					goto oom;
				c->p += 2;
				c->col += 2;
				continue;
			}
			c->p++;
			c->col++;
			break;
		}
		/* a line break inside quotes belongs to the field */
		run = c->p;
		skip_break(c);
		if (put(c, run, (size_t)(c->p - run)) < 0)
			goto oom;
	}
	if (c->p < c->end && *c->p != c->sep && *c->p != '\r' && *c->p != '\n') {
		fmt_err(err, errlen,
		        "line %zu, column %zu: after the quoted field that "
		        "starts at line %zu, column %zu, a '%c' or the end of "
		        "the line must follow; inside quotes, write a quote "
		        "as two quotes \"\"",
		        c->line, c->col, qline, qcol, c->sep);
		return -1;
	}
	return 0;
oom:
	fmt_err(err, errlen, "line %zu: out of memory", c->line);
	return -1;
}

int fmt_csv_next(struct fmt_csv *c, char *err, size_t errlen)
{
	for (;;) {
		bool any = false;
		size_t i;

		if (c->p >= c->end)
			return 0;
		c->rec_line = c->line;
		c->buflen = 0;
		c->nfields = 0;
		for (;;) {
			size_t fline = c->line, start = c->buflen;

			if (new_field(c) < 0)
				goto oom;
			if (c->p < c->end && *c->p == '"') {
				any = true;
				if (quoted(c, err, errlen) < 0)
					return -1;
			} else {
				const char *run = c->p;

				while (c->p < c->end && *c->p != c->sep && *c->p != '\r' && *c->p != '\n') {
					if (!is_cont(*c->p))
						c->col++;
					c->p++;
				}
				if (put(c, run, (size_t)(c->p - run)) < 0)
					goto oom;
			}
			if (c->buflen - start > FMT_MAX_FIELD) {
				fmt_err(err, errlen,
				        "line %zu, field %zu: the field is "
				        "longer than %d bytes",
				        fline, c->nfields, FMT_MAX_FIELD);
				return -1;
			}
			if (c->buflen > start)
				any = true;
			if (put(c, "", 1) < 0)
				goto oom;
			if (c->p < c->end && *c->p == c->sep) {
				c->p++;
				c->col++;
				continue;
			}
			if (c->p < c->end)
				skip_break(c);
			break;
		}
		if (!any)
			continue; /* a blank line, or one of only separators */
		for (i = 0; i < c->nfields; i++)
			c->fields[i] = c->buf + c->offs[i];
		return 1;
	}
oom:
	fmt_err(err, errlen, "line %zu: out of memory", c->line);
	return -1;
}

bool fmt_csv_header_is(const char *field, const char *name, bool labels)
{
	size_t n = strlen(name), len;

	while (*field == ' ' || *field == '\t')
		field++;
	len = strlen(field);
	while (len && (field[len - 1] == ' ' || field[len - 1] == '\t'))
		len--;
	if (len < n || strncasecmp(field, name, n) != 0)
		return false;
	if (len == n)
		return true;
	return labels && field[n] == ':';
}

static const char *const native_cols[] = {
	"reporter", "indicator", "period", "value", "comment", "status", "unit_mult",
};
/* Columns from COL_COMMENT on are optional. */
enum { COL_REPORTER, COL_INDICATOR, COL_PERIOD, COL_VALUE, COL_COMMENT, COL_STATUS, COL_UNIT_MULT, NCOLS };

/* Append TEXT to the list in BUF (LEN bytes), separated by ", ". */
static void list_add(char *buf, size_t len, const char *text)
{
	size_t used = strlen(buf);

	if (used + 2 + strlen(text) + 1 > len)
		return; /* the message says enough without the rest */
	if (used)
		strcat(buf, ", ");
	strcat(buf, text);
}

/* Find the native columns in the header record; -1 with ERR. */
static int native_header(const struct fmt_csv *c, int idx[NCOLS], char *err, size_t errlen)
{
	char unknown[256] = "", missing[128] = "", q[96];
	size_t i, k;

	for (k = 0; k < NCOLS; k++)
		idx[k] = -1;
	for (i = 0; i < c->nfields; i++) {
		/* spreadsheets add empty columns at the right: allowed, as
		 * long as the rows leave them empty too (see unnamed()) */
		if (fmt_csv_header_is(c->fields[i], "", false))
			continue;
		for (k = 0; k < NCOLS; k++)
			if (fmt_csv_header_is(c->fields[i], native_cols[k], false))
				break;
		if (k == NCOLS) {
			fmt_quote(q, sizeof q, c->fields[i], strlen(c->fields[i]));
			list_add(unknown, sizeof unknown, q);
			continue;
		}
		if (idx[k] >= 0) {
			fmt_err(err, errlen,
			        "line %zu: the column \"%s\" appears twice in "
			        "the header (fields %d and %zu)",
			        c->rec_line, native_cols[k], idx[k] + 1, i + 1);
			return -1;
		}
		idx[k] = (int)i;
	}
	if (unknown[0]) {
		fmt_err(err, errlen,
		        "line %zu: unknown column(s) %s; the header names "
		        "reporter, indicator, period, value and optionally "
		        "comment, status, unit_mult",
		        c->rec_line, unknown);
		return -1;
	}
	for (k = 0; k < COL_COMMENT; k++)
		if (idx[k] < 0)
			list_add(missing, sizeof missing, native_cols[k]);
	if (missing[0]) {
		fmt_err(err, errlen,
		        "line %zu: the header lacks the column(s) %s; it must "
		        "name reporter, indicator, period, value and "
		        "optionally comment",
		        c->rec_line, missing);
		return -1;
	}
	return 0;
}

/* The first field of the record with text in a column that has no name in
 * the header, or 0 when there is none. */
static size_t unnamed(const struct fmt_csv *c, const int idx[NCOLS])
{
	size_t i, k;

	for (i = 0; i < c->nfields; i++) {
		if (!c->fields[i][0])
			continue;
		for (k = 0; k < NCOLS; k++)
			if (idx[k] == (int)i)
				break;
		if (k == NCOLS)
			return i + 1;
	}
	return 0;
}

/* Copy the optional column I (-1: absent) of the record into *OUT when it
 * holds text; -1 when out of memory. */
static int optional(const struct fmt_csv *c, int i, char **out)
{
	if (i < 0 || !c->fields[i][0])
		return 0;
	*out = fmt_strdup(c->fields[i]);
	return *out ? 0 : -1;
}

int fmt_csv_decode(const char *body, size_t len, struct fmt_result *out, char *err, size_t errlen)
{
	struct fmt_csv c;
	struct fmt_row *row;
	size_t cap = 0, ncols, stray;
	int idx[NCOLS], r, rc = -1;
	const char *comment;

	fmt_csv_init(&c, body, len, ',');
	r = fmt_csv_next(&c, err, errlen);
	if (r == 0)
		fmt_err(err, errlen,
		        "line 1: the body is empty; it must start with the "
		        "header reporter,indicator,period,value[,comment]");
	if (r <= 0 || native_header(&c, idx, err, errlen) < 0)
		goto done;
	ncols = c.nfields;
	while ((r = fmt_csv_next(&c, err, errlen)) == 1) {
		if (c.nfields != ncols) {
			fmt_err(err, errlen,
			        "line %zu: %zu fields, but the header has %zu "
			        "(a comma inside a value needs quotes around "
			        "the value)",
			        c.rec_line, c.nfields, ncols);
			goto done;
		}
		stray = unnamed(&c, idx);
		if (stray) {
			fmt_err(err, errlen,
			        "line %zu, field %zu: a value in a column that "
			        "has no name in the header",
			        c.rec_line, stray);
			goto done;
		}
		row = fmt_line_row_add(out, &cap, c.rec_line, err, errlen);
		if (!row)
			goto done;
		row->reporter = fmt_strdup(c.fields[idx[COL_REPORTER]]);
		row->indicator = fmt_strdup(c.fields[idx[COL_INDICATOR]]);
		row->value = fmt_strdup(c.fields[idx[COL_VALUE]]);
		comment = idx[COL_COMMENT] >= 0 ? c.fields[idx[COL_COMMENT]] : "";
		if (comment[0])
			row->comment = fmt_strdup(comment);
		if (optional(&c, idx[COL_STATUS], &row->status) < 0 ||
		    optional(&c, idx[COL_UNIT_MULT], &row->unit_mult) < 0)
			goto oom;
		if (!row->reporter || !row->indicator || !row->value || (comment[0] && !row->comment) ||
		    fmt_row_set_period(row, c.fields[idx[COL_PERIOD]]) < 0)
			goto oom;
	}
	if (r == 0)
		rc = 0;
	goto done;
oom:
	fmt_err(err, errlen, "line %zu: out of memory", c.rec_line);
done:
	fmt_csv_fini(&c);
	return rc;
}
