/* report_query.c - the read API's query string made into one SELECT. The
 * only identifiers written into the SQL are the view's name and column names
 * the catalog returned, double-quoted; everything the caller typed is a
 * parameter, compared with the column's own type (PostgreSQL infers the
 * parameter's type from the column), so a value never becomes SQL. */
#include "report_query.h"

#include <event2/http.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A growing string; any allocation failure leaves it NULL (checked once at the end). */
struct sb {
	char *s;
	size_t len, cap;
	bool failed;
};

static void sb_add(struct sb *b, const char *s, size_t n)
{
	if (b->failed)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *p = realloc(b->s, cap);
		if (!p) {
			b->failed = true;
			return;
		}
		b->s = p;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void sb_str(struct sb *b, const char *s) { sb_add(b, s, strlen(s)); }

static void sb_fmt(struct sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_fmt(struct sb *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n > 0 && (size_t)n < sizeof(tmp))
		sb_add(b, tmp, (size_t)n);
	else
		b->failed = true;
}

static char *sb_take(struct sb *b)
{
	if (b->failed || !b->s) {
		free(b->s);
		return NULL;
	}
	return b->s;
}

int report_quote_ident(const char *name, char *out, size_t len)
{
	size_t n = 0;
	if (len < 3)
		return -1;
	out[n++] = '"';
	for (const char *p = name; *p; p++) {
		if (n + 3 >= len)
			return -1;
		if (*p == '"')
			out[n++] = '"';
		out[n++] = *p;
	}
	out[n++] = '"';
	out[n] = '\0';
	return 0;
}

/* What one column is filtered by: a list of exact values, bounds. */
struct col_filter {
	struct sb in;  /* array literal {"a","b"} being built */
	int nvalues;
	char *gte, *lte;
};

static void add_value(struct col_filter *f, const char *v, size_t n)
{
	sb_str(&f->in, f->nvalues ? "," : "{");
	sb_str(&f->in, "\"");
	for (size_t i = 0; i < n; i++) {
		if (v[i] == '"' || v[i] == '\\')
			sb_str(&f->in, "\\");
		sb_add(&f->in, v + i, 1);
	}
	sb_str(&f->in, "\"");
	f->nvalues++;
}

static int find_column(const struct report_column *cols, size_t n, const char *name, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(cols[i].name) == len && memcmp(cols[i].name, name, len) == 0)
			return (int)i;
	return -1;
}

static int parse_count(const char *v, long max, long *out)
{
	if (!*v || strspn(v, "0123456789") != strlen(v) || strlen(v) > 9)
		return -1;
	long x = strtol(v, NULL, 10);
	*out = x > max ? max : x;
	return 0;
}

static int fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return 400;
}

/* apply_order: ORDER=col,-col → " ORDER BY "col" ASC, "col" DESC". */
static int apply_order(struct sb *order, const char *v, const struct report_column *cols, size_t n, char *err,
                       size_t errlen)
{
	const char *p = v;
	while (*p) {
		while (*p == ' ')
			p++;
		bool desc = false;
		if (*p == '-' || *p == '+')
			desc = *p++ == '-';
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		while (len && p[len - 1] == ' ')
			len--;
		int c = find_column(cols, n, p, len);
		if (c < 0)
			return fail(err, errlen, "order: \"%.*s\" is not a column of this view; write order=col or order=-col "
			            "(descending), several separated by commas", (int)(len > 64 ? 64 : len), p);
		char q[160];
		if (report_quote_ident(cols[c].name, q, sizeof(q)) != 0)
			return fail(err, errlen, "order: column name too long");
		sb_str(order, order->len ? ", " : " ORDER BY ");
		sb_str(order, q);
		sb_str(order, desc ? " DESC NULLS LAST" : " ASC NULLS LAST");
		p += end ? (size_t)(end - p) + 1 : strlen(p);
	}
	return 0;
}

int report_query_build(const char *view, const struct report_column *cols, size_t n, const char *query,
                       const char *select, const char *restrict_to, long def_limit, long max_limit,
                       struct report_query *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	out->limit = def_limit;
	struct col_filter *f = calloc(n ? n : 1, sizeof(*f));
	struct sb order = {0};
	int status = 0;
	if (!f)
		return fail(err, errlen, "out of memory");
	char *copy = strdup(query ? query : "");
	char *save = NULL;
	for (char *kv = copy ? strtok_r(copy, "&", &save) : NULL; kv && !status; kv = strtok_r(NULL, "&", &save)) {
		char *eq = strchr(kv, '=');
		if (eq)
			*eq = '\0';
		char *key = evhttp_uridecode(kv, 1, NULL);
		char *val = evhttp_uridecode(eq ? eq + 1 : "", 1, NULL);
		if (!key || !val) {
			status = fail(err, errlen, "the query string cannot be decoded");
		} else if (!*key) {
			/* "&&" or a trailing "&": nothing asked */
		} else if (strcmp(key, "format") == 0) {
			snprintf(out->format, sizeof(out->format), "%s", val);
		} else if (strcmp(key, "limit") == 0) {
			if (parse_count(val, max_limit, &out->limit) != 0)
				status = fail(err, errlen, "limit must be a whole number (at most %ld rows are sent at once)",
				              max_limit);
		} else if (strcmp(key, "offset") == 0) {
			if (parse_count(val, 999999999, &out->offset) != 0)
				status = fail(err, errlen, "offset must be a whole number of rows to skip");
		} else if (strcmp(key, "order") == 0) {
			status = apply_order(&order, val, cols, n, err, errlen);
		} else {
			size_t klen = strlen(key);
			enum { EXACT, GTE, LTE } op = EXACT;
			if (klen > 4 && strcmp(key + klen - 4, ".gte") == 0)
				op = GTE, klen -= 4;
			else if (klen > 4 && strcmp(key + klen - 4, ".lte") == 0)
				op = LTE, klen -= 4;
			int c = find_column(cols, n, key, klen);
			if (c < 0) {
				status = fail(err, errlen,
				              "\"%.64s\" is neither a column of report.%s nor one of format, limit, offset, "
				              "order",
				              key, view);
			} else if (op == EXACT) {
				/* "a,b" and repeated keys both mean "any of" */
				for (const char *p = val;;) {
					const char *comma = strchr(p, ',');
					add_value(&f[c], p, comma ? (size_t)(comma - p) : strlen(p));
					if (!comma)
						break;
					p = comma + 1;
				}
			} else {
				char **slot = op == GTE ? &f[c].gte : &f[c].lte;
				free(*slot);
				*slot = strdup(val);
			}
		}
		free(key);
		free(val);
	}
	free(copy);

	char qview[160];
	if (!status && report_quote_ident(view, qview, sizeof(qview)) != 0)
		status = fail(err, errlen, "view name too long");
	struct sb where = {0};
	for (size_t i = 0; i < n && !status; i++) {
		char q[160];
		if (!f[i].nvalues && !f[i].gte && !f[i].lte)
			continue;
		if (report_quote_ident(cols[i].name, q, sizeof(q)) != 0 || out->nparams + 5 > REPORT_MAX_PARAMS) {
			status = fail(err, errlen, "too many filters");
			break;
		}
		if (f[i].nvalues) {
			sb_str(&f[i].in, "}");
			char *arr = sb_take(&f[i].in);
			f[i].in.s = NULL;
			if (!arr) {
				status = fail(err, errlen, "out of memory");
				break;
			}
			out->params[out->nparams++] = arr;
			sb_str(&where, where.len ? " AND " : " WHERE ");
			sb_fmt(&where, "v.%s = ANY($%d)", q, out->nparams);
		}
		if (f[i].gte) {
			out->params[out->nparams++] = f[i].gte;
			f[i].gte = NULL;
			sb_str(&where, where.len ? " AND " : " WHERE ");
			sb_fmt(&where, "v.%s >= $%d", q, out->nparams);
		}
		if (f[i].lte) {
			out->params[out->nparams++] = f[i].lte;
			f[i].lte = NULL;
			sb_str(&where, where.len ? " AND " : " WHERE ");
			sb_fmt(&where, "v.%s <= $%d", q, out->nparams);
		}
	}
	if (!status && restrict_to) {
		if (find_column(cols, n, "reporter", 8) < 0) {
			status = fail(err, errlen, "report.%s has no reporter column", view);
		} else {
			out->params[out->nparams++] = strdup(restrict_to);
			sb_str(&where, where.len ? " AND " : " WHERE ");
			sb_fmt(&where, "v.\"reporter\" = $%d", out->nparams);
		}
	}
	for (size_t i = 0; i < n; i++) {
		free(f[i].in.s);
		free(f[i].gte);
		free(f[i].lte);
	}
	free(f);
	if (!status) {
		out->nfilter = out->nparams;
		struct sb sql = {0}, count = {0};
		/* The total is an uncorrelated subquery (run once, as a plain
		 * aggregate the planner can trim); the page is its own subquery so
		 * that LIMIT can stop early or sort only the top rows. */
		sb_str(&count, "SELECT count(*) FROM report.");
		sb_str(&count, qview);
		sb_str(&count, " v");
		if (where.s)
			sb_str(&count, where.s);
		sb_str(&sql, "SELECT (");
		sb_str(&sql, count.s ? count.s : "");
		sb_str(&sql, "), ");
		sb_str(&sql, select);
		sb_str(&sql, " FROM (SELECT * FROM report.");
		sb_str(&sql, qview);
		sb_str(&sql, " v");
		if (where.s)
			sb_str(&sql, where.s);
		if (order.s)
			sb_str(&sql, order.s);
		sb_fmt(&sql, " LIMIT $%d OFFSET $%d) v", out->nparams + 1, out->nparams + 2);
		if (order.s)
			sb_str(&sql, order.s);
		char lim[24], off[24];
		snprintf(lim, sizeof(lim), "%ld", out->limit);
		snprintf(off, sizeof(off), "%ld", out->offset);
		out->params[out->nparams++] = strdup(lim);
		out->params[out->nparams++] = strdup(off);
		out->sql = sb_take(&sql);
		out->count_sql = sb_take(&count);
		for (int i = 0; i < out->nparams; i++)
			if (!out->params[i])
				status = fail(err, errlen, "out of memory");
		if (!out->sql || !out->count_sql)
			status = fail(err, errlen, "out of memory");
	}
	free(where.s);
	free(order.s);
	if (status)
		report_query_clear(out);
	return status;
}

void report_query_clear(struct report_query *q)
{
	free(q->sql);
	free(q->count_sql);
	for (int i = 0; i < q->nparams; i++)
		free(q->params[i]);
	memset(q, 0, sizeof(*q));
}

int report_csv_field(char **buf, size_t *used, size_t *cap, const char *v, size_t len, bool formula_guard)
{
	bool guard = formula_guard && len &&
	             (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@' || v[0] == '\t' || v[0] == '\r');
	bool quote = guard;
	for (size_t i = 0; i < len && !quote; i++)
		quote = v[i] == ',' || v[i] == '"' || v[i] == '\n' || v[i] == '\r';
	size_t need = *used + 2 * len + 4;
	if (need > *cap) {
		size_t c = *cap ? *cap : 4096;
		while (c < need)
			c *= 2;
		char *p = realloc(*buf, c);
		if (!p)
			return -1;
		*buf = p;
		*cap = c;
	}
	char *o = *buf + *used;
	if (quote)
		*o++ = '"';
	if (guard)
		*o++ = '\'';
	for (size_t i = 0; i < len; i++) {
		if (v[i] == '"')
			*o++ = '"';
		*o++ = v[i];
	}
	if (quote)
		*o++ = '"';
	*used = (size_t)(o - *buf);
	return 0;
}
