/* test_store.c - what the staging encoding promises: every field comes
 * back as it was sent, whatever bytes it holds; NULL stays NULL; a row set
 * aside is not staged; and there is one array per column the statement
 * names, each with one element per staged row. */
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

/* element: read one element of an array literal at *P as PostgreSQL's
 * array input does for what store.c writes (NULL, or a double-quoted string
 * with backslash escapes), and advance past the comma or closing brace that
 * follows it. Returns a malloc'd string, or NULL for NULL. */
static char *element(const char **p, bool *last)
{
	const char *s = *p;
	char *out = NULL;
	if (strncmp(s, "NULL", 4) == 0) {
		s += 4;
	} else {
		assert_int_equal(*s, '"');
		out = malloc(strlen(s) + 1);
		size_t o = 0;
		for (s++; *s != '"'; s++) {
			assert_true(*s != '\0');
			if (*s == '\\')
				s++;
			assert_true(*s != '\0');
			out[o++] = *s;
		}
		out[o] = '\0';
		s++;
	}
	assert_true(*s == ',' || *s == '}');
	*last = *s == '}';
	*p = s + 1;
	return out;
}

/* The number of arrays a staging statement SQL takes: its $n parameters. */
static int statement_columns(const char *sql)
{
	int n = 0;
	for (const char *p = sql; (p = strchr(p, '$')) != NULL; p++)
		n++;
	return n;
}

/* column: the N elements of array literal A, each malloc'd (NULL for NULL);
 * A has exactly N. */
static void column(const char *a, int n, char **out)
{
	assert_int_equal(a[0], '{');
	const char *p = a + 1;
	bool last = n == 0 && strcmp(p, "}") == 0;
	for (int i = 0; i < n; i++) {
		assert_false(last);
		out[i] = element(&p, &last);
	}
	assert_true(last);
	if (n > 0)
		assert_int_equal(*p, '\0');
}

static void field_round_trip(const char *in)
{
	struct ubuf b = {0};
	assert_int_equal(ubuf_put(&b, "{", 1), 0);
	assert_int_equal(store_stage_element(&b, in, true), 0);
	assert_int_equal(store_stage_element(&b, "after", false), 0);
	assert_int_equal(ubuf_put(&b, "}", 1), 0);
	const char *p = b.p + 1;
	bool last = false;
	char *back = element(&p, &last);
	assert_false(last);
	if (!in)
		assert_null(back);
	else
		assert_string_equal(back, in);
	free(back);
	back = element(&p, &last);
	assert_true(last);
	assert_string_equal(back, "after");
	assert_true(p == b.p + b.len);
	free(back);
	free(b.p);
}

static void special_bytes_come_back_as_sent(void **state)
{
	(void)state;
	field_round_trip("");
	field_round_trip("plain");
	field_round_trip("a\\b");
	field_round_trip("a \"quoted\" word");
	field_round_trip("{braces}, commas,");
	field_round_trip("NULL"); /* the word, not NULL */
	field_round_trip("tab\there");
	field_round_trip("line\nbreak\r\n");
	field_round_trip("\\\"\\\"\\");
	field_round_trip("浙江省 330000");
	field_round_trip(NULL);
}

static void escapes_are_those_array_input_reads(void **state)
{
	(void)state;
	struct ubuf b = {0};
	assert_int_equal(store_stage_element(&b, "a\"b\\c,{d}\te", true), 0);
	assert_int_equal(store_stage_element(&b, NULL, false), 0);
	assert_int_equal(store_stage_element(&b, "NULL", false), 0);
	const char *want = "\"a\\\"b\\\\c,{d}\te\",NULL,\"NULL\"";
	assert_int_equal(b.len, strlen(want));
	assert_memory_equal(b.p, want, b.len);
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
			static const char pool[] = "ab\\\"{},\t\n\rN 9\x7f\xe4\xb8\xad";
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

	char *out[STORE_STAGE_COLUMNS];
	assert_int_equal(store_stage_rows(&fr, excluded, out), 2); /* the rows staged */
	assert_int_equal(statement_columns(store_stage_ingest_rows_sql), STORE_STAGE_COLUMNS);
	assert_int_equal(STORE_STAGE_COLUMNS, 13);

	/* f[column][row]: two rows, the second set aside */
	char *f[STORE_STAGE_COLUMNS][2];
	for (int c = 0; c < STORE_STAGE_COLUMNS; c++) {
		assert_non_null(out[c]);
		assert_int_equal(out[c][0], '{');
		const char *p = out[c] + 1;
		bool last = false;
		for (int line = 0; line < 2; line++) {
			assert_false(last);
			f[c][line] = element(&p, &last);
		}
		assert_true(last); /* exactly one element per staged row */
		assert_int_equal(*p, '\0');
	}
	assert_string_equal(f[0][0], "1");
	assert_string_equal(f[1][0], "line 2");
	assert_string_equal(f[2][0], "330000");
	assert_string_equal(f[5][0], "132");
	assert_null(f[6][0]);
	assert_string_equal(f[7][0], "f");
	assert_null(f[10][0]);
	assert_string_equal(f[12][0], "f");
	assert_string_equal(f[0][1], "3");
	assert_string_equal(f[1][1], "/dataValues/2");
	assert_null(f[5][1]);
	assert_string_equal(f[6][1], "revised\tafter audit");
	assert_string_equal(f[7][1], "t");
	assert_string_equal(f[10][1], "P");
	assert_string_equal(f[11][1], "4");
	assert_string_equal(f[12][1], "t");
	for (int c = 0; c < STORE_STAGE_COLUMNS; c++) {
		free(f[c][0]);
		free(f[c][1]);
		free(out[c]);
	}

	/* every row set aside: empty arrays, nothing staged */
	bool all[3] = {true, true, true};
	assert_int_equal(store_stage_rows(&fr, all, out), 0);
	for (int c = 0; c < STORE_STAGE_COLUMNS; c++) {
		assert_string_equal(out[c], "{}");
		free(out[c]);
	}
}

/* store_row: a row of one staged value VALUE from LOC, the rest empty. */
static struct fmt_row store_row(const char *loc, char *value)
{
	struct fmt_row r = {0};
	r.reporter = "330000";
	r.value = value;
	snprintf(r.loc, sizeof(r.loc), "%s", loc);
	return r;
}

static void a_batch_stages_every_row_with_its_place(void **state)
{
	(void)state;
	/* three submissions: two rows, none left (all set aside), one */
	struct fmt_row r1[2] = {store_row("line 2", "1.5"), store_row("line 3", "a,\"b\"")};
	struct fmt_row r2[1] = {store_row("line 2", "9")};
	struct fmt_row r3[1] = {store_row("/dataValues/0", NULL)};
	struct fmt_result fr[3] = {{.rows = r1, .nrows = 2}, {.rows = r2, .nrows = 1}, {.rows = r3, .nrows = 1}};
	bool aside[1] = {true};
	char *stage[3][STORE_STAGE_COLUMNS];
	int rows[3];
	rows[0] = store_stage_rows(&fr[0], NULL, stage[0]);
	rows[1] = store_stage_rows(&fr[1], aside, stage[1]);
	rows[2] = store_stage_rows(&fr[2], NULL, stage[2]);
	assert_int_equal(rows[0], 2);
	assert_int_equal(rows[1], 0);
	assert_int_equal(rows[2], 1);

	char *const *stages[3] = {stage[0], stage[1], stage[2]};
	char *out[STORE_STAGE_COLUMNS + 1];
	assert_int_equal(store_stage_join(3, stages, rows, out), 0);
	assert_int_equal(statement_columns(store_stage_batch_rows_sql), STORE_STAGE_COLUMNS + 1);

	char *f[STORE_STAGE_COLUMNS + 1][3];
	for (int c = 0; c <= STORE_STAGE_COLUMNS; c++)
		column(out[c], 3, f[c]);
	/* each row's place in the batch, then its own seq, loc and value */
	const char *place[3] = {"1", "1", "3"}, *seq[3] = {"1", "2", "1"};
	const char *loc[3] = {"line 2", "line 3", "/dataValues/0"}, *value[3] = {"1.5", "a,\"b\"", NULL};
	for (int i = 0; i < 3; i++) {
		assert_string_equal(f[0][i], place[i]);
		assert_string_equal(f[1][i], seq[i]);
		assert_string_equal(f[2][i], loc[i]);
		assert_string_equal(f[3][i], "330000");
		if (value[i])
			assert_string_equal(f[6][i], value[i]);
		else
			assert_null(f[6][i]);
	}
	for (int c = 0; c <= STORE_STAGE_COLUMNS; c++) {
		for (int i = 0; i < 3; i++)
			free(f[c][i]);
		free(out[c]);
	}

	/* a batch whose rows were all set aside: empty arrays */
	char *const *none[1] = {stage[1]};
	int zero[1] = {0};
	assert_int_equal(store_stage_join(1, none, zero, out), 0);
	for (int c = 0; c <= STORE_STAGE_COLUMNS; c++) {
		assert_string_equal(out[c], "{}");
		free(out[c]);
	}
	for (int k = 0; k < 3; k++)
		for (int c = 0; c < STORE_STAGE_COLUMNS; c++)
			free(stage[k][c]);
}

static void columns_of_rows_come_back_as_sent(void **state)
{
	(void)state;
	const char *a[3] = {"110000", NULL, "\\x6869"};
	const char *b[3] = {"120000", "key \"k\"", "\\x"};
	const char *const *row[2] = {a, b};
	char *out[3];
	assert_int_equal(store_columns(2, 3, row, out), 0);
	for (int c = 0; c < 3; c++) {
		char *f[2];
		column(out[c], 2, f);
		for (int i = 0; i < 2; i++) {
			if (row[i][c])
				assert_string_equal(f[i], row[i][c]);
			else
				assert_null(f[i]);
			free(f[i]);
		}
		free(out[c]);
	}
	/* more columns than any statement takes: refused, nothing made */
	const char *wide[STORE_STAGE_COLUMNS + 2] = {0};
	const char *const *wrow[1] = {wide};
	char *wout[STORE_STAGE_COLUMNS + 2];
	assert_int_equal(store_columns(1, STORE_STAGE_COLUMNS + 2, wrow, wout), -1);
	for (int c = 0; c < STORE_STAGE_COLUMNS + 2; c++)
		assert_null(wout[c]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(special_bytes_come_back_as_sent),
		cmocka_unit_test(escapes_are_those_array_input_reads),
		cmocka_unit_test(random_fields_round_trip),
		cmocka_unit_test(rows_have_the_statements_columns_and_skip_set_aside),
		cmocka_unit_test(a_batch_stages_every_row_with_its_place),
		cmocka_unit_test(columns_of_rows_come_back_as_sent),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
