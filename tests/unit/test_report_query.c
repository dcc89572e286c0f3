/* test_report_query.c - the read API's query string made into SQL
 * (report_query.c reads it, store_report.c writes the statement): only the
 * view's own columns become identifiers, every value is a parameter, and
 * each refusal says what was wrong. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_query.h"
#include "store_report.h"
#include "util.h"

static const struct report_column cols[] = {
	{"reporter", "text"},
	{"period", "text"},
	{"value", "numeric"},
	{"odd\"name", "text"},
};
#define NCOLS (sizeof(cols) / sizeof(cols[0]))

static int build(const char *query, const char *restrict_to, struct report_query *q, char *err)
{
	return report_query_build("latest_values", cols, NCOLS, query, restrict_to, 1000, 10000, q, err, 512);
}

/* The whole view's rows, as the CSV of a view sends them. */
static const struct store_report_page page = {"latest_values", cols, NCOLS, STORE_ROWS_ALL, NULL, 0, NULL};

/* sql, count_sql: the statements store_report.c writes for Q (malloc'd). */
static char *sql(const struct report_query *q)
{
	struct ubuf b = {0};
	assert_int_equal(store_report_page_sql(&page, q, &b), 0);
	return b.p;
}

static char *count_sql(const struct report_query *q)
{
	struct ubuf b = {0};
	assert_int_equal(store_report_count_sql(&page, q, &b), 0);
	return b.p;
}

/* expect_sql: the statement of Q (or its count, COUNT) is WANT. */
static void expect_sql(const struct report_query *q, bool count, const char *want)
{
	char *got = count ? count_sql(q) : sql(q);
	assert_string_equal(got, want);
	free(got);
}

/* expect_in_sql: the statement of Q holds WANT. */
static void expect_in_sql(const struct report_query *q, const char *want)
{
	char *got = sql(q);
	if (!strstr(got, want)) {
		print_error("expected %s\nin %s\n", want, got);
		fail();
	}
	free(got);
}

static void test_no_query_reads_the_first_page(void **state)
{
	(void)state;
	struct report_query q;
	char err[512];
	assert_int_equal(build(NULL, NULL, &q, err), 0);
	/* no count: one row past the page tells whether more follow */
	assert_false(q.exact_count);
	expect_sql(&q, false,
	           "SELECT NULL::bigint, v.* FROM (SELECT * FROM report.\"latest_values\" v LIMIT $1 OFFSET $2) v");
	expect_sql(&q, true, "SELECT count(*) FROM report.\"latest_values\" v");
	assert_int_equal(q.nparams, 2);
	assert_int_equal(q.nfilter, 0);
	assert_int_equal(q.limit, 1000);
	assert_string_equal(q.params[0], "1001");
	assert_string_equal(q.params[1], "0");
	report_query_clear(&q);
}

static void test_count_exact_adds_the_total(void **state)
{
	(void)state;
	struct report_query q;
	char err[512];
	assert_int_equal(build("count=exact&limit=5", NULL, &q, err), 0);
	assert_true(q.exact_count);
	expect_sql(&q, false,
	           "SELECT (SELECT count(*) FROM report.\"latest_values\" v), v.*"
	           " FROM (SELECT * FROM report.\"latest_values\" v LIMIT $1 OFFSET $2) v");
	assert_string_equal(q.params[0], "5");
	report_query_clear(&q);
	assert_int_equal(build("count=none", NULL, &q, err), 0);
	assert_false(q.exact_count);
	report_query_clear(&q);
	assert_int_equal(build("count=estimate", NULL, &q, err), 400);
	assert_non_null(strstr(err, "count is exact"));
	assert_int_equal(q.nparams, 0);
}

static void test_filters_are_parameters_of_the_columns_type(void **state)
{
	(void)state;
	struct report_query q;
	char err[512];
	assert_int_equal(
		build("reporter=110000,310000&period.gte=2018Q1&value.lte=5&reporter=440300&limit=20&offset=40&count=exact",
	              NULL, &q, err),
		0);
	expect_sql(&q, true,
	           "SELECT count(*) FROM report.\"latest_values\" v"
	           " WHERE v.\"reporter\" = ANY($1) AND v.\"period\" >= $2 AND v.\"value\" <= $3");
	expect_sql(&q, false,
	           "SELECT (SELECT count(*) FROM report.\"latest_values\" v"
	           " WHERE v.\"reporter\" = ANY($1) AND v.\"period\" >= $2 AND v.\"value\" <= $3),"
	           " v.* FROM (SELECT * FROM report.\"latest_values\" v"
	           " WHERE v.\"reporter\" = ANY($1) AND v.\"period\" >= $2 AND v.\"value\" <= $3"
	           " LIMIT $4 OFFSET $5) v");
	assert_string_equal(q.params[0], "{\"110000\",\"310000\",\"440300\"}");
	assert_string_equal(q.params[1], "2018Q1");
	assert_string_equal(q.params[2], "5");
	assert_string_equal(q.params[3], "20");
	assert_string_equal(q.params[4], "40");
	assert_int_equal(q.nfilter, 3);
	report_query_clear(&q);
}

static void test_sql_in_a_value_stays_a_value(void **state)
{
	(void)state;
	struct report_query q;
	char err[512];
	assert_int_equal(build("reporter=x%27%20or%201%3D1%3B--&period=a%22b%5Cc", NULL, &q, err), 0);
	char *text = sql(&q);
	assert_null(strchr(text, '\''));
	free(text);
	assert_string_equal(q.params[0], "{\"x' or 1=1;--\"}");
	assert_string_equal(q.params[1], "{\"a\\\"b\\\\c\"}");
	report_query_clear(&q);
}

static void test_order_is_checked_and_quoted(void **state)
{
	(void)state;
	struct report_query q;
	char err[512];
	assert_int_equal(build("order=-value,odd%22name", NULL, &q, err), 0);
	expect_in_sql(&q, " ORDER BY \"value\" DESC NULLS LAST, \"odd\"\"name\" ASC NULLS LAST LIMIT $1 OFFSET $2) v"
	                  " ORDER BY \"value\" DESC NULLS LAST, \"odd\"\"name\" ASC NULLS LAST");
	report_query_clear(&q);
	assert_int_equal(build("order=value;drop", NULL, &q, err), 400);
	assert_non_null(strstr(err, "is not a column"));
	assert_int_equal(q.nparams, 0);
	assert_null(q.order);
}

static void test_unknown_column_and_bad_numbers_are_refused(void **state)
{
	(void)state;
	struct report_query q;
	char err[512];
	assert_int_equal(build("colour=red", NULL, &q, err), 400);
	assert_non_null(strstr(err, "\"colour\" is neither a column"));
	assert_int_equal(build("limit=ten", NULL, &q, err), 400);
	assert_int_equal(build("offset=-1", NULL, &q, err), 400);
	assert_int_equal(build("value.gt=3", NULL, &q, err), 400);
}

static void test_limit_is_capped(void **state)
{
	(void)state;
	struct report_query q;
	char err[512];
	assert_int_equal(build("limit=99999", NULL, &q, err), 0);
	assert_int_equal(q.limit, 10000);
	report_query_clear(&q);
}

static void test_a_province_is_restricted_to_its_reporter(void **state)
{
	(void)state;
	struct report_query q;
	char err[512];
	assert_int_equal(build("reporter=310000&count=exact", "110000", &q, err), 0);
	expect_in_sql(&q, "WHERE v.\"reporter\" = ANY($1) AND v.\"reporter\" = $2 LIMIT $3");
	expect_in_sql(
		&q,
		"(SELECT count(*) FROM report.\"latest_values\" v WHERE v.\"reporter\" = ANY($1) AND v.\"reporter\" = $2)");
	assert_string_equal(q.params[1], "110000");
	expect_sql(
		&q, true,
		"SELECT count(*) FROM report.\"latest_values\" v WHERE v.\"reporter\" = ANY($1) AND v.\"reporter\" = $2");
	report_query_clear(&q);
	static const struct report_column nrep[] = {{"indicator", "text"}};
	assert_int_equal(report_query_build("progress", nrep, 1, NULL, "110000", 1000, 10000, &q, err, sizeof(err)),
	                 400);
}

/* A wide view: reporter and c1…c29. */
static struct report_column wide[30];
static char wide_names[30][12];

static int build_wide(const char *query, struct report_query *q, char *err)
{
	for (int i = 0; i < 30; i++) {
		snprintf(wide_names[i], sizeof(wide_names[i]), i ? "c%d" : "reporter", i);
		wide[i] = (struct report_column){wide_names[i], "text"};
	}
	return report_query_build("wide", wide, 30, query, "110000", 1000, 10000, q, err, 512);
}

static void test_filters_leave_room_for_the_reporter_and_the_page(void **state)
{
	(void)state;
	struct report_query q;
	char err[512];
	struct ubuf b = {0};
	/* 19 columns filtered three ways, the province's own reporter, the page */
	for (int i = 1; i <= 19; i++)
		ubuf_printf(&b, "c%d=a&c%d.gte=1&c%d.lte=2&", i, i, i);
	assert_int_equal(build_wide(b.p, &q, err), 0);
	assert_int_equal(q.nfilter, 58);
	assert_int_equal(q.nparams, 60);
	assert_int_equal(q.filters[57].op, REPORT_EQ);
	assert_string_equal(q.params[57], "110000");
	report_query_clear(&q);
	/* two more filters, then three more: no room left for all of them */
	ubuf_puts(&b, "c20=a&c20.gte=1&c21=a&c21.gte=1&c21.lte=2");
	assert_int_equal(build_wide(b.p, &q, err), 400);
	assert_string_equal(err, "too many filters");
	assert_int_equal(q.nparams, 0);
	free(b.p);
}

static void test_rows_send_the_columns_asked_for(void **state)
{
	(void)state;
	static const struct report_column typed[] = {
		{"reporter", "text"}, {"value", "numeric"}, {"received_at", "timestamp with time zone"}};
	struct report_query q;
	char err[512];
	assert_int_equal(report_query_build("v", typed, 3, "order=-received_at", NULL, 10, 10, &q, err, 512), 0);
	const size_t pick[] = {2, 0};
	const enum report_json_kind kinds[] = {REPORT_JSON_SQL, REPORT_JSON_STRING};
	struct store_report_page pg = {"v", typed, 3, STORE_ROWS_PICK, pick, 2, kinds};
	struct ubuf b = {0};
	/* as JSON: a timestamp through to_json, text as it is */
	assert_int_equal(store_report_page_sql(&pg, &q, &b), 0);
	assert_string_equal(b.p, "SELECT NULL::bigint, to_json(v.\"received_at\")::text, v.\"reporter\" FROM (SELECT * "
	                         "FROM report.\"v\" v ORDER BY \"received_at\" DESC NULLS LAST LIMIT $1 OFFSET $2) v "
	                         "ORDER BY \"received_at\" DESC NULLS LAST");
	b.len = 0;
	pg.kinds = NULL; /* as CSV: every column's own text */
	assert_int_equal(store_report_page_sql(&pg, &q, &b), 0);
	assert_non_null(strstr(b.p, "SELECT NULL::bigint, v.\"received_at\", v.\"reporter\" FROM"));
	b.len = 0;
	pg.npick = 0; /* a view without columns */
	assert_int_equal(store_report_page_sql(&pg, &q, &b), 0);
	assert_non_null(strstr(b.p, "SELECT NULL::bigint, NULL FROM"));
	b.len = 0;
	pg.rows = STORE_ROWS_SDMX;
	assert_int_equal(store_report_page_sql(&pg, &q, &b), 0);
	assert_non_null(strstr(b.p,
	                       "SELECT NULL::bigint, v.reporter, v.indicator, v.period, v.value, v.unit, v.comment "
	                       "FROM (SELECT * FROM report.\"v\" v ORDER BY"));
	free(b.p);
	report_query_clear(&q);
}

static void test_csv_fields_follow_rfc_4180(void **state)
{
	(void)state;
	struct ubuf b = {0};
	assert_int_equal(report_csv_field(&b, "plain 北京", strlen("plain 北京"), true), 0);
	assert_int_equal(report_csv_field(&b, ",", 1, false), 0);
	assert_int_equal(report_csv_field(&b, "a \"q\", b", 8, true), 0);
	assert_int_equal(report_csv_field(&b, "=1+2", 4, true), 0);
	assert_int_equal(report_csv_field(&b, "-3.5", 4, false), 0);
	assert_int_equal(report_csv_field(&b, "\"\"", 2, false), 0);
	assert_int_equal(report_csv_field(&b, "", 0, true), 0);
	assert_false(b.oom);
	assert_string_equal(b.p, "plain 北京\",\"\"a \"\"q\"\", b\"\"'=1+2\"-3.5\"\"\"\"\"\"");
	assert_int_equal(b.len, strlen(b.p));
	free(b.p);
}

static void test_json_kinds_follow_the_column_type(void **state)
{
	(void)state;
	assert_int_equal(report_json_kind("numeric"), REPORT_JSON_NUMBER);
	assert_int_equal(report_json_kind("numeric(12,4)"), REPORT_JSON_NUMBER);
	assert_int_equal(report_json_kind("double precision"), REPORT_JSON_NUMBER);
	assert_int_equal(report_json_kind("bigint"), REPORT_JSON_NUMBER);
	assert_int_equal(report_json_kind("text"), REPORT_JSON_STRING);
	assert_int_equal(report_json_kind("character varying(20)"), REPORT_JSON_STRING);
	assert_int_equal(report_json_kind("boolean"), REPORT_JSON_BOOL);
	assert_int_equal(report_json_kind("jsonb"), REPORT_JSON_RAW);
	assert_int_equal(report_json_kind("text[]"), REPORT_JSON_SQL);
	assert_int_equal(report_json_kind("numeric[]"), REPORT_JSON_SQL);
	assert_int_equal(report_json_kind("timestamp with time zone"), REPORT_JSON_SQL);
	assert_int_equal(report_json_kind("date"), REPORT_JSON_SQL);
	assert_int_equal(report_json_kind("textual"), REPORT_JSON_SQL);
}

static void put(struct ubuf *b, enum report_json_kind k, const char *v)
{
	report_json_value(b, k, v, v ? strlen(v) : 0);
	ubuf_puts(b, " ");
}

static void test_json_values_are_valid_json(void **state)
{
	(void)state;
	struct ubuf b = {0};
	put(&b, REPORT_JSON_NUMBER, "57.00");
	put(&b, REPORT_JSON_NUMBER, "-0.5");
	put(&b, REPORT_JSON_NUMBER, "1e+20");
	put(&b, REPORT_JSON_NUMBER, "NaN");
	put(&b, REPORT_JSON_NUMBER, "-Infinity");
	put(&b, REPORT_JSON_NUMBER, "007");
	put(&b, REPORT_JSON_NUMBER, "1.");
	put(&b, REPORT_JSON_NUMBER, NULL);
	put(&b, REPORT_JSON_BOOL, "t");
	put(&b, REPORT_JSON_BOOL, "f");
	put(&b, REPORT_JSON_STRING, "含 \"引号\"\\ \n\t\x01");
	put(&b, REPORT_JSON_RAW, "{\"a\": [1]}");
	assert_false(b.oom);
	assert_string_equal(b.p, "57.00 -0.5 1e+20 \"NaN\" \"-Infinity\" \"007\" \"1.\" null true false "
	                         "\"含 \\\"引号\\\"\\\\ \\n\\t\\u0001\" {\"a\": [1]} ");
	free(b.p);
}

static void test_columns_chooses_and_orders(void **state)
{
	(void)state;
	size_t pick[NCOLS], n;
	char err[512];
	assert_int_equal(report_columns_pick("latest_values", cols, NCOLS, "limit=5", pick, &n, err, 512), 0);
	assert_int_equal(n, 0); /* no key: every column */
	assert_int_equal(report_columns_pick("latest_values", cols, NCOLS, "columns=value,%20reporter&reporter=110000",
	                                     pick, &n, err, 512),
	                 0);
	assert_int_equal(n, 2);
	assert_int_equal(pick[0], 2);
	assert_int_equal(pick[1], 0);
	/* repeated keys add; an encoded name is decoded first */
	assert_int_equal(report_columns_pick("latest_values", cols, NCOLS, "columns=period&colu%6Dns=odd%22name", pick,
	                                     &n, err, 512),
	                 0);
	assert_int_equal(n, 2);
	assert_int_equal(pick[0], 1);
	assert_int_equal(pick[1], 3);
	assert_int_equal(report_columns_pick("latest_values", cols, NCOLS, "columns=value,colour", pick, &n, err, 512),
	                 400);
	assert_non_null(strstr(err, "\"colour\" is not a column of report.latest_values"));
	assert_int_equal(n, 0);
	assert_int_equal(report_columns_pick("latest_values", cols, NCOLS, "columns=value,value", pick, &n, err, 512),
	                 400);
	assert_non_null(strstr(err, "twice"));
	assert_int_equal(report_columns_pick("latest_values", cols, NCOLS, "columns=", pick, &n, err, 512), 400);
	assert_int_equal(report_columns_pick("latest_values", cols, NCOLS, "columns=value,", pick, &n, err, 512), 400);
	assert_int_equal(report_columns_pick("latest_values", cols, NCOLS, "columns=%ZZ", pick, &n, err, 512), 400);
	/* the statement builder leaves the key alone: it is no filter */
	struct report_query q;
	assert_int_equal(build("columns=value&reporter=110000", NULL, &q, err), 0);
	assert_int_equal(q.nfilter, 1);
	report_query_clear(&q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_query_reads_the_first_page),
		cmocka_unit_test(test_count_exact_adds_the_total),
		cmocka_unit_test(test_filters_are_parameters_of_the_columns_type),
		cmocka_unit_test(test_sql_in_a_value_stays_a_value),
		cmocka_unit_test(test_order_is_checked_and_quoted),
		cmocka_unit_test(test_unknown_column_and_bad_numbers_are_refused),
		cmocka_unit_test(test_limit_is_capped),
		cmocka_unit_test(test_a_province_is_restricted_to_its_reporter),
		cmocka_unit_test(test_filters_leave_room_for_the_reporter_and_the_page),
		cmocka_unit_test(test_rows_send_the_columns_asked_for),
		cmocka_unit_test(test_csv_fields_follow_rfc_4180),
		cmocka_unit_test(test_json_kinds_follow_the_column_type),
		cmocka_unit_test(test_json_values_are_valid_json),
		cmocka_unit_test(test_columns_chooses_and_orders),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
