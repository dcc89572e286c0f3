/* test_pull.c - what the collectors' pure parts promise: the FIFO, URL
 * templates, period arithmetic, failure classes and the array literals of
 * batched statements. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "pull_internal.h"
#include "pull_queue.h"

/* ---- the FIFO ---- */

struct item {
	int n;
	struct fifo_link link;
};

static int pop_n(struct fifo *q)
{
	struct fifo_link *l = fifo_pop(q);
	return l ? FIFO_ITEM(l, struct item, link)->n : -1;
}

static void fifo_hands_out_in_arrival_order(void **state)
{
	(void)state;
	struct fifo q = {0};
	struct item it[4] = {{1, {0}}, {2, {0}}, {3, {0}}, {4, {0}}};
	assert_true(fifo_empty(&q));
	for (int i = 0; i < 4; i++)
		fifo_push(&q, &it[i].link);
	assert_false(fifo_empty(&q));
	for (int i = 1; i <= 4; i++)
		assert_int_equal(pop_n(&q), i);
	assert_true(fifo_empty(&q));
	assert_null(fifo_pop(&q));
}

static void fifo_remove_takes_out_head_middle_and_tail(void **state)
{
	(void)state;
	struct fifo q = {0};
	struct item it[5] = {{1, {0}}, {2, {0}}, {3, {0}}, {4, {0}}, {5, {0}}};
	for (int i = 0; i < 5; i++)
		fifo_push(&q, &it[i].link);
	assert_true(fifo_remove(&q, &it[0].link));  /* head */
	assert_true(fifo_remove(&q, &it[2].link));  /* middle */
	assert_true(fifo_remove(&q, &it[4].link));  /* tail */
	assert_false(fifo_remove(&q, &it[4].link)); /* no longer there */
	/* the tail moved back: a push lands after the last one left */
	struct item six = {6, {0}};
	fifo_push(&q, &six.link);
	assert_int_equal(pop_n(&q), 2);
	assert_int_equal(pop_n(&q), 4);
	assert_int_equal(pop_n(&q), 6);
	assert_true(fifo_empty(&q));
}

static void fifo_remove_of_the_only_item_empties_the_queue(void **state)
{
	(void)state;
	struct fifo q = {0};
	struct item a = {1, {0}}, b = {2, {0}};
	fifo_push(&q, &a.link);
	assert_true(fifo_remove(&q, &a.link));
	assert_true(fifo_empty(&q));
	assert_null(q.tail);
	fifo_push(&q, &b.link);
	assert_int_equal(pop_n(&q), 2);
}

static void fifo_items_can_be_requeued_after_pop(void **state)
{
	(void)state;
	struct fifo q = {0}, r = {0};
	struct item a = {1, {0}}, b = {2, {0}};
	fifo_push(&q, &a.link);
	fifo_push(&q, &b.link);
	fifo_push(&r, fifo_pop(&q)); /* from the due queue to the ready queue */
	assert_int_equal(pop_n(&q), 2);
	assert_int_equal(pop_n(&r), 1);
	assert_true(fifo_empty(&q) && fifo_empty(&r));
}

/* ---- URL templates ---- */

static void expect_url(const char *tmpl, const char *period, const char *since, const char *want)
{
	char *got = pull_url_expand(tmpl, period, since);
	assert_non_null(got);
	if (strcmp(got, want) != 0) {
		print_error("expand \"%s\": expected \"%s\", got \"%s\"\n", tmpl, want, got);
		free(got);
		fail();
	}
	free(got);
}

static void url_template_replaces_period_and_since(void **state)
{
	(void)state;
	expect_url("https://p.example/api/data?period={period}&since={since}", "2018Q3", "2018-10-01T00%3A00%3A00Z",
	           "https://p.example/api/data?period=2018Q3&since=2018-10-01T00%3A00%3A00Z");
	expect_url("https://p.example/{period}/{period}.csv", "2018-Q3", "x", "https://p.example/2018-Q3/2018-Q3.csv");
}

static void url_template_without_placeholders_is_unchanged(void **state)
{
	(void)state;
	expect_url("https://p.example/a.csv", "2018Q3", "s", "https://p.example/a.csv");
	expect_url("", "2018Q3", "s", "");
}

static void url_template_keeps_other_braces(void **state)
{
	(void)state;
	expect_url("https://p.example/{other}/{period", "2018Q3", "s", "https://p.example/{other}/{period");
	/* many braces with long values: the result is sized for them all */
	expect_url(
		"{since}{since}{since}{period}{", "2018Q4", "0123456789012345678901234567890123456789",
		"0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"
		"01234567890123456789"
		"2018Q4{");
}

/* ---- period arithmetic ---- */

static time_t utc(int y, int mon, int d, int h, int mi)
{
	struct tm tm = {.tm_year = y - 1900, .tm_mon = mon - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi};
	return timegm(&tm);
}

static void expect_period(enum fmt f, time_t t, const char *want)
{
	char got[16];
	pull_period_latest(f, t, got, sizeof(got));
	if (strcmp(got, want) != 0) {
		print_error("period at %lld: expected %s, got %s\n", (long long)t, want, got);
		fail();
	}
}

static void period_is_the_latest_quarter_that_has_ended(void **state)
{
	(void)state;
	expect_period(FMT_CSV, utc(2018, 11, 30, 12, 0), "2018Q3");
	expect_period(FMT_JSON, utc(2018, 10, 1, 0, 0), "2018Q3");
	expect_period(FMT_CSV, utc(2018, 9, 30, 23, 59), "2018Q2");
	expect_period(FMT_CSV, utc(2019, 4, 1, 0, 0), "2019Q1");
	expect_period(FMT_CSV, utc(2018, 7, 1, 0, 0), "2018Q2");
}

static void period_in_january_to_march_is_last_years_fourth(void **state)
{
	(void)state;
	expect_period(FMT_CSV, utc(2019, 1, 1, 0, 0), "2018Q4");
	expect_period(FMT_DHIS2_CSV, utc(2019, 3, 31, 23, 59), "2018Q4");
}

static void period_is_spelled_the_sdmx_way_for_sdmx(void **state)
{
	(void)state;
	expect_period(FMT_SDMX_CSV, utc(2018, 11, 30, 12, 0), "2018-Q3");
	expect_period(FMT_SDMX_CSV, utc(2019, 2, 1, 0, 0), "2018-Q4");
}

static void period_follows_the_local_time_zone(void **state)
{
	(void)state;
	/* 2018-09-30 20:00 UTC is already 1 October in Beijing */
	setenv("TZ", "Asia/Shanghai", 1);
	tzset();
	expect_period(FMT_CSV, utc(2018, 9, 30, 20, 0), "2018Q3");
	setenv("TZ", "UTC", 1);
	tzset();
	expect_period(FMT_CSV, utc(2018, 9, 30, 20, 0), "2018Q2");
}

/* ---- failure classes ---- */

static void failure_classes_name_what_went_wrong(void **state)
{
	(void)state;
	assert_string_equal(pull_failure_class(CURLE_COULDNT_RESOLVE_HOST, false, ""), "dns");
	assert_string_equal(pull_failure_class(CURLE_OPERATION_TIMEDOUT, false, ""), "timeout");
	assert_string_equal(pull_failure_class(CURLE_PEER_FAILED_VERIFICATION, false, ""), "tls");
	assert_string_equal(pull_failure_class(CURLE_FILESIZE_EXCEEDED, false, ""), "body_too_large");
	assert_string_equal(pull_failure_class(CURLE_WRITE_ERROR, true, ""), "body_too_large");
	assert_string_equal(pull_failure_class(CURLE_WRITE_ERROR, false, ""), "connect");
	assert_string_equal(pull_failure_class(CURLE_UNSUPPORTED_PROTOCOL, false, ""), "http_status");
	assert_string_equal(pull_failure_class(CURLE_BAD_CONTENT_ENCODING, false, ""), "decode");
	assert_string_equal(pull_failure_class(CURLE_COULDNT_CONNECT, false, ""), "connect");
}

static void a_tls_alert_after_the_handshake_is_tls(void **state)
{
	(void)state;
	assert_string_equal(pull_failure_class(CURLE_RECV_ERROR, false,
	                                       "OpenSSL SSL_read: tlsv13 alert certificate "
	                                       "required, errno 0"),
	                    "tls");
	assert_string_equal(pull_failure_class(CURLE_RECV_ERROR, false, "Connection reset by peer"), "connect");
}

/* ---- array literals of batched statements ---- */

static void pg_arrays_quote_every_element_and_keep_nulls(void **state)
{
	(void)state;
	const char *vals[] = {
		"a", "1.5", "b\"c\\d", NULL, "", "x,y{z}",
	};
	char **a = pg_arrays(3, 2, vals);
	assert_non_null(a);
	assert_string_equal(a[0], "{\"a\",\"b\\\"c\\\\d\",\"\"}");
	assert_string_equal(a[1], "{\"1.5\",NULL,\"x,y{z}\"}");
	pg_arrays_free(a, 2);
}

int main(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fifo_hands_out_in_arrival_order),
		cmocka_unit_test(fifo_remove_takes_out_head_middle_and_tail),
		cmocka_unit_test(fifo_remove_of_the_only_item_empties_the_queue),
		cmocka_unit_test(fifo_items_can_be_requeued_after_pop),
		cmocka_unit_test(url_template_replaces_period_and_since),
		cmocka_unit_test(url_template_without_placeholders_is_unchanged),
		cmocka_unit_test(url_template_keeps_other_braces),
		cmocka_unit_test(period_is_the_latest_quarter_that_has_ended),
		cmocka_unit_test(period_in_january_to_march_is_last_years_fourth),
		cmocka_unit_test(period_is_spelled_the_sdmx_way_for_sdmx),
		cmocka_unit_test(period_follows_the_local_time_zone),
		cmocka_unit_test(failure_classes_name_what_went_wrong),
		cmocka_unit_test(a_tls_alert_after_the_handshake_is_tls),
		cmocka_unit_test(pg_arrays_quote_every_element_and_keep_nulls),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
