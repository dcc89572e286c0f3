/* store_report.c - the read API's SQL. The only identifiers it writes into
 * a statement are a view's name and the column names the catalog returned,
 * double-quoted; every value the caller typed is a parameter
 * (report_query.c), so a value never becomes SQL.
 *
 * A page is one statement. The total, asked for with count=exact, is an
 * uncorrelated subquery (run once, as a plain aggregate the planner can
 * trim); the page is its own subquery so that LIMIT can stop early or sort
 * only the top rows:
 *
 *   SELECT (SELECT count(*) FROM report."v" v WHERE …), <columns>
 *   FROM (SELECT * FROM report."v" v WHERE … ORDER BY … LIMIT $n OFFSET $n+1) v ORDER BY …
 *
 * Without count=exact the first column is NULL and one row past the page
 * says whether more follow. */
#include "store_report.h"

#include <stdio.h>
#include <stdlib.h>

#include "util.h"

/* quote_ident: NAME as a double-quoted SQL identifier appended to B. */
static void quote_ident(struct ubuf *b, const char *name)
{
	ubuf_put(b, "\"", 1);
	for (const char *p = name; *p; p++) {
		if (*p == '"')
			ubuf_put(b, "\"", 1); /* a quote inside is written twice */
		ubuf_put(b, p, 1);
	}
	ubuf_put(b, "\"", 1);
}

/* column: "v.<name>" of column I of PG's view. */
static void column(struct ubuf *b, const struct store_report_page *pg, size_t i)
{
	ubuf_puts(b, "v.");
	quote_ident(b, pg->cols[i].name);
}

/* from: the view and Q's filters. */
static void from(struct ubuf *b, const struct store_report_page *pg, const struct report_query *q)
{
	ubuf_puts(b, "report.");
	quote_ident(b, pg->view);
	ubuf_puts(b, " v");
	for (int k = 0; k < q->nfilter; k++) {
		const struct report_filter *f = &q->filters[k];
		ubuf_puts(b, k ? " AND " : " WHERE ");
		column(b, pg, f->col);
		switch (f->op) {
		case REPORT_ANY: ubuf_printf(b, " = ANY($%d)", k + 1); break;
		case REPORT_GTE: ubuf_printf(b, " >= $%d", k + 1); break;
		case REPORT_LTE: ubuf_printf(b, " <= $%d", k + 1); break;
		case REPORT_EQ: ubuf_printf(b, " = $%d", k + 1); break;
		}
	}
}

static void order_by(struct ubuf *b, const struct store_report_page *pg, const struct report_query *q)
{
	for (size_t k = 0; k < q->norder; k++) {
		ubuf_puts(b, k ? ", " : " ORDER BY ");
		quote_ident(b, pg->cols[q->order[k].col].name);
		ubuf_puts(b, q->order[k].desc ? " DESC NULLS LAST" : " ASC NULLS LAST");
	}
}

/* row: the columns each row of the page sends. JSON is built in C from
 * each column's text (row_to_json cost the server more than reading the
 * rows: it looks up every column's type on every row); only types without
 * a plain JSON text (dates, times, arrays…) go through to_json. */
static void row(struct ubuf *b, const struct store_report_page *pg)
{
	switch (pg->rows) {
	case STORE_ROWS_ALL: ubuf_puts(b, "v.*"); break;
	case STORE_ROWS_SDMX: ubuf_puts(b, "v.reporter, v.indicator, v.period, v.value, v.unit, v.comment"); break;
	case STORE_ROWS_PICK:
		for (size_t k = 0; k < pg->npick; k++) {
			bool json = pg->kinds && pg->kinds[k] == REPORT_JSON_SQL;
			ubuf_puts(b, k ? ", " : "");
			ubuf_puts(b, json ? "to_json(" : "");
			column(b, pg, pg->pick[k]);
			ubuf_puts(b, json ? ")::text" : "");
		}
		if (!pg->npick)
			ubuf_puts(b, "NULL"); /* a view without columns: rows of {} */
		break;
	}
}

int store_report_count_sql(const struct store_report_page *pg, const struct report_query *q, struct ubuf *sql)
{
	ubuf_puts(sql, "SELECT count(*) FROM ");
	from(sql, pg, q);
	return sql->oom ? -1 : 0;
}

int store_report_page_sql(const struct store_report_page *pg, const struct report_query *q, struct ubuf *sql)
{
	if (q->exact_count) {
		ubuf_puts(sql, "SELECT (");
		store_report_count_sql(pg, q, sql);
		ubuf_puts(sql, "), ");
	} else {
		ubuf_puts(sql, "SELECT NULL::bigint, ");
	}
	row(sql, pg);
	ubuf_puts(sql, " FROM (SELECT * FROM ");
	from(sql, pg, q);
	order_by(sql, pg, q);
	ubuf_printf(sql, " LIMIT $%d OFFSET $%d) v", q->nfilter + 1, q->nfilter + 2);
	order_by(sql, pg, q);
	return sql->oom ? -1 : 0;
}

int store_report_page(struct db_conn *c, const struct store_report_page *pg, const struct report_query *q,
                      db_result_cb cb, void *arg)
{
	struct ubuf sql = {0};
	if (store_report_page_sql(pg, q, &sql) != 0) {
		free(sql.p);
		return -1;
	}
	db_query(c, sql.p, q->nparams, (const char *const *)q->params, cb, arg);
	free(sql.p); /* libpq has copied it into its output buffer */
	return 0;
}

int store_report_count(struct db_conn *c, const struct store_report_page *pg, const struct report_query *q,
                       db_result_cb cb, void *arg)
{
	struct ubuf sql = {0};
	if (store_report_count_sql(pg, q, &sql) != 0) {
		free(sql.p);
		return -1;
	}
	db_query(c, sql.p, q->nfilter, (const char *const *)q->params, cb, arg);
	free(sql.p);
	return 0;
}

void store_report_list(struct db_conn *c, db_result_cb cb, void *arg)
{
	db_query(c,
	         "SELECT c.relname::text, coalesce(obj_description(c.oid, 'pg_class'), ''),"
	         " json_agg(json_build_object('name', a.attname, 'type', format_type(a.atttypid, a.atttypmod),"
	         "  'comment', col_description(c.oid, a.attnum)) ORDER BY a.attnum)::text,"
	         " bool_or(a.attname = 'reporter')"
	         " FROM pg_catalog.pg_class c"
	         " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
	         " JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
	         " WHERE n.nspname = 'report' AND c.relkind IN ('v', 'm') AND has_table_privilege(c.oid, 'SELECT')"
	         " GROUP BY c.oid, c.relname ORDER BY c.relname",
	         0, NULL, cb, arg);
}

void store_report_catalog(struct db_conn *c, const char *view, const char *timeout_ms, db_result_cb cb, void *arg)
{
	/* The timeout rides on the catalog statement, so that a reload reaches
	 * each connection at its next request. */
	const char *p[2] = {view, timeout_ms};
	db_query(c,
	         "SELECT a.attname::text, format_type(a.atttypid, a.atttypmod), col_description(c.oid, a.attnum),"
	         " obj_description(c.oid, 'pg_class'), set_config('statement_timeout', $2, false)"
	         " FROM pg_catalog.pg_class c"
	         " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
	         " JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
	         " WHERE n.nspname = 'report' AND c.relname = $1 AND c.relkind IN ('v', 'm')"
	         " AND has_table_privilege(c.oid, 'SELECT')"
	         " ORDER BY a.attnum",
	         2, p, cb, arg);
}

/* join_collapse_limit and from_collapse_limit = 1 keep the joins of a view
 * in the order it writes them (its main table first, then lookups): the
 * progress views join nine relations, and searching every order of them
 * cost the planner 15-100 ms per request at county scale, more than running
 * the plan it found. jit = off: the views' estimated costs pass the JIT
 * threshold at county scale, and compiling took 2.5 s of a 2.9 s answer
 * (report.validation_violations at 500 county reporters); a page of a view
 * is never long enough to repay it. */
const char *store_report_setup(const char *timeout_ms)
{
	static char sql[384];
	snprintf(sql, sizeof(sql),
	         "SET application_name = 'mestatd read API'; SET ROLE mestat_evaluator;"
	         " SET default_transaction_read_only = on; SET join_collapse_limit = 1;"
	         " SET from_collapse_limit = 1; SET jit = off; SET statement_timeout = %s",
	         timeout_ms);
	return sql;
}
