/* test_release.c - the canonical text of a release document: what is
 * hashed and signed, and what jq -cjS prints of the same document. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "release.h"

static char *canonical_of(const char *text)
{
	json_error_t err;
	json_t *doc = json_loads(text, 0, &err);
	assert_non_null(doc);
	char *out = release_canonical(doc);
	json_decref(doc);
	return out;
}

static void test_keys_are_sorted_at_every_depth_without_whitespace(void **state)
{
	(void)state;
	char *c = canonical_of("{ \"b\": 1, \"a\": { \"z\": [3, 2], \"y\": null }, \"A\": true }");
	assert_string_equal(c, "{\"A\":true,\"a\":{\"y\":null,\"z\":[3,2]},\"b\":1}");
	free(c);
}

static void test_whole_reals_are_written_as_integers(void **state)
{
	(void)state;
	char *c = canonical_of("{\"x\": 2.0, \"y\": [1.0, -3.0, 0.0], \"z\": 1e3}");
	assert_string_equal(c, "{\"x\":2,\"y\":[1,-3,0],\"z\":1000}");
	free(c);
}

static void test_fractions_keep_at_most_15_significant_digits(void **state)
{
	(void)state;
	char *c = canonical_of("{\"r\": 0.1, \"s\": 0.123456789012345678, \"t\": 1234.5}");
	assert_string_equal(c, "{\"r\":0.1,\"s\":0.123456789012346,\"t\":1234.5}");
	free(c);
}

static void test_text_stays_utf8_and_escapes_only_what_json_requires(void **state)
{
	(void)state;
	char *c = canonical_of("{\"name\": \"科技 \\\"S&T\\\"\\n\"}");
	assert_string_equal(c, "{\"name\":\"科技 \\\"S&T\\\"\\n\"}");
	free(c);
}

static void test_canonical_text_is_a_fixed_point(void **state)
{
	(void)state;
	char *once = canonical_of("{\"b\": [1.5, 2.0, \"二\"], \"a\": {\"c\": 0.25}}");
	char *twice = canonical_of(once);
	assert_string_equal(once, twice);
	free(once);
	free(twice);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys_are_sorted_at_every_depth_without_whitespace),
		cmocka_unit_test(test_whole_reals_are_written_as_integers),
		cmocka_unit_test(test_fractions_keep_at_most_15_significant_digits),
		cmocka_unit_test(test_text_stays_utf8_and_escapes_only_what_json_requires),
		cmocka_unit_test(test_canonical_text_is_a_fixed_point),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
