/* report_query.c - the read API's query string made into filters, an
 * order and a page. The only names it accepts are the column names the
 * catalog returned; everything the caller typed is a parameter, compared
 * with the column's own type (PostgreSQL infers the parameter's type from
 * the column), so a value never becomes SQL. store_report.c writes the
 * statement. */
#include "report_query.h"

#include <event2/http.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* What one column is filtered by: a list of exact values, bounds. */
struct col_filter {
	struct ubuf in; /* array literal {"a","b"} being built */
	int nvalues;
	char *gte, *lte;
};

static void add_value(struct col_filter *f, const char *v, size_t n)
{
	ubuf_puts(&f->in, f->nvalues ? "," : "{");
	ubuf_puts(&f->in, "\"");
	for (size_t i = 0; i < n; i++) {
		if (v[i] == '"' || v[i] == '\\')
			ubuf_puts(&f->in, "\\");
		ubuf_put(&f->in, v + i, 1);
	}
	ubuf_puts(&f->in, "\"");
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

/* apply_order: ORDER=col,-col → the keys of OUT's order, ascending unless
 * the name follows a minus. */
static int apply_order(struct report_query *out, const char *v, const struct report_column *cols, size_t n, char *err,
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
			return fail(err, errlen,
			            "order: \"%.*s\" is not a column of this view; write order=col or order=-col "
			            "(descending), several separated by commas",
			            (int)(len > 64 ? 64 : len), p);
		struct report_sort *o = realloc(out->order, (out->norder + 1) * sizeof(*o));
		if (!o)
			return fail(err, errlen, "out of memory");
		out->order = o;
		out->order[out->norder++] = (struct report_sort){(size_t)c, desc};
		p += end ? (size_t)(end - p) + 1 : strlen(p);
	}
	return 0;
}

/* add_filter: column COL compared by OP with VALUE (taken). */
static void add_filter(struct report_query *out, size_t col, enum report_op op, char *value)
{
	out->filters[out->nfilter++] = (struct report_filter){col, op};
	out->params[out->nparams++] = value;
}

int report_query_build(const char *view, const struct report_column *cols, size_t n, const char *query,
                       const char *restrict_to, long def_limit, long max_limit, struct report_query *out, char *err,
                       size_t errlen)
{
	memset(out, 0, sizeof(*out));
	out->limit = def_limit;
	struct col_filter *f = calloc(n ? n : 1, sizeof(*f));
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
				status = fail(err, errlen,
				              "limit must be a whole number (at most %ld rows are sent at once)",
				              max_limit);
		} else if (strcmp(key, "count") == 0) {
			if (strcmp(val, "exact") == 0)
				out->exact_count = true;
			else if (strcmp(val, "none") == 0 || !*val)
				out->exact_count = false;
			else
				status = fail(err, errlen,
				              "count is exact (the answer carries the number of matching rows) "
				              "or none (the default: the answer says only whether more rows follow)");
		} else if (strcmp(key, "offset") == 0) {
			if (parse_count(val, 999999999, &out->offset) != 0)
				status = fail(err, errlen, "offset must be a whole number of rows to skip");
		} else if (strcmp(key, "order") == 0) {
			status = apply_order(out, val, cols, n, err, errlen);
		} else if (strcmp(key, "columns") == 0) {
			/* which columns are sent: report_columns_pick */
		} else {
			size_t klen = strlen(key);
			enum { EXACT, GTE, LTE } op = EXACT;
			if (klen > 4 && strcmp(key + klen - 4, ".gte") == 0)
				op = GTE, klen -= 4;
			else if (klen > 4 && strcmp(key + klen - 4, ".lte") == 0)
				op = LTE, klen -= 4;
			int c = find_column(cols, n, key, klen);
			if (c < 0) {
				status = fail(
					err, errlen,
					"\"%.64s\" is neither a column of report.%s nor one of format, limit, offset, "
					"order, count, columns",
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

	/* The filters in the order of the view's columns, each column's values,
	 * then its bounds; a province's own reporter last. */
	for (size_t i = 0; i < n && !status; i++) {
		if (!f[i].nvalues && !f[i].gte && !f[i].lte)
			continue;
		/* room for this column's three at most, then a province's
		 * reporter, the limit and the offset */
		if (out->nparams + 3 + 3 > REPORT_MAX_PARAMS) {
			status = fail(err, errlen, "too many filters");
			break;
		}
		if (f[i].nvalues) {
			ubuf_puts(&f[i].in, "}");
			if (f[i].in.oom) {
				status = fail(err, errlen, "out of memory");
				break;
			}
			add_filter(out, i, REPORT_ANY, f[i].in.p);
			f[i].in.p = NULL;
		}
		if (f[i].gte) {
			add_filter(out, i, REPORT_GTE, f[i].gte);
			f[i].gte = NULL;
		}
		if (f[i].lte) {
			add_filter(out, i, REPORT_LTE, f[i].lte);
			f[i].lte = NULL;
		}
	}
	if (!status && restrict_to) {
		int rc = find_column(cols, n, "reporter", 8);
		if (rc < 0)
			status = fail(err, errlen, "report.%s has no reporter column", view);
		else
			add_filter(out, (size_t)rc, REPORT_EQ, strdup(restrict_to));
	}
	for (size_t i = 0; i < n; i++) {
		free(f[i].in.p);
		free(f[i].gte);
		free(f[i].lte);
	}
	free(f);
	if (!status) {
		char lim[24], off[24];
		snprintf(lim, sizeof(lim), "%ld", out->limit + (out->exact_count ? 0 : 1));
		snprintf(off, sizeof(off), "%ld", out->offset);
		out->params[out->nparams++] = strdup(lim);
		out->params[out->nparams++] = strdup(off);
		for (int i = 0; i < out->nparams; i++)
			if (!out->params[i])
				status = fail(err, errlen, "out of memory");
	}
	if (status)
		report_query_clear(out);
	return status;
}

int report_columns_pick(const char *view, const struct report_column *cols, size_t n, const char *query, size_t *pick,
                        size_t *npick, char *err, size_t errlen)
{
	*npick = 0;
	char *copy = strdup(query ? query : "");
	if (!copy)
		return fail(err, errlen, "out of memory");
	int status = 0;
	char *save = NULL;
	for (char *kv = strtok_r(copy, "&", &save); kv && !status; kv = strtok_r(NULL, "&", &save)) {
		char *eq = strchr(kv, '=');
		if (eq)
			*eq = '\0';
		char *key = evhttp_uridecode(kv, 1, NULL);
		char *val = key && strcmp(key, "columns") == 0 ? evhttp_uridecode(eq ? eq + 1 : "", 1, NULL) : NULL;
		if (!key) {
			status = fail(err, errlen, "the query string cannot be decoded");
		} else if (strcmp(key, "columns") != 0) {
			/* a filter, order, paging or format: report_query_build */
		} else if (!val) {
			status = fail(err, errlen, "the query string cannot be decoded");
		} else {
			for (const char *p = val; !status;) {
				const char *comma = strchr(p, ',');
				size_t len = comma ? (size_t)(comma - p) : strlen(p);
				while (len && *p == ' ')
					p++, len--;
				while (len && p[len - 1] == ' ')
					len--;
				int c = find_column(cols, n, p, len);
				if (len == 0) {
					status = fail(err, errlen,
					              "columns: a name is missing; write columns=a,b,c with names "
					              "from \"columns\"");
					break;
				} else if (c < 0) {
					status = fail(
						err, errlen,
						"columns: \"%.*s\" is not a column of report.%s; write columns=a,b,c with "
						"names from \"columns\"",
						(int)(len > 64 ? 64 : len), p, view);
					break;
				}
				for (size_t i = 0; i < *npick && !status; i++)
					if (pick[i] == (size_t)c)
						status = fail(err, errlen, "columns: \"%s\" is named twice",
						              cols[c].name);
				if (status)
					break;
				pick[(*npick)++] = (size_t)c;
				if (!comma)
					break;
				p = comma + 1;
			}
		}
		free(key);
		free(val);
	}
	free(copy);
	if (status)
		*npick = 0;
	return status;
}

void report_query_clear(struct report_query *q)
{
	free(q->order);
	for (int i = 0; i < q->nparams; i++)
		free(q->params[i]);
	memset(q, 0, sizeof(*q));
}

enum report_json_kind report_json_kind(const char *type)
{
	static const char *const num[] = {"smallint", "integer", "bigint", "real", "double precision", NULL};
	static const char *const str[] = {"text", "name", "character varying", "character", "\"char\"", NULL};
	if (strcmp(type, "numeric") == 0 || strncmp(type, "numeric(", 8) == 0)
		return REPORT_JSON_NUMBER;
	for (int i = 0; num[i]; i++)
		if (strcmp(type, num[i]) == 0)
			return REPORT_JSON_NUMBER;
	for (int i = 0; str[i]; i++) {
		size_t n = strlen(str[i]);
		if (strncmp(type, str[i], n) == 0 && (type[n] == '\0' || type[n] == '('))
			return REPORT_JSON_STRING;
	}
	if (strcmp(type, "boolean") == 0)
		return REPORT_JSON_BOOL;
	if (strcmp(type, "json") == 0 || strcmp(type, "jsonb") == 0)
		return REPORT_JSON_RAW;
	return REPORT_JSON_SQL;
}

/* json_number: V is a number as JSON writes it (-?int(.frac)?(e[+-]?exp)?). */
static bool json_number(const char *v, size_t len)
{
	size_t i = 0;
	if (i < len && v[i] == '-')
		i++;
	if (i >= len || v[i] < '0' || v[i] > '9' || (v[i] == '0' && i + 1 < len && v[i + 1] >= '0' && v[i + 1] <= '9'))
		return false;
	while (i < len && v[i] >= '0' && v[i] <= '9')
		i++;
	if (i < len && v[i] == '.') {
		if (++i >= len || v[i] < '0' || v[i] > '9')
			return false;
		while (i < len && v[i] >= '0' && v[i] <= '9')
			i++;
	}
	if (i < len && (v[i] == 'e' || v[i] == 'E')) {
		i++;
		if (i < len && (v[i] == '+' || v[i] == '-'))
			i++;
		if (i >= len || v[i] < '0' || v[i] > '9')
			return false;
		while (i < len && v[i] >= '0' && v[i] <= '9')
			i++;
	}
	return i == len;
}

static void json_string(struct ubuf *b, const char *v, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	ubuf_put(b, "\"", 1);
	size_t run = 0; /* bytes copied as they are, waiting to be appended */
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)v[i];
		if (c >= 0x20 && c != '"' && c != '\\') {
			run++;
			continue;
		}
		ubuf_put(b, v + i - run, run);
		run = 0;
		char esc[7] = {'\\', (char)c, 0};
		size_t n = 2;
		switch (c) {
		case '"':
		case '\\': break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		default:
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			n = 6;
		}
		ubuf_put(b, esc, n);
	}
	ubuf_put(b, v + len - run, run);
	ubuf_put(b, "\"", 1);
}

void report_json_value(struct ubuf *b, enum report_json_kind kind, const char *v, size_t len)
{
	if (!v) {
		ubuf_put(b, "null", 4);
		return;
	}
	switch (kind) {
	case REPORT_JSON_NUMBER:
		if (json_number(v, len))
			ubuf_put(b, v, len);
		else
			json_string(b, v, len); /* NaN, Infinity: as PostgreSQL's to_json writes them */
		break;
	case REPORT_JSON_BOOL:
		if (len == 1 && v[0] == 't')
			ubuf_put(b, "true", 4);
		else
			ubuf_put(b, "false", 5);
		break;
	case REPORT_JSON_STRING: json_string(b, v, len); break;
	case REPORT_JSON_RAW:
	case REPORT_JSON_SQL: ubuf_put(b, v, len); break;
	}
}

int report_csv_field(struct ubuf *b, const char *v, size_t len, bool formula_guard)
{
	bool guard = formula_guard && len &&
	             (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@' || v[0] == '\t' || v[0] == '\r');
	bool quote = guard;
	for (size_t i = 0; i < len && !quote; i++)
		quote = v[i] == ',' || v[i] == '"' || v[i] == '\n' || v[i] == '\r';
	if (!quote)
		return ubuf_put(b, v, len);
	ubuf_put(b, guard ? "\"'" : "\"", guard ? 2 : 1);
	size_t from = 0;
	for (size_t i = 0; i < len; i++)
		if (v[i] == '"') { /* written twice: this run ends with it, the next starts with it */
			ubuf_put(b, v + from, i + 1 - from);
			from = i;
		}
	ubuf_put(b, v + from, len - from);
	return ubuf_put(b, "\"", 1);
}
