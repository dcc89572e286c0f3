/* test_store.c - what the COPY encoding promises: every field comes back as
 * it was sent, whatever bytes it holds; NULL stays NULL; a row set aside is
 * not staged; and each line has the columns the COPY statement names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "store.h"

/* unescape: read one field of COPY text at *P (as PostgreSQL's COPY FROM
 * does for the escapes store.c writes), advance past its tab or newline.
 * Returns a malloc'd string, or NULL for \N. */
static char *unescape(const char **p, bool *end_of_line)
{
	const char *s = *p;
	if (s[0] == '\\' && s[1] == 'N' && (s[2] == '\t' || s[2] == '\n')) {
		*end_of_line = s[2] == '\n';
		*p = s + 3;
		return NULL;
	}
	char *out = malloc(strlen(s) + 1);
	size_t o = 0;
	for (;; s++) {
		if (*s == '\t' || *s == '\n') {
			*end_of_line = *s == '\n';
			*p = s + 1;
			break;
		}
		assert_true(*s != '\0');
		if (*s == '\\') {
			s++;
			switch (*s) {
			case '\\': out[o++] = '\\'; break;
			case 't': out[o++] = '\t'; break;
			case 'n': out[o++] = '\n'; break;
			case 'r': out[o++] = '\r'; break;
			default: fail_msg("unexpected escape \\%c", *s);
			}
		} else {
			out[o++] = *s;
		}
	}
	out[o] = '\0';
	return out;
}

/* The number of columns the COPY statement names. */
static int statement_columns(void)
{
	const char *open = strchr(store_copy_ingest_rows_sql, '(');
	const char *close = strchr(store_copy_ingest_rows_sql, ')');
	int n = 1;
	for (const char *p = open; p < close; p++)
		n += *p == ',';
	return n;
}

static void field_round_trip(const char *in)
{
	struct ubuf b = {0};
	assert_int_equal(store_copy_field(&b, in, true), 0);
	const char *p = b.p;
	bool eol = false;
	char *back = unescape(&p, &eol);
	assert_true(eol);
	assert_true(p == b.p + b.len);
	if (!in)
		assert_null(back);
	else
		assert_string_equal(back, in);
	free(back);
	free(b.p);
}

static void special_bytes_come_back_as_sent(void **state)
{
	(void)state;
	field_round_trip("");
	field_round_trip("plain");
	field_round_trip("a\\b");
	field_round_trip("tab\there");
	field_round_trip("line\nbreak\r\n");
	field_round_trip("\\N"); /* the two characters, not NULL */
	field_round_trip("\\\\\t\t\n\r\\");
	field_round_trip("浙江省 330000");
	field_round_trip(NULL);
}

static void escapes_are_those_copy_reads(void **state)
{
	(void)state;
	struct ubuf b = {0};
	assert_int_equal(store_copy_field(&b, "a\tb\\c\nd\re", false), 0);
	assert_int_equal(store_copy_field(&b, NULL, true), 0);
	assert_int_equal(b.len, strlen("a\\tb\\\\c\\nd\\re\t\\N\n"));
	assert_memory_equal(b.p, "a\\tb\\\\c\\nd\\re\t\\N\n", b.len);
	free(b.p);
}

static void random_fields_round_trip(void **state)
{
	(void)state;
	srand(20161);
	char buf[64];
	for (int round = 0; round < 5000; round++) {
		size_t n = (size_t)(rand() % 40);
		for (size_t i = 0; i < n; i++) {
			static const char pool[] = "ab\\\t\n\rN 9\x7f\xe4\xb8\xad";
			buf[i] = pool[rand() % (int)(sizeof(pool) - 1)];
		}
		buf[n] = '\0';
		field_round_trip(buf);
	}
}

static void rows_have_the_statements_columns_and_skip_set_aside(void **state)
{
	(void)state;
	struct fmt_row rows[3] = {0};
	rows[0].reporter = "330000";
	rows[0].indicator = "incubators";
	rows[0].period = "2018Q3";
	rows[0].value = "132";
	snprintf(rows[0].loc, sizeof(rows[0].loc), "line 2");
	rows[1].reporter = "110000";
	rows[1].value = "bad";
	snprintf(rows[1].loc, sizeof(rows[1].loc), "line 3");
	rows[2].reporter = "330000";
	rows[2].indicator = "makerspaces";
	rows[2].period = "2018Q3";
	rows[2].comment = "revised\tafter audit";
	rows[2].status = "P";
	rows[2].unit_mult = "4";
	rows[2].deleted = true;
	rows[2].followup = true;
	snprintf(rows[2].loc, sizeof(rows[2].loc), "/dataValues/2");
	struct fmt_result fr = {.rows = rows, .nrows = 3};
	bool excluded[3] = {false, true, false};

	char *out = NULL;
	size_t len = 0;
	assert_int_equal(store_copy_rows(&fr, excluded, &out, &len), 0);
	assert_non_null(out);
	assert_int_equal(strlen(out), len);

	int cols = statement_columns();
	assert_int_equal(cols, 13);
	const char *p = out;
	const char *want_seq[] = {"1", "3"};
	for (int line = 0; line < 2; line++) {
		char *f[13];
		bool eol = false;
		for (int c = 0; c < cols; c++) {
			assert_false(eol);
			f[c] = unescape(&p, &eol);
		}
		assert_true(eol); /* exactly the statement's columns */
		assert_string_equal(f[0], want_seq[line]);
		if (line == 0) {
			assert_string_equal(f[1], "line 2");
			assert_string_equal(f[2], "330000");
			assert_string_equal(f[5], "132");
			assert_null(f[6]);
			assert_string_equal(f[7], "f");
			assert_null(f[10]);
			assert_string_equal(f[12], "f");
		} else {
			assert_string_equal(f[1], "/dataValues/2");
			assert_null(f[5]);
			assert_string_equal(f[6], "revised\tafter audit");
			assert_string_equal(f[7], "t");
			assert_string_equal(f[10], "P");
			assert_string_equal(f[11], "4");
			assert_string_equal(f[12], "t");
		}
		for (int c = 0; c < cols; c++)
			free(f[c]);
	}
	assert_true(p == out + len);
	free(out);

	/* every row set aside: nothing to stage */
	bool all[3] = {true, true, true};
	out = (char *)1;
	assert_int_equal(store_copy_rows(&fr, all, &out, &len), 0);
	assert_null(out);
	assert_int_equal(len, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(special_bytes_come_back_as_sent),
		cmocka_unit_test(escapes_are_those_copy_reads),
		cmocka_unit_test(random_fields_round_trip),
		cmocka_unit_test(rows_have_the_statements_columns_and_skip_set_aside),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
