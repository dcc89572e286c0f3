/* store_report.h - the read API's statements: the views of schema report
 * and their columns from the catalog, one page of a view (filters, order,
 * paging as report_query.c read them) and its row count, and what every
 * connection of the read pool runs first. */
#ifndef MESTAT_STORE_REPORT_H
#define MESTAT_STORE_REPORT_H

#include <stddef.h>

#include "db.h"
#include "report_query.h"

struct ubuf;

/* What each row of a page carries after the row count. */
enum store_report_rows {
	STORE_ROWS_ALL,  /* every column of the view, as text, in the view's order */
	STORE_ROWS_PICK, /* the columns PICK names, in that order, as text */
	STORE_ROWS_SDMX, /* reporter, indicator, period, value, unit, comment (report.latest_values) */
};

/* One page of a view: which view, its columns, and what each row sends. */
struct store_report_page {
	const char *view;                 /* a view of schema report */
	const struct report_column *cols; /* its columns, as the catalog names them */
	size_t ncols;
	enum store_report_rows rows;
	const size_t *pick; /* STORE_ROWS_PICK: indexes into COLS */
	size_t npick;       /* none: each row is one NULL */
	/* STORE_ROWS_PICK: NULL, or per picked column its JSON kind; a column of
	 * kind REPORT_JSON_SQL is then sent as its to_json text. */
	const enum report_json_kind *kinds;
};

/* store_report_page_sql: the statement of page PG for Q into SQL. Its
 * first column is the number of rows Q matches with Q's exact_count, else
 * NULL; the row's columns follow. Q's parameters are its $1..$nparams.
 * 0, or -1 when out of memory. */
int store_report_page_sql(const struct store_report_page *pg, const struct report_query *q, struct ubuf *sql);

/* store_report_count_sql: the statement counting the rows Q's filters
 * match (its first nfilter parameters) into SQL. 0, or -1 when out of memory. */
int store_report_count_sql(const struct store_report_page *pg, const struct report_query *q, struct ubuf *sql);

/* store_report_page: send the statement of page PG for Q on C. -1, without
 * calling CB, when it cannot be written (out of memory). */
int store_report_page(struct db_conn *c, const struct store_report_page *pg, const struct report_query *q,
                      db_result_cb cb, void *arg);

/* store_report_count: send the count of the rows Q's filters match on C.
 * One row: the count. -1, without calling CB, when out of memory. */
int store_report_count(struct db_conn *c, const struct store_report_page *pg, const struct report_query *q,
                       db_result_cb cb, void *arg);

/* store_report_list: the views of schema report the connection's role may
 * read, by name. Rows: name, comment ("" for none), the columns as a JSON
 * array of {name, type, comment}, has a reporter column (t or f). */
void store_report_list(struct db_conn *c, db_result_cb cb, void *arg);

/* store_report_catalog: the columns of report.VIEW if the connection's role
 * may read it, and set the connection's statement_timeout to TIMEOUT_MS.
 * Rows, in the view's column order: name, type (format_type), the column's
 * comment, the view's comment; none when there is no such view. */
void store_report_catalog(struct db_conn *c, const char *view, const char *timeout_ms, db_result_cb cb, void *arg);

/* store_report_setup: what each connection of the read pool runs first (as
 * mestat_evaluator, read-only, statement_timeout TIMEOUT_MS), for db_new.
 * The text lives until the next call. */
const char *store_report_setup(const char *timeout_ms);

#endif
