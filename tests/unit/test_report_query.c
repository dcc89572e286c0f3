/* test_report_query.c - the read API's query string made into SQL: only the
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
	return report_query_build("latest_values", cols, NCOLS, query, "row_to_json(v)::text", restrict_to, 1000, 10000,
	                          q, err, 512);
}

static void test_no_query_reads_the_first_page(void **state)
{
	(void)state;
	struct report_query q;
	char err[512];
	assert_int_equal(build(NULL, NULL, &q, err), 0);
	/* no count: one row past the page tells whether more follow */
	assert_false(q.exact_count);
	assert_string_equal(q.sql, "SELECT NULL::bigint, row_to_json(v)::text"
	                           " FROM (SELECT * FROM report.\"latest_values\" v LIMIT $1 OFFSET $2) v");
	assert_string_equal(q.count_sql, "SELECT count(*) FROM report.\"latest_values\" v");
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
	assert_string_equal(q.sql, "SELECT (SELECT count(*) FROM report.\"latest_values\" v), row_to_json(v)::text"
	                           " FROM (SELECT * FROM report.\"latest_values\" v LIMIT $1 OFFSET $2) v");
	assert_string_equal(q.params[0], "5");
	report_query_clear(&q);
	assert_int_equal(build("count=none", NULL, &q, err), 0);
	assert_false(q.exact_count);
	report_query_clear(&q);
	assert_int_equal(build("count=estimate", NULL, &q, err), 400);
	assert_non_null(strstr(err, "count is exact"));
	assert_null(q.sql);
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
	assert_string_equal(q.count_sql,
	                    "SELECT count(*) FROM report.\"latest_values\" v"
	                    " WHERE v.\"reporter\" = ANY($1) AND v.\"period\" >= $2 AND v.\"value\" <= $3");
	assert_string_equal(q.sql, "SELECT (SELECT count(*) FROM report.\"latest_values\" v"
	                           " WHERE v.\"reporter\" = ANY($1) AND v.\"period\" >= $2 AND v.\"value\" <= $3),"
	                           " row_to_json(v)::text FROM (SELECT * FROM report.\"latest_values\" v"
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
	assert_null(strchr(q.sql, '\''));
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
	assert_non_null(strstr(
		q.sql, " ORDER BY \"value\" DESC NULLS LAST, \"odd\"\"name\" ASC NULLS LAST LIMIT $1 OFFSET $2) v"
		       " ORDER BY \"value\" DESC NULLS LAST, \"odd\"\"name\" ASC NULLS LAST"));
	report_query_clear(&q);
	assert_int_equal(build("order=value;drop", NULL, &q, err), 400);
	assert_non_null(strstr(err, "is not a column"));
	assert_null(q.sql);
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
	assert_non_null(strstr(q.sql, "WHERE v.\"reporter\" = ANY($1) AND v.\"reporter\" = $2 LIMIT $3"));
	assert_non_null(strstr(
		q.sql,
		"(SELECT count(*) FROM report.\"latest_values\" v WHERE v.\"reporter\" = ANY($1) AND v.\"reporter\" = $2)"));
	assert_string_equal(q.params[1], "110000");
	assert_non_null(strstr(q.count_sql, "v.\"reporter\" = $2"));
	report_query_clear(&q);
	static const struct report_column nrep[] = {{"indicator", "text"}};
	assert_int_equal(
		report_query_build("progress", nrep, 1, NULL, "v.*", "110000", 1000, 10000, &q, err, sizeof(err)), 400);
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
		cmocka_unit_test(test_csv_fields_follow_rfc_4180),
		cmocka_unit_test(test_json_kinds_follow_the_column_type),
		cmocka_unit_test(test_json_values_are_valid_json),
		cmocka_unit_test(test_columns_chooses_and_orders),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
