/* report_query.h - turns a read API query string (?col=v&col.gte=v&order=
 * -col&limit=&offset=&count=&columns=&format=) into one parameterized SELECT over a view of
 * schema report. Identifiers come only from the view's own column list;
 * every value travels as a parameter. No I/O: the daemon and the fuzzer
 * share it. */
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

/* What the caller asks for, checked. Strings are owned; report_query_clear. */
struct report_query {
	char *sql; /* SELECT (<count_sql>), <select> FROM (SELECT * FROM … WHERE … ORDER BY … LIMIT … OFFSET …) v ORDER BY …
	                   * with ?count=exact; without it the first column is NULL and
	                   * the page asks for limit + 1 rows (the last one only says there are more) */
	char *count_sql; /* SELECT count(*) FROM … WHERE … (the same filters, no paging) */
	char *params[REPORT_MAX_PARAMS];
	int nparams; /* the paging statement has two more: limit and offset */
	int nfilter; /* parameters of count_sql (the first nfilter) */
	long limit, offset;
	bool exact_count; /* ?count=exact: the answer carries the number of matching rows */
	char format[16];  /* the value of ?format= ("" when absent) */
};

/* report_query_build: check QUERY (the raw query string, NULL for none)
 * against the COLUMNS (N) of report.VIEW and fill OUT. SELECT is the select
 * list after the row count (it may name the view's row as "v"). RESTRICT_TO
 * (NULL for none) adds "reporter = RESTRICT_TO" (the view must have a
 * reporter column). DEF_LIMIT/MAX_LIMIT bound ?limit=. Returns 0, or 400
 * with ERR saying what is wrong in words a spreadsheet user can act on. */
int report_query_build(const char *view, const struct report_column *cols, size_t n, const char *query,
                       const char *select, const char *restrict_to, long def_limit, long max_limit,
                       struct report_query *out, char *err, size_t errlen);

/* report_columns_pick: the columns ?columns=a,b,c of QUERY chooses among the
 * COLUMNS (N) of report.VIEW, in the order asked, as indexes into PICK (room
 * for N); *NPICK = 0 when QUERY has no columns key (every column). Repeated
 * keys add to the list. Returns 0, or 400 with ERR when a name is not a
 * column of the view, is named twice, or the list is empty. */
int report_columns_pick(const char *view, const struct report_column *cols, size_t n, const char *query, size_t *pick,
                        size_t *npick, char *err, size_t errlen);

/* report_query_clear: release what OUT holds; a cleared query is empty. */
void report_query_clear(struct report_query *q);

/* report_quote_ident: NAME as a double-quoted SQL identifier into OUT;
 * returns -1 when it does not fit. */
int report_quote_ident(const char *name, char *out, size_t len);

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
