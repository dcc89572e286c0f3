/* test_util.c - what the shared helpers promise: the one backoff rule and
 * its jitter, hex SHA-256, the growable buffer, string copies, reading a
 * whole file, and the media type table behind Content-Type checks and
 * Accept headers. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "formats/media.h"
#include "util.h"

/* ---- backoff and jitter ---- */

static void backoff_starts_at_min_and_doubles(void **state)
{
	(void)state;
	assert_true(util_backoff(0.5, 60, 1) == 0.5);
	assert_true(util_backoff(0.5, 60, 2) == 1.0);
	assert_true(util_backoff(0.5, 60, 3) == 2.0);
	assert_true(util_backoff(0.5, 60, 4) == 4.0);
}

static void backoff_is_capped_at_max(void **state)
{
	(void)state;
	assert_true(util_backoff(0.5, 4, 4) == 4.0);
	assert_true(util_backoff(0.5, 4, 5) == 4.0);
	assert_true(util_backoff(0.5, 3, 4) == 3.0);
	/* a very long run of failures stays finite and capped */
	assert_true(util_backoff(1, 86400, 100000) == 86400.0);
	/* beyond 2^30 doublings nothing grows further */
	assert_true(util_backoff(1e-9, 1e30, 31) == util_backoff(1e-9, 1e30, 1000));
}

static void backoff_before_any_failure_is_min(void **state)
{
	(void)state;
	assert_true(util_backoff(2, 60, 0) == 2.0);
	assert_true(util_backoff(2, 60, -3) == 2.0);
}

static void jitter_stays_within_ten_percent_and_varies(void **state)
{
	(void)state;
	double lo = 2, hi = 0;
	for (int i = 0; i < 10000; i++) {
		double j = util_jitter();
		assert_true(j >= 0.9 && j < 1.1);
		lo = j < lo ? j : lo;
		hi = j > hi ? j : hi;
	}
	/* 10,000 draws spread over most of the range */
	assert_true(lo < 0.91);
	assert_true(hi > 1.09);
}

/* ---- the shared helpers ---- */

static void sha256_hex_matches_the_standard_vectors(void **state)
{
	(void)state;
	char out[65];
	util_sha256_hex("abc", 3, out);
	assert_string_equal(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	util_sha256_hex("", 0, out);
	assert_string_equal(out, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void ubuf_grows_and_stays_terminated(void **state)
{
	(void)state;
	struct ubuf b = {0};
	for (int i = 0; i < 1000; i++)
		assert_int_equal(ubuf_printf(&b, "%d,", i % 10), 0);
	assert_int_equal(b.len, 2000);
	assert_int_equal(strlen(b.p), 2000);
	assert_int_equal(ubuf_put(&b, "xy", 1), 0);
	assert_int_equal(b.p[2000], 'x');
	assert_int_equal(b.p[2001], '\0');
	assert_false(b.oom);
	free(b.p);
}

static void strdup_and_same_str_treat_null_as_empty(void **state)
{
	(void)state;
	assert_null(util_strdup(NULL));
	char *s = util_strdup("x");
	assert_string_equal(s, "x");
	free(s);
	assert_true(util_same_str(NULL, ""));
	assert_true(util_same_str("a", "a"));
	assert_false(util_same_str("a", NULL));
}

/* write_file: DIR/NAME holding LEN bytes of DATA; its path into PATH. */
static void write_file(const char *dir, const char *name, const char *data, size_t len, char *path, size_t plen)
{
	snprintf(path, plen, "%s/%s", dir, name);
	FILE *fp = fopen(path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

static void read_file_reads_the_whole_file_or_says_why_not(void **state)
{
	(void)state;
	char dir[] = "/tmp/test_util.XXXXXX", path[256];
	assert_non_null(mkdtemp(dir));
	size_t len = 99;
	/* longer than any first guess of the buffer, with a NUL inside */
	size_t big = 300000;
	char *data = malloc(big);
	assert_non_null(data);
	for (size_t i = 0; i < big; i++)
		data[i] = (char)('a' + i % 26);
	data[1000] = '\0';
	write_file(dir, "big", data, big, path, sizeof(path));
	char *got = util_read_file(path, 0, &len);
	assert_non_null(got);
	assert_int_equal(len, big);
	assert_memory_equal(got, data, big);
	assert_int_equal(got[big], '\0');
	free(got);
	/* MAX is the largest length taken */
	got = util_read_file(path, big, &len);
	assert_non_null(got);
	free(got);
	errno = 0;
	assert_null(util_read_file(path, big - 1, &len));
	assert_int_equal(errno, EFBIG);
	assert_int_equal(unlink(path), 0);
	free(data);
	/* an empty file is an empty string */
	write_file(dir, "empty", "", 0, path, sizeof(path));
	got = util_read_file(path, 10, &len);
	assert_non_null(got);
	assert_int_equal(len, 0);
	assert_string_equal(got, "");
	free(got);
	assert_int_equal(unlink(path), 0);
	/* what is not a regular file, or not there */
	assert_null(util_read_file(dir, 0, &len));
	assert_int_equal(errno, EISDIR);
	assert_null(util_read_file("/dev/null", 0, &len));
	assert_int_equal(errno, EINVAL);
	assert_null(util_read_file(path, 0, &len));
	assert_int_equal(errno, ENOENT);
	assert_int_equal(rmdir(dir), 0);
}

/* ---- media types ---- */

static void media_type_drops_parameters_blanks_and_case(void **state)
{
	(void)state;
	char out[64];
	fmt_media_type("Text/CSV; charset=utf-8", out, sizeof(out));
	assert_string_equal(out, "text/csv");
	fmt_media_type(" application/json ;q=1", out, sizeof(out));
	assert_string_equal(out, "application/json");
	fmt_media_type(NULL, out, sizeof(out));
	assert_string_equal(out, "");
	fmt_media_type("application/vnd.sdmx.data+csv", out, 8); /* cut short, still terminated */
	assert_string_equal(out, "applica");
}

static void expect_format(const char *media, bool dhis2, int want)
{
	enum fmt f = (enum fmt) - 1;
	int rc = fmt_from_media(media, dhis2, &f);
	if (want < 0 ? rc == 0 : (rc != 0 || (int)f != want)) {
		print_error("%s on the %s endpoint: expected %d, got rc %d format %d\n", media,
		            dhis2 ? "DHIS2" : "native", want, rc, (int)f);
		fail();
	}
}

static void each_endpoint_takes_its_media_types(void **state)
{
	(void)state;
	expect_format("application/json", false, FMT_JSON);
	expect_format("text/csv", false, FMT_CSV);
	expect_format("application/vnd.sdmx.data+csv", false, FMT_SDMX_CSV);
	expect_format("application/csv", false, -1);
	expect_format("application/json", true, FMT_DHIS2_JSON);
	expect_format("application/csv", true, FMT_DHIS2_CSV);
	expect_format("text/csv", true, FMT_DHIS2_CSV);
	expect_format("application/vnd.sdmx.data+csv", true, -1);
	expect_format("text/plain", false, -1);
	expect_format("", true, -1);
}

static void accept_asks_first_for_the_formats_own_type(void **state)
{
	(void)state;
	assert_string_equal(fmt_accept(FMT_JSON), "Accept: application/json, */*;q=0.5");
	assert_string_equal(fmt_accept(FMT_CSV), "Accept: text/csv, */*;q=0.5");
	assert_string_equal(fmt_accept(FMT_DHIS2_CSV), "Accept: application/csv, text/csv;q=0.9, */*;q=0.5");
	assert_string_equal(fmt_accept(FMT_SDMX_CSV),
	                    "Accept: application/vnd.sdmx.data+csv, text/csv;q=0.9, */*;q=0.5");
	/* every format the pushing side takes by a media type is asked for by it */
	const enum fmt all[] = {FMT_JSON, FMT_CSV, FMT_DHIS2_JSON, FMT_DHIS2_CSV, FMT_SDMX_CSV};
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		char media[64];
		fmt_media_type(fmt_accept(all[i]) + strlen("Accept: "), media, sizeof(media));
		*strchrnul(media, ',') = '\0';
		enum fmt f;
		assert_int_equal(fmt_from_media(media, all[i] == FMT_DHIS2_JSON || all[i] == FMT_DHIS2_CSV, &f), 0);
		assert_int_equal(f, all[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(backoff_starts_at_min_and_doubles),
		cmocka_unit_test(backoff_is_capped_at_max),
		cmocka_unit_test(backoff_before_any_failure_is_min),
		cmocka_unit_test(jitter_stays_within_ten_percent_and_varies),
		cmocka_unit_test(sha256_hex_matches_the_standard_vectors),
		cmocka_unit_test(ubuf_grows_and_stays_terminated),
		cmocka_unit_test(strdup_and_same_str_treat_null_as_empty),
		cmocka_unit_test(read_file_reads_the_whole_file_or_says_why_not),
		cmocka_unit_test(media_type_drops_parameters_blanks_and_case),
		cmocka_unit_test(each_endpoint_takes_its_media_types),
		cmocka_unit_test(accept_asks_first_for_the_formats_own_type),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
