/* test_formats.c - what the body decoders promise: rows, exact numbers, periods, and errors that name their position. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "formats/formats.h"

/* Decode BODY (LEN bytes) and insist that it works. */
static void decode_ok_len(enum fmt f, const char *body, size_t len, const struct fmt_sdmx_map *map,
                          struct fmt_result *out)
{
	char err[512] = "";

	if (fmt_decode(f, body, len, map, out, err, sizeof err) != 0) {
		print_error("expected %s to decode, got error: %s\n", fmt_name(f), err);
		fail();
	}
}

static void decode_ok(enum fmt f, const char *body, const struct fmt_sdmx_map *map, struct fmt_result *out)
{
	decode_ok_len(f, body, strlen(body), map, out);
}

/* Decode BODY (LEN bytes) and insist that it fails with a message holding
 * WANT, and leaves the result empty. */
static void decode_fails_len(enum fmt f, const char *body, size_t len, const struct fmt_sdmx_map *map, const char *want)
{
	struct fmt_result out;
	char err[512] = "";

	if (fmt_decode(f, body, len, map, &out, err, sizeof err) == 0) {
		print_error("expected %s to fail with \"%s\", but it decoded "
		            "%zu rows\n",
		            fmt_name(f), want, out.nrows);
		fmt_result_free(&out);
		fail();
	}
	if (!strstr(err, want)) {
		print_error("expected an error containing \"%s\", got \"%s\"\n", want, err);
		fail();
	}
	assert_null(out.rows);
	assert_int_equal(out.nrows, 0);
	assert_null(out.dataset);
}

static void decode_fails(enum fmt f, const char *body, const struct fmt_sdmx_map *map, const char *want)
{
	decode_fails_len(f, body, strlen(body), map, want);
}

/* The value of the only row BODY (native JSON) decodes to. */
static void expect_json_value(const char *body, const char *want)
{
	struct fmt_result out;

	decode_ok(FMT_JSON, body, NULL, &out);
	assert_int_equal(out.nrows, 1);
	assert_string_equal(out.rows[0].value, want);
	fmt_result_free(&out);
}

#define JSON_ONE(v)                                                  \
	"{\"reporter\":\"110000\",\"period\":\"2018Q3\",\"values\":" \
	"[{\"indicator\":\"ecom_turnover\",\"value\":" v "}]}"

/* ---- native JSON ---- */

static void json_top_level_reporter_and_period_apply_to_every_value(void **st)
{
	struct fmt_result out;
	const char *body = "{\"reporter\":\"110000\",\"period\":\"2018Q3\",\"values\":["
			   "{\"indicator\":\"ecom_turnover\",\"value\":12,"
			   "\"comment\":\"估计值\"},"
			   "{\"indicator\":\"incubators\",\"value\":\"7\"}]}";

	(void)st;
	decode_ok(FMT_JSON, body, NULL, &out);
	assert_int_equal(out.nrows, 2);
	assert_string_equal(out.rows[0].reporter, "110000");
	assert_string_equal(out.rows[0].indicator, "ecom_turnover");
	assert_string_equal(out.rows[0].period, "2018Q3");
	assert_string_equal(out.rows[0].value, "12");
	assert_string_equal(out.rows[0].comment, "估计值");
	assert_false(out.rows[0].deleted);
	assert_string_equal(out.rows[1].reporter, "110000");
	assert_string_equal(out.rows[1].value, "7");
	assert_null(out.rows[1].comment);
	assert_null(out.dataset);
	fmt_result_free(&out);
}

static void json_per_value_period_and_reporter_override_top_level(void **st)
{
	struct fmt_result out;
	const char *body = "{\"reporter\":\"110000\",\"period\":\"2018Q3\",\"values\":["
			   "{\"indicator\":\"a\",\"value\":1,\"period\":\"2018-Q4\","
			   "\"reporter\":\"210200\"},"
			   "{\"indicator\":\"b\",\"value\":2}]}";

	(void)st;
	decode_ok(FMT_JSON, body, NULL, &out);
	assert_int_equal(out.nrows, 2);
	assert_string_equal(out.rows[0].reporter, "210200");
	assert_string_equal(out.rows[0].period, "2018Q4");
	assert_string_equal(out.rows[1].reporter, "110000");
	assert_string_equal(out.rows[1].period, "2018Q3");
	fmt_result_free(&out);
}

static void json_without_top_level_takes_everything_per_value(void **st)
{
	struct fmt_result out;
	const char *body = "{\"values\":[{\"indicator\":\"a\",\"value\":1,"
			   "\"period\":\"2019\",\"reporter\":\"650000\"}]}";

	(void)st;
	decode_ok(FMT_JSON, body, NULL, &out);
	assert_int_equal(out.nrows, 1);
	assert_string_equal(out.rows[0].period, "2019");
	assert_string_equal(out.rows[0].reporter, "650000");
	fmt_result_free(&out);
}

static void json_rows_carry_the_pointer_of_their_value(void **st)
{
	struct fmt_result out;
	const char *body = "{\"reporter\":\"1\",\"period\":\"2018Q1\","
			   "\"values\":[{\"indicator\":\"a\",\"value\":1},"
			   "{\"indicator\":\"b\",\"value\":2},"
			   "{\"indicator\":\"c\",\"value\":3}]}";

	(void)st;
	decode_ok(FMT_JSON, body, NULL, &out);
	assert_int_equal(out.nrows, 3);
	assert_string_equal(out.rows[0].loc, "/values/0");
	assert_string_equal(out.rows[2].loc, "/values/2");
	fmt_result_free(&out);
}

static void json_integer_printed_exactly(void **st)
{
	(void)st;
	expect_json_value(JSON_ONE("12"), "12");
	expect_json_value(JSON_ONE("-7"), "-7");
	expect_json_value(JSON_ONE("9007199254740993"), "9007199254740993");
}

static void json_real_printed_with_fewest_digits(void **st)
{
	(void)st;
	expect_json_value(JSON_ONE("0.1"), "0.1");
	expect_json_value(JSON_ONE("2.5"), "2.5");
	expect_json_value(JSON_ONE("0.30000000000000004"), "0.30000000000000004");
}

static void json_exponent_printed_as_plain_number(void **st)
{
	(void)st;
	expect_json_value(JSON_ONE("1e3"), "1000");
	expect_json_value(JSON_ONE("12.0"), "12");
}

static void json_string_value_kept_as_written(void **st)
{
	(void)st;
	expect_json_value(JSON_ONE("\"1,234.50\""), "1,234.50");
	expect_json_value(JSON_ONE("\"  0012 \""), "  0012 ");
}

static void json_bad_period_kept_as_sent_not_an_error(void **st)
{
	struct fmt_result out;
	const char *body = "{\"reporter\":\"1\",\"period\":\"2018-13\","
			   "\"values\":[{\"indicator\":\"a\",\"value\":1}]}";

	(void)st;
	decode_ok(FMT_JSON, body, NULL, &out);
	assert_string_equal(out.rows[0].period, "2018-13");
	fmt_result_free(&out);
}

static void json_byte_order_mark_is_ignored(void **st)
{
	struct fmt_result out;
	const char *body = "\xEF\xBB\xBF" JSON_ONE("5");

	(void)st;
	decode_ok(FMT_JSON, body, NULL, &out);
	assert_string_equal(out.rows[0].value, "5");
	fmt_result_free(&out);
}

static void json_empty_values_array_gives_no_rows(void **st)
{
	struct fmt_result out;

	(void)st;
	decode_ok(FMT_JSON, "{\"reporter\":\"1\",\"values\":[]}", NULL, &out);
	assert_int_equal(out.nrows, 0);
	fmt_result_free(&out);
}

static void json_malformed_names_line_and_column(void **st)
{
	(void)st;
	decode_fails(FMT_JSON,
	             "{\"reporter\":\"110000\",\n \"values\": [\n  {\"indicator\" "
	             "\"a\"}]}",
	             NULL, "JSON line 3, column ");
}

static void json_cut_short_is_an_error(void **st)
{
	(void)st;
	decode_fails(FMT_JSON, "{\"values\": [", NULL, "JSON line 1, column");
}

static void json_null_value_is_an_error(void **st)
{
	(void)st;
	decode_fails(FMT_JSON, JSON_ONE("null"), NULL, "JSON at /values/0/value: null is not allowed");
}

/* A number jansson cannot hold exactly reaches the row as the text sent
 * (never rounded, never infinity): the database stores it exactly or
 * refuses it with the reason, as if it had been sent as a string. */
static void json_number_beyond_a_double_is_kept_as_sent(void **st)
{
	(void)st;
	expect_json_value(JSON_ONE("1e400"), "1e400");
	expect_json_value(JSON_ONE("-1E400"), "-1E400");
	expect_json_value(JSON_ONE("1e-400"), "1e-400");
	expect_json_value(JSON_ONE("99999999999999999999"), "99999999999999999999");
	expect_json_value(JSON_ONE("1234567.12345678901234567"), "1234567.12345678901234567");
	expect_json_value(JSON_ONE("0.1000000000000000055511151231257827"), "0.1000000000000000055511151231257827");
	/* numbers a double holds exactly are read as before */
	expect_json_value(JSON_ONE("1234567.123456789"), "1234567.123456789");
	expect_json_value(JSON_ONE("-0"), "0");
	expect_json_value(JSON_ONE("1E3"), "1000");
	expect_json_value(JSON_ONE("-0.0"), "-0");
	/* inside strings and in other fields nothing changes */
	expect_json_value("{\"reporter\":\"110000\",\"period\":\"2018Q3\","
	                  "\"values\":[{\"indicator\":\"a\",\"comment\":"
	                  "\"1e400 \\\" 1e400\",\"value\":2}]}",
	                  "2");
	decode_fails(FMT_JSON,
	             "{\"reporter\":110000,\"period\":\"2018Q3\","
	             "\"values\":[{\"indicator\":\"a\",\"value\":1e400}]}",
	             NULL, "put it in quotes");
}

static void json_top_level_not_an_object_is_an_error(void **st)
{
	(void)st;
	decode_fails(FMT_JSON, "[{\"indicator\":\"a\",\"value\":1}]", NULL,
	             "JSON at the top level: expected an object {...}, found "
	             "an array");
	decode_fails(FMT_JSON, "12", NULL, "found a number");
	decode_fails(FMT_JSON, "\"x\"", NULL, "found a text string");
}

static void json_values_not_an_array_is_an_error(void **st)
{
	(void)st;
	decode_fails(FMT_JSON, "{\"reporter\":\"1\",\"values\":{}}", NULL, "JSON at /values: expected an array");
}

static void json_missing_values_is_an_error(void **st)
{
	(void)st;
	decode_fails(FMT_JSON, "{\"reporter\":\"1\"}", NULL, "missing \"values\"");
}

static void json_value_not_an_object_names_its_pointer(void **st)
{
	(void)st;
	decode_fails(FMT_JSON,
	             "{\"reporter\":\"1\",\"period\":\"2018Q1\",\"values\":["
	             "{\"indicator\":\"a\",\"value\":1},7]}",
	             NULL, "JSON at /values/1: expected an object");
}

static void json_missing_indicator_names_its_pointer(void **st)
{
	(void)st;
	decode_fails(FMT_JSON,
	             "{\"reporter\":\"1\",\"period\":\"2018Q1\",\"values\":["
	             "{\"indicator\":\"a\",\"value\":1},"
	             "{\"indicator\":\"b\",\"value\":1},"
	             "{\"indicator\":\"c\",\"value\":1},"
	             "{\"value\":1}]}",
	             NULL, "JSON at /values/3: missing \"indicator\"");
}

static void json_missing_value_is_an_error(void **st)
{
	(void)st;
	decode_fails(FMT_JSON,
	             "{\"reporter\":\"1\",\"period\":\"2018Q1\",\"values\":["
	             "{\"indicator\":\"a\"}]}",
	             NULL, "JSON at /values/0: missing \"value\"");
}

static void json_missing_period_everywhere_is_an_error(void **st)
{
	(void)st;
	decode_fails(FMT_JSON,
	             "{\"reporter\":\"1\",\"values\":[{\"indicator\":\"a\","
	             "\"value\":1}]}",
	             NULL, "JSON at /values/0: missing \"period\"");
}

static void json_missing_reporter_everywhere_is_an_error(void **st)
{
	(void)st;
	decode_fails(FMT_JSON,
	             "{\"period\":\"2018Q1\",\"values\":[{\"indicator\":\"a\","
	             "\"value\":1}]}",
	             NULL, "JSON at /values/0: missing \"reporter\"");
}

static void json_boolean_value_is_an_error(void **st)
{
	(void)st;
	decode_fails(FMT_JSON, JSON_ONE("true"), NULL,
	             "JSON at /values/0/value: expected a number or a text "
	             "string, found true");
}

static void json_numeric_code_is_an_error_asking_for_quotes(void **st)
{
	(void)st;
	decode_fails(FMT_JSON, "{\"reporter\":110000,\"period\":\"2018Q1\",\"values\":[]}", NULL,
	             "JSON at /reporter: expected a text string, found a "
	             "number (put it in quotes");
}

static void json_unknown_field_is_an_error(void **st)
{
	(void)st;
	decode_fails(FMT_JSON,
	             "{\"reporter\":\"1\",\"period\":\"2018Q1\",\"values\":["
	             "{\"indicator\":\"a\",\"value\":1,\"coment\":\"x\"}]}",
	             NULL, "JSON at /values/0: unknown field \"coment\"");
	decode_fails(FMT_JSON, "{\"reporter\":\"1\",\"vals\":[]}", NULL,
	             "JSON at the top level: unknown field \"vals\"");
}

static void json_duplicate_key_is_an_error(void **st)
{
	(void)st;
	decode_fails(FMT_JSON,
	             "{\"reporter\":\"1\",\"period\":\"2018Q1\",\"values\":["
	             "{\"indicator\":\"a\",\"value\":1,\"value\":2}]}",
	             NULL, "duplicate object key");
}

static void json_nul_byte_is_an_error_with_position(void **st)
{
	static const char body[] = "{\"reporter\":\"1\",\n\"values\":[\0]}";

	(void)st;
	decode_fails_len(FMT_JSON, body, sizeof body - 1, NULL, "JSON line 2, column 11: the body contains a NUL byte");
}

static void json_not_utf8_is_an_error_with_position(void **st)
{
	/* "北京" in GBK */
	(void)st;
	decode_fails(FMT_JSON, "{\"reporter\":\"\xB1\xB1\xBE\xA9\"}", NULL,
	             "JSON line 1, column 14: these bytes are not UTF-8");
}

static void json_empty_body_is_an_error(void **st)
{
	(void)st;
	decode_fails(FMT_JSON, "", NULL, "the body is empty");
	decode_fails(FMT_JSON, " \n ", NULL, "the body is empty");
}

static void json_text_longer_than_64k_is_an_error(void **st)
{
	size_t n = 70000;
	char *body = malloc(n + 200);
	int off;

	(void)st;
	assert_non_null(body);
	off = sprintf(body, "{\"reporter\":\"1\",\"period\":\"2018Q1\","
	                    "\"values\":[{\"indicator\":\"a\",\"value\":1,"
	                    "\"comment\":\"");
	memset(body + off, 'x', n);
	strcpy(body + off + n, "\"}]}");
	decode_fails(FMT_JSON, body, NULL, "JSON at /values/0/comment: the text is longer than 65536");
	free(body);
}

static void json_more_than_a_million_values_is_an_error(void **st)
{
	size_t n = 1000001, i;
	char *body = malloc(2 * n + 100);
	size_t off;

	(void)st;
	assert_non_null(body);
	off = (size_t)sprintf(body, "{\"reporter\":\"1\",\"values\":[");
	for (i = 0; i < n; i++) {
		body[off++] = '0';
		body[off++] = ',';
	}
	strcpy(body + off - 1, "]}");
	decode_fails(FMT_JSON, body, NULL, "JSON at /values: more than 1000000 values");
	free(body);
}

/* ---- native CSV ---- */

static void csv_rows_follow_the_header(void **st)
{
	struct fmt_result out;
	const char *body = "reporter,indicator,period,value,comment\n"
			   "110000,ecom_turnover,2018Q3,12,\n"
			   "210200,incubators,2018-Q3,7,preliminary\n";

	(void)st;
	decode_ok(FMT_CSV, body, NULL, &out);
	assert_int_equal(out.nrows, 2);
	assert_string_equal(out.rows[0].reporter, "110000");
	assert_string_equal(out.rows[0].indicator, "ecom_turnover");
	assert_string_equal(out.rows[0].period, "2018Q3");
	assert_string_equal(out.rows[0].value, "12");
	assert_null(out.rows[0].comment);
	assert_string_equal(out.rows[1].period, "2018Q3");
	assert_string_equal(out.rows[1].comment, "preliminary");
	assert_string_equal(out.rows[0].loc, "line 2");
	assert_string_equal(out.rows[1].loc, "line 3");
	fmt_result_free(&out);
}

static void csv_header_matched_in_any_order_and_case(void **st)
{
	struct fmt_result out;
	const char *body = "Value, PERIOD ,Indicator,Reporter\n"
			   "3.5,2019Q2,a,370200\n";

	(void)st;
	decode_ok(FMT_CSV, body, NULL, &out);
	assert_int_equal(out.nrows, 1);
	assert_string_equal(out.rows[0].reporter, "370200");
	assert_string_equal(out.rows[0].indicator, "a");
	assert_string_equal(out.rows[0].period, "2019Q2");
	assert_string_equal(out.rows[0].value, "3.5");
	assert_null(out.rows[0].comment);
	fmt_result_free(&out);
}

static void csv_quoted_fields_keep_commas_and_doubled_quotes(void **st)
{
	struct fmt_result out;
	const char *body = "reporter,indicator,period,value,comment\n"
			   "110000,a,2018Q3,\"1,234\",\"the \"\"new\"\" count\"\n";

	(void)st;
	decode_ok(FMT_CSV, body, NULL, &out);
	assert_string_equal(out.rows[0].value, "1,234");
	assert_string_equal(out.rows[0].comment, "the \"new\" count");
	fmt_result_free(&out);
}

static void csv_crlf_line_ends_are_accepted(void **st)
{
	struct fmt_result out;
	const char *body = "reporter,indicator,period,value\r\n"
			   "110000,a,2018Q3,1\r\n"
			   "110000,b,2018Q3,2\r\n";

	(void)st;
	decode_ok(FMT_CSV, body, NULL, &out);
	assert_int_equal(out.nrows, 2);
	assert_string_equal(out.rows[0].value, "1");
	assert_string_equal(out.rows[1].value, "2");
	assert_string_equal(out.rows[1].loc, "line 3");
	fmt_result_free(&out);
}

static void csv_byte_order_mark_is_ignored(void **st)
{
	struct fmt_result out;
	const char *body = "\xEF\xBB\xBFreporter,indicator,period,value\n"
			   "110000,a,2018Q3,1\n";

	(void)st;
	decode_ok(FMT_CSV, body, NULL, &out);
	assert_int_equal(out.nrows, 1);
	assert_string_equal(out.rows[0].reporter, "110000");
	fmt_result_free(&out);
}

static void csv_newline_inside_quotes_belongs_to_the_field(void **st)
{
	struct fmt_result out;
	const char *body = "reporter,indicator,period,value,comment\n"
			   "110000,a,2018Q3,1,\"first line\nsecond line\"\n"
			   "110000,b,2018Q3,2,\n";

	(void)st;
	decode_ok(FMT_CSV, body, NULL, &out);
	assert_int_equal(out.nrows, 2);
	assert_string_equal(out.rows[0].comment, "first line\nsecond line");
	assert_string_equal(out.rows[0].loc, "line 2");
	/* the record after it starts on physical line 4 */
	assert_string_equal(out.rows[1].loc, "line 4");
	fmt_result_free(&out);
}

static void csv_last_line_needs_no_newline(void **st)
{
	struct fmt_result out;

	(void)st;
	decode_ok(FMT_CSV, "reporter,indicator,period,value\n1,a,2018Q1,9", NULL, &out);
	assert_int_equal(out.nrows, 1);
	assert_string_equal(out.rows[0].value, "9");
	fmt_result_free(&out);
}

static void csv_blank_lines_are_skipped(void **st)
{
	struct fmt_result out;

	(void)st;
	decode_ok(FMT_CSV, "reporter,indicator,period,value\n\n1,a,2018Q1,9\n,,,\n\n", NULL, &out);
	assert_int_equal(out.nrows, 1);
	assert_string_equal(out.rows[0].loc, "line 3");
	fmt_result_free(&out);
}

static void csv_header_only_gives_no_rows(void **st)
{
	struct fmt_result out;

	(void)st;
	decode_ok(FMT_CSV, "reporter,indicator,period,value\n", NULL, &out);
	assert_int_equal(out.nrows, 0);
	fmt_result_free(&out);
}

static void csv_unnamed_empty_columns_are_ignored(void **st)
{
	struct fmt_result out;

	(void)st;
	decode_ok(FMT_CSV, "reporter,indicator,period,value,,\n1,a,2018Q1,9,,\n", NULL, &out);
	assert_int_equal(out.nrows, 1);
	assert_string_equal(out.rows[0].value, "9");
	fmt_result_free(&out);
}

static void csv_value_under_an_unnamed_column_is_an_error(void **st)
{
	(void)st;
	decode_fails(FMT_CSV,
	             "reporter,indicator,period,value,\n"
	             "1,a,2018Q1,9,\n1,b,2018Q1,9,kg\n",
	             NULL, "line 3, field 5: a value in a column that has no name");
}

static void csv_unterminated_quote_names_line_and_column(void **st)
{
	(void)st;
	decode_fails(FMT_CSV,
	             "reporter,indicator,period,value,comment\n"
	             "1,a,2018Q1,1,ok\n"
	             "1,b,2018Q1,2,\"oops\n1,c,2018Q1,3,\n",
	             NULL,
	             "line 3, column 14: the quoted field that starts here is "
	             "never closed");
}

static void csv_text_after_closing_quote_is_an_error(void **st)
{
	(void)st;
	decode_fails(FMT_CSV, "reporter,indicator,period,value\n1,\"a\"b,2018Q1,1\n", NULL,
	             "line 2, column 6: after the quoted field");
}

static void csv_missing_header_column_is_named(void **st)
{
	(void)st;
	decode_fails(FMT_CSV, "reporter,indicator,value\n1,a,2\n", NULL,
	             "line 1: the header lacks the column(s) period");
}

static void csv_unknown_header_column_is_named(void **st)
{
	(void)st;
	decode_fails(FMT_CSV, "reporter,indicator,period,value,unit\n1,a,2018Q1,2,kg\n", NULL,
	             "line 1: unknown column(s) \"unit\"");
}

static void csv_duplicate_header_column_is_an_error(void **st)
{
	(void)st;
	decode_fails(FMT_CSV, "reporter,indicator,period,value,Value\n", NULL,
	             "line 1: the column \"value\" appears twice");
}

static void csv_wrong_field_count_names_the_line(void **st)
{
	(void)st;
	decode_fails(FMT_CSV,
	             "reporter,indicator,period,value\n1,a,2018Q1,1\n"
	             "1,b,2018Q1,1,234\n",
	             NULL, "line 3: 5 fields, but the header has 4");
}

static void csv_nul_byte_is_an_error_with_position(void **st)
{
	static const char body[] = "reporter,indicator,period,value\n"
				   "1,a\0,2018Q1,1\n";

	(void)st;
	decode_fails_len(FMT_CSV, body, sizeof body - 1, NULL, "line 2, column 4: the body contains a NUL byte");
}

static void csv_gbk_bytes_are_an_error_with_position(void **st)
{
	(void)st;
	decode_fails(FMT_CSV,
	             "reporter,indicator,period,value,comment\r\n"
	             "1,a,2018Q1,1,\xB9\xC0\xBC\xC6\r\n",
	             NULL, "line 2, column 14: these bytes are not UTF-8");
}

static void csv_utf16_is_an_error(void **st)
{
	static const char body[] = "\xFF\xFEr\0e\0";

	(void)st;
	decode_fails_len(FMT_CSV, body, sizeof body - 1, NULL, "the body is UTF-16 text");
}

static void csv_field_longer_than_64k_is_an_error(void **st)
{
	size_t n = 70000;
	char *body = malloc(n + 100);
	int off;

	(void)st;
	assert_non_null(body);
	off = sprintf(body, "reporter,indicator,period,value\n1,a,2018Q1,");
	memset(body + off, '7', n);
	body[off + n] = '\0';
	decode_fails(FMT_CSV, body, NULL, "line 2, field 4: the field is longer than 65536 bytes");
	free(body);
}

static void csv_more_than_a_million_rows_is_an_error(void **st)
{
	static const char head[] = "reporter,indicator,period,value\n";
	static const char line[] = "1,a,2,3\n";
	size_t n = 1000001, i, off = sizeof head - 1;
	char *body = malloc(off + n * (sizeof line - 1) + 1);

	(void)st;
	assert_non_null(body);
	memcpy(body, head, off);
	for (i = 0; i < n; i++, off += sizeof line - 1)
		memcpy(body + off, line, sizeof line - 1);
	body[off] = '\0';
	decode_fails_len(FMT_CSV, body, off, NULL, "line 1000002: more than 1000000 rows");
	free(body);
}

static void csv_empty_body_is_an_error(void **st)
{
	(void)st;
	decode_fails(FMT_CSV, "", NULL, "the body is empty");
	decode_fails(FMT_CSV, "\n\n", NULL, "the body is empty");
}

/* ---- DHIS2 dataValueSets JSON ---- */

static void dhis2_json_header_mode_fills_period_and_org_unit(void **st)
{
	struct fmt_result out;
	const char *body = "{\"dataSet\":\"pBOMPrpg1QX\",\"completeDate\":\"2018-10-15\","
			   "\"period\":\"2018Q3\",\"orgUnit\":\"DiszpKrYNg8\","
			   "\"attributeOptionCombo\":\"HllvX50cXC0\","
			   "\"dataValues\":["
			   "{\"dataElement\":\"f7n9E0hX8qk\",\"categoryOptionCombo\":"
			   "\"bRowv6yZOF2\",\"value\":\"12\",\"comment\":\"ok\","
			   "\"storedBy\":\"admin\",\"followup\":false},"
			   "{\"dataElement\":\"Ix2HsbDMLea\",\"value\":5}]}";

	(void)st;
	decode_ok(FMT_DHIS2_JSON, body, NULL, &out);
	assert_string_equal(out.dataset, "pBOMPrpg1QX");
	assert_int_equal(out.nrows, 2);
	assert_string_equal(out.rows[0].indicator, "f7n9E0hX8qk");
	assert_string_equal(out.rows[0].reporter, "DiszpKrYNg8");
	assert_string_equal(out.rows[0].period, "2018Q3");
	assert_string_equal(out.rows[0].coc, "bRowv6yZOF2");
	assert_string_equal(out.rows[0].aoc, "HllvX50cXC0");
	assert_string_equal(out.rows[0].value, "12");
	assert_string_equal(out.rows[0].comment, "ok");
	assert_false(out.rows[0].deleted);
	assert_string_equal(out.rows[0].loc, "/dataValues/0");
	assert_string_equal(out.rows[1].value, "5");
	assert_null(out.rows[1].coc);
	assert_string_equal(out.rows[1].loc, "/dataValues/1");
	fmt_result_free(&out);
}

static void dhis2_json_bulk_mode_reads_each_value_alone(void **st)
{
	struct fmt_result out;
	const char *body = "{\"dataValues\":["
			   "{\"dataElement\":\"a\",\"period\":\"2018Q1\",\"orgUnit\":"
			   "\"110000\",\"value\":\"1\"},"
			   "{\"dataElement\":\"b\",\"period\":\"2018Q2\",\"orgUnit\":"
			   "\"120000\",\"value\":\"2\",\"attributeOptionCombo\":\"x\"}]}";

	(void)st;
	decode_ok(FMT_DHIS2_JSON, body, NULL, &out);
	assert_null(out.dataset);
	assert_int_equal(out.nrows, 2);
	assert_string_equal(out.rows[0].period, "2018Q1");
	assert_string_equal(out.rows[0].reporter, "110000");
	assert_null(out.rows[0].aoc);
	assert_string_equal(out.rows[1].period, "2018Q2");
	assert_string_equal(out.rows[1].reporter, "120000");
	assert_string_equal(out.rows[1].aoc, "x");
	fmt_result_free(&out);
}

static void dhis2_json_value_overrides_header_period(void **st)
{
	struct fmt_result out;

	(void)st;
	decode_ok(FMT_DHIS2_JSON,
	          "{\"period\":\"2018Q1\",\"orgUnit\":\"o\",\"dataValues\":["
	          "{\"dataElement\":\"a\",\"period\":\"2018-07-01/P3M\","
	          "\"value\":\"1\"}]}",
	          NULL, &out);
	assert_string_equal(out.rows[0].period, "2018Q3");
	fmt_result_free(&out);
}

static void dhis2_json_deleted_true_marks_the_row(void **st)
{
	struct fmt_result out;

	(void)st;
	decode_ok(FMT_DHIS2_JSON,
	          "{\"period\":\"2018Q1\",\"orgUnit\":\"o\",\"dataValues\":["
	          "{\"dataElement\":\"a\",\"value\":\"1\",\"deleted\":true},"
	          "{\"dataElement\":\"b\",\"deleted\":true},"
	          "{\"dataElement\":\"c\",\"value\":\"3\",\"deleted\":false}]}",
	          NULL, &out);
	assert_int_equal(out.nrows, 3);
	assert_true(out.rows[0].deleted);
	assert_true(out.rows[1].deleted);
	assert_null(out.rows[1].value);
	assert_false(out.rows[2].deleted);
	fmt_result_free(&out);
}

static void dhis2_json_numeric_value_printed_exactly(void **st)
{
	struct fmt_result out;

	(void)st;
	decode_ok(FMT_DHIS2_JSON,
	          "{\"period\":\"2018Q1\",\"orgUnit\":\"o\",\"dataValues\":["
	          "{\"dataElement\":\"a\",\"value\":0.1},"
	          "{\"dataElement\":\"b\",\"value\":1e3}]}",
	          NULL, &out);
	assert_string_equal(out.rows[0].value, "0.1");
	assert_string_equal(out.rows[1].value, "1000");
	fmt_result_free(&out);
}

static void dhis2_json_unknown_fields_are_ignored(void **st)
{
	struct fmt_result out;

	(void)st;
	decode_ok(FMT_DHIS2_JSON,
	          "{\"idScheme\":\"CODE\",\"period\":\"2018Q1\",\"orgUnit\":"
	          "\"o\",\"dataValues\":[{\"dataElement\":\"a\",\"value\":"
	          "\"1\",\"created\":\"2018-10-01\",\"lastUpdated\":\"x\"}]}",
	          NULL, &out);
	assert_int_equal(out.nrows, 1);
	fmt_result_free(&out);
}

static void dhis2_json_missing_org_unit_names_the_value(void **st)
{
	(void)st;
	decode_fails(FMT_DHIS2_JSON,
	             "{\"period\":\"2018Q1\",\"dataValues\":["
	             "{\"dataElement\":\"a\",\"orgUnit\":\"o\",\"value\":\"1\"},"
	             "{\"dataElement\":\"b\",\"value\":\"1\"}]}",
	             NULL, "JSON at /dataValues/1: missing \"orgUnit\"");
}

static void dhis2_json_missing_data_element_is_an_error(void **st)
{
	(void)st;
	decode_fails(FMT_DHIS2_JSON,
	             "{\"period\":\"2018Q1\",\"orgUnit\":\"o\",\"dataValues\":["
	             "{\"value\":\"1\"}]}",
	             NULL, "JSON at /dataValues/0: missing \"dataElement\"");
}

static void dhis2_json_bad_deleted_is_an_error(void **st)
{
	(void)st;
	decode_fails(FMT_DHIS2_JSON,
	             "{\"period\":\"2018Q1\",\"orgUnit\":\"o\",\"dataValues\":["
	             "{\"dataElement\":\"a\",\"value\":\"1\",\"deleted\":1}]}",
	             NULL, "JSON at /dataValues/0/deleted: expected true or false");
}

static void dhis2_json_data_values_not_array_is_an_error(void **st)
{
	(void)st;
	decode_fails(FMT_DHIS2_JSON, "{\"dataValues\":\"x\"}", NULL, "JSON at /dataValues: expected an array");
	decode_fails(FMT_DHIS2_JSON, "{\"dataSet\":\"x\"}", NULL, "missing \"dataValues\"");
}

/* ---- DHIS2 CSV ---- */

static void dhis2_csv_columns_read_by_position(void **st)
{
	struct fmt_result out;
	const char *body = "dataelement,period,orgunit,catoptcombo,attroptcombo,value,"
			   "storedby,lastupdated,comment,followup,deleted\n"
			   "f7n9E0hX8qk,2018Q3,DiszpKrYNg8,bRowv6yZOF2,HllvX50cXC0,12,"
			   "admin,2018-10-01,\"checked, ok\",false,false\n"
			   "Ix2HsbDMLea,2018Q3,DiszpKrYNg8,,,7,admin,2018-10-01,,false,"
			   "true\n";

	(void)st;
	decode_ok(FMT_DHIS2_CSV, body, NULL, &out);
	assert_int_equal(out.nrows, 2);
	assert_string_equal(out.rows[0].indicator, "f7n9E0hX8qk");
	assert_string_equal(out.rows[0].period, "2018Q3");
	assert_string_equal(out.rows[0].reporter, "DiszpKrYNg8");
	assert_string_equal(out.rows[0].coc, "bRowv6yZOF2");
	assert_string_equal(out.rows[0].aoc, "HllvX50cXC0");
	assert_string_equal(out.rows[0].value, "12");
	assert_string_equal(out.rows[0].comment, "checked, ok");
	assert_false(out.rows[0].deleted);
	assert_string_equal(out.rows[0].loc, "line 2");
	assert_null(out.rows[1].coc);
	assert_null(out.rows[1].aoc);
	assert_null(out.rows[1].comment);
	assert_true(out.rows[1].deleted);
	assert_string_equal(out.rows[1].loc, "line 3");
	fmt_result_free(&out);
}

static void dhis2_csv_trailing_columns_may_be_left_out(void **st)
{
	struct fmt_result out;

	(void)st;
	decode_ok(FMT_DHIS2_CSV, "de,pe,ou,coc,aoc,value\na,2018Q1,o,,,5\n", NULL, &out);
	assert_int_equal(out.nrows, 1);
	assert_string_equal(out.rows[0].value, "5");
	assert_false(out.rows[0].deleted);
	fmt_result_free(&out);
}

static void dhis2_csv_bad_deleted_is_an_error(void **st)
{
	(void)st;
	decode_fails(FMT_DHIS2_CSV, "h\na,2018Q1,o,,,5,u,t,c,false,yes\n", NULL,
	             "line 2, field 11 (deleted): expected true or false, "
	             "found \"yes\"");
}

static void dhis2_csv_too_few_fields_is_an_error(void **st)
{
	(void)st;
	decode_fails(FMT_DHIS2_CSV, "h\na,2018Q1,o\n", NULL, "line 2: 3 fields; a DHIS2 CSV line has 6 to 11");
}

static void dhis2_csv_data_in_the_header_line_is_an_error(void **st)
{
	(void)st;
	decode_fails(FMT_DHIS2_CSV, "a,2018Q1,o,,,5\nb,2018Q1,o,,,6\n", NULL,
	             "line 1: this looks like data, not the header line");
}

/* ---- SDMX-CSV ---- */

static void sdmx_csv_1_0_with_default_columns(void **st)
{
	struct fmt_result out;
	const char *body = "DATAFLOW,FREQ,REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE,"
			   "OBS_STATUS,COMMENT\n"
			   "MOST:MSI_DF(1.0),Q,110000,ecom_turnover,2018-Q3,12.5,A,\n"
			   "MOST:MSI_DF(1.0),Q,120000,ecom_turnover,2018-Q3,8,A,est.\n";

	(void)st;
	decode_ok(FMT_SDMX_CSV, body, NULL, &out);
	assert_string_equal(out.dataset, "MOST:MSI_DF(1.0)");
	assert_int_equal(out.nrows, 2);
	assert_string_equal(out.rows[0].reporter, "110000");
	assert_string_equal(out.rows[0].indicator, "ecom_turnover");
	assert_string_equal(out.rows[0].period, "2018Q3");
	assert_string_equal(out.rows[0].value, "12.5");
	assert_null(out.rows[0].comment);
	assert_false(out.rows[0].deleted);
	assert_string_equal(out.rows[0].loc, "line 2");
	assert_string_equal(out.rows[1].comment, "est.");
	assert_string_equal(out.rows[1].loc, "line 3");
	fmt_result_free(&out);
}

static void sdmx_csv_2_0_with_custom_map_and_delete_action(void **st)
{
	struct fmt_result out;
	const struct fmt_sdmx_map map = {
		.reporter_col = "GEO",
		.indicator_col = "MEASURE",
		.period_col = "TIME_PERIOD",
		.value_col = "OBS_VALUE",
		.comment_col = NULL, /* default COMMENT, absent here */
	};
	const char *body = "STRUCTURE,STRUCTURE_ID,ACTION,GEO,MEASURE,TIME_PERIOD,"
			   "OBS_VALUE\n"
			   "dataflow,MOST:MSI(2.0.0),I,110000,incubators,2018-Q4,40\n"
			   "dataflow,MOST:MSI(2.0.0),D,110000,incubators,2018-Q3,\n"
			   "dataflow,MOST:MSI(2.0.0),R,110000,incubators,2018,41\n";

	(void)st;
	decode_ok(FMT_SDMX_CSV, body, &map, &out);
	assert_string_equal(out.dataset, "MOST:MSI(2.0.0)");
	assert_int_equal(out.nrows, 3);
	assert_string_equal(out.rows[0].reporter, "110000");
	assert_string_equal(out.rows[0].indicator, "incubators");
	assert_string_equal(out.rows[0].period, "2018Q4");
	assert_string_equal(out.rows[0].value, "40");
	assert_false(out.rows[0].deleted);
	assert_true(out.rows[1].deleted);
	assert_string_equal(out.rows[1].period, "2018Q3");
	assert_false(out.rows[2].deleted);
	assert_string_equal(out.rows[2].period, "2018");
	fmt_result_free(&out);
}

static void sdmx_csv_2_0_semicolon_separator_and_labels(void **st)
{
	struct fmt_result out;
	const char *body = "STRUCTURE[|];STRUCTURE_ID;REF_AREA: Reference area;"
			   "INDICATOR: Indicator;TIME_PERIOD: Time;OBS_VALUE: Value\n"
			   "dataflow;MOST:MSI(2.0.0);110000;a;2018-Q1;1,5\n";

	(void)st;
	decode_ok(FMT_SDMX_CSV, body, NULL, &out);
	assert_int_equal(out.nrows, 1);
	assert_string_equal(out.rows[0].reporter, "110000");
	/* a semicolon-separated message writes a decimal comma (sdmx-csv
	 * field guide, the fr-FR example) */
	assert_string_equal(out.rows[0].value, "1.5");
	assert_string_equal(out.rows[0].period, "2018Q1");
	assert_false(out.rows[0].deleted);
	fmt_result_free(&out);
}

/* labels=both as .Stat Suite writes it (sdmx-twg/sdmx-csv field guide):
 * "ID: name" in the header and in every coded cell, the artefact too. */
static void sdmx_csv_labels_both_in_cells(void **st)
{
	struct fmt_result out;
	const char *body = "\xEF\xBB\xBFSTRUCTURE,STRUCTURE_ID,ACTION,REF_AREA: Reference area,"
			   "INDICATOR: Indicator,TIME_PERIOD: Time period,OBS_VALUE: Observation value,"
			   "OBS_STATUS: Observation status,UNIT_MULT: Unit multiplier,COMMENT: Comment\n"
			   "dataflow,MOST:MSI(2.0.0): Modern service industry indicators,I: Information,"
			   "110000: Beijing,incubators: Technology business incubators,2018-Q3,132,"
			   "P: Provisional value,0: Units,note: see the annex\n"
			   "dataflow,MOST:MSI(2.0.0): Modern service industry indicators,D: Delete,"
			   "110000: Beijing,makerspaces: Maker spaces,2018-Q3,,,,\n";

	(void)st;
	decode_ok(FMT_SDMX_CSV, body, NULL, &out);
	assert_int_equal(out.nrows, 2);
	assert_string_equal(out.dataset, "MOST:MSI(2.0.0)");
	assert_string_equal(out.rows[0].reporter, "110000");
	assert_string_equal(out.rows[0].indicator, "incubators");
	assert_string_equal(out.rows[0].status, "P");
	assert_string_equal(out.rows[0].unit_mult, "0");
	assert_string_equal(out.rows[0].value, "132");
	/* a comment is not coded: kept whole */
	assert_string_equal(out.rows[0].comment, "note: see the annex");
	assert_true(out.rows[1].deleted);
	assert_string_equal(out.rows[1].indicator, "makerspaces");
	fmt_result_free(&out);
}

/* ---- ADX ---- */

/* The example of dhis2-docs developer/web-api/data.md, "ADX data format":
 * categories as attributes of dataValue. */
static void adx_dhis2_docs_example(void **st)
{
	struct fmt_result out;
	const char *body =
		"<adx xmlns=\"urn:ihe:qrph:adx:2015\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n"
		"  exported=\"2015-02-08T19:30:00Z\">\n"
		"  <group orgUnit=\"OU_559\" period=\"2015-06-01/P1M\"\n"
		"    completeDate=\"2015-07-01\" dataSet=\"(TB/HIV)VCCT\">\n"
		"    <dataValue dataElement=\"VCCT_0\" GENDER=\"FMLE\" HIV_AGE=\"AGE0-14\" value=\"32\"/>\n"
		"    <dataValue dataElement=\"VCCT_1\" HIV_AGE=\"AGE15-24\" GENDER=\"MLE\" value=\"20\"/>\n"
		"  </group>\n</adx>\n";

	(void)st;
	decode_ok(FMT_ADX, body, NULL, &out);
	assert_int_equal(out.nrows, 2);
	assert_string_equal(out.dataset, "(TB/HIV)VCCT");
	assert_string_equal(out.rows[0].reporter, "OU_559");
	assert_string_equal(out.rows[0].indicator, "VCCT_0");
	assert_string_equal(out.rows[0].value, "32");
	/* a month is not a period of the plan: passed on as sent */
	assert_string_equal(out.rows[0].period, "2015-06-01/P1M");
	/* categories sorted by name, whatever their order in the element */
	assert_string_equal(out.rows[0].coc, "GENDER=FMLE,HIV_AGE=AGE0-14");
	assert_string_equal(out.rows[1].coc, "GENDER=MLE,HIV_AGE=AGE15-24");
	assert_null(out.rows[0].aoc);
	assert_string_equal(out.rows[1].loc, "group 1, dataValue 2");
	fmt_result_free(&out);
}

static void adx_quarter_year_annotation_and_attribute_combo(void **st)
{
	struct fmt_result out;
	const char *body =
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<adx xmlns=\"urn:ihe:qrph:adx:2015\" exported=\"2018-10-20T00:00:00Z\">\n"
		" <group orgUnit=\"ZjPrvUid001\" period=\"2018-07-01/P3M\" dataSet=\"q\" FUNDING=\"GOV\">\n"
		"  <dataValue dataElement=\"deIncub0001\" value=\"132\"><annotation>from the registry</annotation></dataValue>\n"
		"  <dataValue dataElement=\"deTcTurn001\" value=\"455.25\" deleted=\"true\"/>\n"
		" </group>\n"
		" <group orgUnit=\"ZjPrvUid001\" period=\"2018-01-01/P1Y\" dataSet=\"y\">\n"
		"  <dataValue dataElement=\"deIncub0001\" value=\"7\"/>\n"
		" </group>\n</adx>\n";

	(void)st;
	decode_ok(FMT_ADX, body, NULL, &out);
	assert_int_equal(out.nrows, 3);
	assert_string_equal(out.rows[0].period, "2018Q3");
	assert_string_equal(out.rows[0].comment, "from the registry");
	assert_string_equal(out.rows[0].aoc, "FUNDING=GOV");
	assert_null(out.rows[0].coc);
	assert_true(out.rows[1].deleted);
	assert_string_equal(out.rows[2].period, "2018");
	assert_string_equal(out.rows[2].loc, "group 2, dataValue 1");
	fmt_result_free(&out);
}

static void adx_refuses_doctype_and_names_the_line(void **st)
{
	(void)st;
	decode_fails(FMT_ADX,
	             "<?xml version=\"1.0\"?>\n<!DOCTYPE adx [<!ENTITY a \"aaaa\">]>\n"
	             "<adx xmlns=\"urn:ihe:qrph:adx:2015\"/>",
	             NULL, "DOCTYPE");
	decode_fails(FMT_ADX,
	             "<adx xmlns=\"urn:ihe:qrph:adx:2015\">\n<group orgUnit=\"a\" period=\"2018Q1\">\n"
	             "<dataValue dataElement=\"x\" value=\"1\">\n",
	             NULL, "ADX line 4");
	decode_fails(FMT_ADX, "<dataValueSet xmlns=\"http://dhis2.org/schema/dxf/2.0\"/>", NULL,
	             "the root element must be adx");
	decode_fails(FMT_ADX, "<adx xmlns=\"urn:ihe:qrph:adx:2015\">\n <group period=\"2018Q1\"/>\n</adx>", NULL,
	             "ADX line 2 (group 1): the group needs orgUnit and period");
}

/* SDMX-CSV 1.0 with semicolons, as a European locale exports it: a decimal
 * comma is read, a thousands separator is not guessed. */
static void sdmx_csv_1_0_semicolon_decimal_comma(void **st)
{
	struct fmt_result out;
	const char *body = "DATAFLOW;REF_AREA;INDICATOR;TIME_PERIOD;OBS_VALUE\n"
			   "MOST:MSI(1.0);110000;a;2018-Q1;-12,25\n"
			   "MOST:MSI(1.0);110000;b;2018-Q1;1.234,5\n"
			   "MOST:MSI(1.0);110000;c;2018-Q1;:\n";

	(void)st;
	decode_ok(FMT_SDMX_CSV, body, NULL, &out);
	assert_int_equal(out.nrows, 3);
	assert_string_equal(out.rows[0].value, "-12.25");
	assert_string_equal(out.rows[1].value, "1.234,5");
	assert_string_equal(out.rows[2].value, ""); /* ":" is no value */
	fmt_result_free(&out);
}

static void sdmx_csv_missing_mapped_column_is_named(void **st)
{
	(void)st;
	decode_fails(FMT_SDMX_CSV, "DATAFLOW,GEO,INDICATOR,TIME_PERIOD,OBS_VALUE\n", NULL,
	             "line 1: the header has no column \"REF_AREA\" (the "
	             "reporter)");
}

static void sdmx_csv_unknown_action_is_an_error(void **st)
{
	(void)st;
	decode_fails(FMT_SDMX_CSV,
	             "STRUCTURE,STRUCTURE_ID,ACTION,REF_AREA,INDICATOR,"
	             "TIME_PERIOD,OBS_VALUE\n"
	             "dataflow,X(1.0),X,1,a,2018-Q1,1\n",
	             NULL, "line 2, field 3 (ACTION): unknown action \"X\"");
}

static void sdmx_csv_second_dataflow_is_an_error(void **st)
{
	(void)st;
	decode_fails(FMT_SDMX_CSV,
	             "DATAFLOW,REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE\n"
	             "A:X(1.0),1,a,2018-Q1,1\nA:Y(1.0),1,a,2018-Q1,1\n",
	             NULL, "line 3: DATAFLOW \"A:Y(1.0)\" differs from");
}

static void sdmx_csv_other_first_column_is_an_error(void **st)
{
	(void)st;
	decode_fails(FMT_SDMX_CSV, "REF_AREA,INDICATOR\n", NULL,
	             "line 1, column 1: an SDMX-CSV body starts with the "
	             "column DATAFLOW");
}

static void sdmx_csv_2_0_needs_structure_id(void **st)
{
	(void)st;
	decode_fails(FMT_SDMX_CSV, "STRUCTURE,ACTION,REF_AREA\n", NULL,
	             "line 1: in SDMX-CSV 2.0 the second column is "
	             "STRUCTURE_ID, found \"ACTION\"");
}

/* ---- periods, names, freeing ---- */

static void period_normalization_table(void **st)
{
	static const struct {
		const char *in, *want; /* want NULL: not a period */
	} t[] = {
		{"2018Q3", "2018Q3"},
		{"2016Q1", "2016Q1"},
		{"2018-Q3", "2018Q3"},
		{"2018-Q4", "2018Q4"},
		{"2018-01-01/P3M", "2018Q1"},
		{"2018-04-01/P3M", "2018Q2"},
		{"2018-07-01/P3M", "2018Q3"},
		{"2018-10-01/P3M", "2018Q4"},
		{"2018", "2018"},
		{"2018-A1", "2018"},
		{"1900", "1900"},
		{"2999Q4", "2999Q4"},
		{"1899", NULL},
		{"3000Q1", NULL},
		{"2018Q0", NULL},
		{"2018Q5", NULL},
		{"2018q3", NULL},
		{"2018-Q", NULL},
		{"2018-02-01/P3M", NULL},
		{"2018-07-02/P3M", NULL},
		{"2018-07-01/P1M", NULL},
		{"2018-07-01", NULL},
		{"2018-A2", NULL},
		{"201803", NULL},
		{" 2018Q3", NULL},
		{"2018Q3 ", NULL},
		{"18Q3", NULL},
		{"", NULL},
		{"2018-S1", NULL},
		{"abcdQ1", NULL},
	};
	char out[16];
	size_t i;

	(void)st;
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		int rc = fmt_period_normalize(t[i].in, out, sizeof out);

		if (t[i].want && (rc != 0 || strcmp(out, t[i].want) != 0)) {
			print_error("period \"%s\": expected \"%s\", got rc %d "
			            "\"%s\"\n",
			            t[i].in, t[i].want, rc, out);
			fail();
		}
		if (!t[i].want && rc != -1) {
			print_error("period \"%s\": expected -1, got %d "
			            "\"%s\"\n",
			            t[i].in, rc, out);
			fail();
		}
	}
	assert_int_equal(fmt_period_normalize(NULL, out, sizeof out), -1);
	assert_int_equal(fmt_period_normalize("2018Q3", out, 4), -1);
}

static void format_names_round_trip(void **st)
{
	static const char *const names[] = {
		"json", "csv", "dhis2-json", "dhis2-csv", "sdmx-csv", "adx",
	};
	enum fmt f;
	size_t i;

	(void)st;
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		assert_int_equal(fmt_by_name(names[i], &f), 0);
		assert_string_equal(fmt_name(f), names[i]);
	}
	assert_int_equal(fmt_by_name("xml", &f), -1);
	assert_int_equal(fmt_by_name(NULL, &f), -1);
	assert_string_equal(fmt_name((enum fmt)99), "unknown");
}

static void result_free_accepts_null_and_twice(void **st)
{
	struct fmt_result out;

	(void)st;
	fmt_result_free(NULL);
	decode_ok(FMT_JSON, JSON_ONE("1"), NULL, &out);
	fmt_result_free(&out);
	fmt_result_free(&out);
	assert_null(out.rows);
}

static void error_cut_short_never_ends_in_half_a_character(void **st)
{
	static const char body[] = "报告,indicator\n";
	struct fmt_result out;
	char err[29]; /* ends inside the 报 of: line 1: unknown column(s) "报 */

	(void)st;
	assert_int_equal(fmt_decode(FMT_CSV, body, sizeof body - 1, NULL, &out, err, sizeof err), -1);
	assert_string_equal(err, "line 1: unknown column(s) \"");
	assert_int_equal(fmt_decode(FMT_CSV, "x", 1, NULL, &out, NULL, 0), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(json_top_level_reporter_and_period_apply_to_every_value),
		cmocka_unit_test(json_per_value_period_and_reporter_override_top_level),
		cmocka_unit_test(json_without_top_level_takes_everything_per_value),
		cmocka_unit_test(json_rows_carry_the_pointer_of_their_value),
		cmocka_unit_test(json_integer_printed_exactly),
		cmocka_unit_test(json_real_printed_with_fewest_digits),
		cmocka_unit_test(json_exponent_printed_as_plain_number),
		cmocka_unit_test(json_string_value_kept_as_written),
		cmocka_unit_test(json_bad_period_kept_as_sent_not_an_error),
		cmocka_unit_test(json_byte_order_mark_is_ignored),
		cmocka_unit_test(json_empty_values_array_gives_no_rows),
		cmocka_unit_test(json_malformed_names_line_and_column),
		cmocka_unit_test(json_cut_short_is_an_error),
		cmocka_unit_test(json_null_value_is_an_error),
		cmocka_unit_test(json_number_beyond_a_double_is_kept_as_sent),
		cmocka_unit_test(json_top_level_not_an_object_is_an_error),
		cmocka_unit_test(json_values_not_an_array_is_an_error),
		cmocka_unit_test(json_missing_values_is_an_error),
		cmocka_unit_test(json_value_not_an_object_names_its_pointer),
		cmocka_unit_test(json_missing_indicator_names_its_pointer),
		cmocka_unit_test(json_missing_value_is_an_error),
		cmocka_unit_test(json_missing_period_everywhere_is_an_error),
		cmocka_unit_test(json_missing_reporter_everywhere_is_an_error),
		cmocka_unit_test(json_boolean_value_is_an_error),
		cmocka_unit_test(json_numeric_code_is_an_error_asking_for_quotes),
		cmocka_unit_test(json_unknown_field_is_an_error),
		cmocka_unit_test(json_duplicate_key_is_an_error),
		cmocka_unit_test(json_nul_byte_is_an_error_with_position),
		cmocka_unit_test(json_not_utf8_is_an_error_with_position),
		cmocka_unit_test(json_empty_body_is_an_error),
		cmocka_unit_test(json_text_longer_than_64k_is_an_error),
		cmocka_unit_test(json_more_than_a_million_values_is_an_error),
		cmocka_unit_test(csv_rows_follow_the_header),
		cmocka_unit_test(csv_header_matched_in_any_order_and_case),
		cmocka_unit_test(csv_quoted_fields_keep_commas_and_doubled_quotes),
		cmocka_unit_test(csv_crlf_line_ends_are_accepted),
		cmocka_unit_test(csv_byte_order_mark_is_ignored),
		cmocka_unit_test(csv_newline_inside_quotes_belongs_to_the_field),
		cmocka_unit_test(csv_last_line_needs_no_newline),
		cmocka_unit_test(csv_blank_lines_are_skipped),
		cmocka_unit_test(csv_header_only_gives_no_rows),
		cmocka_unit_test(csv_unnamed_empty_columns_are_ignored),
		cmocka_unit_test(csv_value_under_an_unnamed_column_is_an_error),
		cmocka_unit_test(csv_unterminated_quote_names_line_and_column),
		cmocka_unit_test(csv_text_after_closing_quote_is_an_error),
		cmocka_unit_test(csv_missing_header_column_is_named),
		cmocka_unit_test(csv_unknown_header_column_is_named),
		cmocka_unit_test(csv_duplicate_header_column_is_an_error),
		cmocka_unit_test(csv_wrong_field_count_names_the_line),
		cmocka_unit_test(csv_nul_byte_is_an_error_with_position),
		cmocka_unit_test(csv_gbk_bytes_are_an_error_with_position),
		cmocka_unit_test(csv_utf16_is_an_error),
		cmocka_unit_test(csv_field_longer_than_64k_is_an_error),
		cmocka_unit_test(csv_more_than_a_million_rows_is_an_error),
		cmocka_unit_test(csv_empty_body_is_an_error),
		cmocka_unit_test(dhis2_json_header_mode_fills_period_and_org_unit),
		cmocka_unit_test(dhis2_json_bulk_mode_reads_each_value_alone),
		cmocka_unit_test(dhis2_json_value_overrides_header_period),
		cmocka_unit_test(dhis2_json_deleted_true_marks_the_row),
		cmocka_unit_test(dhis2_json_numeric_value_printed_exactly),
		cmocka_unit_test(dhis2_json_unknown_fields_are_ignored),
		cmocka_unit_test(dhis2_json_missing_org_unit_names_the_value),
		cmocka_unit_test(dhis2_json_missing_data_element_is_an_error),
		cmocka_unit_test(dhis2_json_bad_deleted_is_an_error),
		cmocka_unit_test(dhis2_json_data_values_not_array_is_an_error),
		cmocka_unit_test(dhis2_csv_columns_read_by_position),
		cmocka_unit_test(dhis2_csv_trailing_columns_may_be_left_out),
		cmocka_unit_test(dhis2_csv_bad_deleted_is_an_error),
		cmocka_unit_test(dhis2_csv_too_few_fields_is_an_error),
		cmocka_unit_test(dhis2_csv_data_in_the_header_line_is_an_error),
		cmocka_unit_test(sdmx_csv_1_0_with_default_columns),
		cmocka_unit_test(sdmx_csv_2_0_with_custom_map_and_delete_action),
		cmocka_unit_test(sdmx_csv_2_0_semicolon_separator_and_labels),
		cmocka_unit_test(sdmx_csv_labels_both_in_cells),
		cmocka_unit_test(adx_dhis2_docs_example),
		cmocka_unit_test(adx_quarter_year_annotation_and_attribute_combo),
		cmocka_unit_test(adx_refuses_doctype_and_names_the_line),
		cmocka_unit_test(sdmx_csv_1_0_semicolon_decimal_comma),
		cmocka_unit_test(sdmx_csv_missing_mapped_column_is_named),
		cmocka_unit_test(sdmx_csv_unknown_action_is_an_error),
		cmocka_unit_test(sdmx_csv_second_dataflow_is_an_error),
		cmocka_unit_test(sdmx_csv_other_first_column_is_an_error),
		cmocka_unit_test(sdmx_csv_2_0_needs_structure_id),
		cmocka_unit_test(period_normalization_table),
		cmocka_unit_test(format_names_round_trip),
		cmocka_unit_test(result_free_accepts_null_and_twice),
		cmocka_unit_test(error_cut_short_never_ends_in_half_a_character),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
