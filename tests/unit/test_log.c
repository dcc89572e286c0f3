/* test_log.c - log lines are logfmt whatever the values hold: quotes,
 * backslashes, tabs and newlines of database errors escaped, bare values
 * with spaces quoted, long values cut with their quotes closed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "log.h"

/* The line(s) written to stderr while running the statements after
 * CAPTURE_BEGIN, read back into captured[] by CAPTURE_END. */
static char captured[20000];
static int saved_fd = -1, mem_fd = -1;

static void capture_begin(void)
{
	fflush(stderr);
	mem_fd = memfd_create("mestat-log", MFD_CLOEXEC);
	assert_true(mem_fd >= 0);
	saved_fd = dup(2);
	assert_true(dup2(mem_fd, 2) == 2);
}

static const char *capture_end(void)
{
	fflush(stderr);
	dup2(saved_fd, 2);
	close(saved_fd);
	ssize_t n = pread(mem_fd, captured, sizeof(captured) - 1, 0);
	close(mem_fd);
	assert_true(n >= 0);
	captured[n] = '\0';
	return captured;
}

static int setup(void **state)
{
	(void)state;
	log_set_timestamps(0);
	log_set_level(LOG_LVL_DEBUG);
	return 0;
}

static void test_a_database_error_inside_quotes_is_escaped(void **state)
{
	(void)state;
	capture_begin();
	log_error("database connection failed", "error=\"%s\"",
	          "connection to server on socket \"/run/x\\y/.s.PGSQL.5432\" failed: No such file\n\tIs the "
	          "server running?\r\x01");
	assert_string_equal(capture_end(),
	                    "level=error msg=\"database connection failed\" error=\"connection to server on socket "
	                    "\\\"/run/x\\\\y/.s.PGSQL.5432\\\" failed: No such file\\n\\tIs the server "
	                    "running?\\r\\u0001\"\n");
}

static void test_a_bare_value_with_a_space_or_quote_is_quoted(void **state)
{
	(void)state;
	capture_begin();
	log_info("reloading the configuration", "file=%s url=%s key=%s", "/etc/my mestat.conf", "https://x.example/a=b",
	         "say \"hi\"");
	assert_string_equal(capture_end(),
	                    "level=info msg=\"reloading the configuration\" file=\"/etc/my mestat.conf\" "
	                    "url=\"https://x.example/a=b\" key=\"say \\\"hi\\\"\"\n");
}

static void test_plain_values_stay_bare(void **state)
{
	(void)state;
	capture_begin();
	log_info("submission accepted", "submission=%lld reporter=%s rows=%zu new=%ld seconds=%.3f name=%s", 42LL,
	         "330000", (size_t)7, -3L, 0.25, "浙江");
	assert_string_equal(capture_end(), "level=info msg=\"submission accepted\" submission=42 reporter=330000 "
	                                   "rows=7 new=-3 seconds=0.250 name=浙江\n");
}

static void test_an_empty_or_null_bare_value_is_quoted(void **state)
{
	(void)state;
	const char *volatile none = NULL; /* volatile: the compiler must not see the NULL */
	capture_begin();
	log_warn("x", "a=%s b=%s", "", none);
	assert_string_equal(capture_end(), "level=warn msg=\"x\" a=\"\" b=(null)\n");
}

static void test_the_message_is_escaped_and_no_fields_leave_no_space(void **state)
{
	(void)state;
	capture_begin();
	log_debug("a \"quoted\"\nmessage\\");
	assert_string_equal(capture_end(), "level=debug msg=\"a \\\"quoted\\\"\\nmessage\\\\\"\n");
}

static void test_star_width_and_percent_are_understood(void **state)
{
	(void)state;
	capture_begin();
	log_info("m", "head=\"%.*s\" pct=100%% pad=%5d", 3, "abcdef", 42);
	assert_string_equal(capture_end(), "level=info msg=\"m\" head=\"abc\" pct=100% pad=\"   42\"\n");
}

static void test_a_huge_value_is_cut_with_its_quotes_closed(void **state)
{
	(void)state;
	static char big[30000];
	const char pat[] = "\"\t\\中"; /* quote, tab, backslash, a 3-byte character */
	size_t k = strlen(pat), i = 0;
	for (; i + k < sizeof(big); i += k)
		memcpy(big + i, pat, k);
	big[i] = '\0';
	capture_begin();
	log_error("big", "error=\"%s\" after=%s", big, "x y");
	const char *out = capture_end();
	size_t n = strlen(out);
	assert_true(n <= 8192);
	assert_int_equal(out[n - 1], '\n');
	assert_true(strchr(out, '\n') == out + n - 1); /* one line */
	/* Outside escapes, quotes must balance: count unescaped '"'. */
	int quotes = 0;
	for (size_t j = 0; j < n; j++) {
		if (out[j] == '\\') {
			j++;
			continue;
		}
		if (out[j] == '"')
			quotes++;
	}
	assert_int_equal(quotes % 2, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_database_error_inside_quotes_is_escaped),
		cmocka_unit_test(test_a_bare_value_with_a_space_or_quote_is_quoted),
		cmocka_unit_test(test_plain_values_stay_bare),
		cmocka_unit_test(test_an_empty_or_null_bare_value_is_quoted),
		cmocka_unit_test(test_the_message_is_escaped_and_no_fields_leave_no_space),
		cmocka_unit_test(test_star_width_and_percent_are_understood),
		cmocka_unit_test(test_a_huge_value_is_cut_with_its_quotes_closed),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
