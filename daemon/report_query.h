/* report_query.h - reads a read API query string (?col=v&col.gte=v&order=
 * -col&limit=&offset=&count=&columns=&format=) against the columns of a
 * view of schema report: which filters, which order, which page. Names are
 * checked against the view's own column list and every value the caller
 * typed becomes a parameter; store_report.c writes the SELECT. No I/O: the
 * daemon and the fuzzer share it. */
#ifndef MESTAT_REPORT_QUERY_H
#define MESTAT_REPORT_QUERY_H

#include <stdbool.h>
#include <stddef.h>

#define REPORT_MAX_PARAMS 64

/* One column of a view, as the catalog names it. */
struct report_column {
	const char *name;
	const char *type; /* format_type(): text, numeric, timestamp with time zone… */
};

/* How a filter compares its column with its parameter. */
enum report_op {
	REPORT_ANY, /* col=a,b (or the key repeated): one of the values; the parameter is an array literal */
	REPORT_GTE, /* col.gte=v: at least v, in the column's own type */
	REPORT_LTE, /* col.lte=v: at most v */
	REPORT_EQ,  /* the caller's own reporter, for a province */
};

/* One filter: column COL (an index into the view's columns) compared by OP
 * with the parameter of the same place in report_query.params. */
struct report_filter {
	size_t col;
	enum report_op op;
};

/* One key of the order: column COL, descending or not (NULLs last either way). */
struct report_sort {
	size_t col;
	bool desc;
};

/* What the caller asks for, checked. Strings are owned; report_query_clear. */
struct report_query {
	struct report_filter filters[REPORT_MAX_PARAMS];
	int nfilter;                     /* filters, and their parameters: the first nfilter */
	char *params[REPORT_MAX_PARAMS]; /* the filters' values, then the page's limit and offset */
	int nparams;                     /* nfilter + 2 */
	struct report_sort *order;       /* ?order=, in the order written */
	size_t norder;
	long limit, offset;
	bool exact_count; /* ?count=exact: the answer carries the number of matching rows; without
	                   * it the page asks for limit + 1 rows (the last one only says there are more) */
	char format[16];  /* the value of ?format= ("" when absent) */
};

/* report_query_build: check QUERY (the raw query string, NULL for none)
 * against the COLUMNS (N) of report.VIEW and fill OUT. RESTRICT_TO (NULL
 * for none) adds the filter reporter = RESTRICT_TO (the view must have a
 * reporter column). DEF_LIMIT/MAX_LIMIT bound ?limit=. Returns 0, or 400
 * with ERR saying what is wrong in words a spreadsheet user can act on. */
int report_query_build(const char *view, const struct report_column *cols, size_t n, const char *query,
                       const char *restrict_to, long def_limit, long max_limit, struct report_query *out, char *err,
                       size_t errlen);

/* report_columns_pick: the columns ?columns=a,b,c of QUERY chooses among the
 * COLUMNS (N) of report.VIEW, in the order asked, as indexes into PICK (room
 * for N); *NPICK = 0 when QUERY has no columns key (every column). Repeated
 * keys add to the list. Returns 0, or 400 with ERR when a name is not a
 * column of the view, is named twice, or the list is empty. */
int report_columns_pick(const char *view, const struct report_column *cols, size_t n, const char *query, size_t *pick,
                        size_t *npick, char *err, size_t errlen);

/* report_query_clear: release what OUT holds; a cleared query is empty. */
void report_query_clear(struct report_query *q);

/* How a column's text value becomes a JSON value in a row of the answer. */
enum report_json_kind {
	REPORT_JSON_NUMBER, /* smallint … numeric: the text itself (NaN, Infinity as strings) */
	REPORT_JSON_BOOL,   /* boolean: t/f as true/false */
	REPORT_JSON_STRING, /* text and character types: a JSON string */
	REPORT_JSON_RAW,    /* json, jsonb: the text is JSON already */
	REPORT_JSON_SQL,    /* any other type (dates, times, arrays…): select to_json(col) */
};

/* report_json_kind: the kind of a column of TYPE (as format_type() names it). */
enum report_json_kind report_json_kind(const char *type);

struct ubuf;

/* report_json_value: append the text value V (LEN bytes) of a column of KIND
 * to B as a JSON value; NULL V is null. For REPORT_JSON_SQL and
 * REPORT_JSON_RAW the text is JSON already (to_json in the query). */
void report_json_value(struct ubuf *b, enum report_json_kind kind, const char *v, size_t len);

/* report_csv_field: append V (LEN bytes) to B as one RFC 4180 field;
 * FORMULA_GUARD prefixes a text starting with = + - @ TAB CR with ' so that
 * a spreadsheet shows it as text. Returns -1 (and B's oom) when out of memory. */
int report_csv_field(struct ubuf *b, const char *v, size_t len, bool formula_guard);

#endif
