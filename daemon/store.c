/* store.c - how rows reach PostgreSQL: a submission's decoded rows as one
 * array per column, and the statement that stages them from those arrays,
 * kept together so that the column order cannot drift apart. */
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Prepared once per connection and sent in the same round trip as the
 * validation (ingest.c): one INSERT of every row, no COPY sub-protocol. */
const char store_stage_ingest_rows_sql[] =
	"INSERT INTO pg_temp.ingest_row (seq, loc, reporter, indicator, period, value, comment,"
	" deleted, coc, aoc, status, unit_mult, followup)"
	" SELECT * FROM unnest($1::integer[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],"
	" $7::text[], $8::boolean[], $9::text[], $10::text[], $11::text[], $12::text[], $13::boolean[])";

const char store_stage_batch_rows_sql[] =
	"INSERT INTO pg_temp.ingest_row (submission, seq, loc, reporter, indicator, period, value, comment,"
	" deleted, coc, aoc, status, unit_mult, followup)"
	" SELECT b.ids[u.place], u.seq, u.loc, u.reporter, u.indicator, u.period, u.value, u.comment,"
	" u.deleted, u.coc, u.aoc, u.status, u.unit_mult, u.followup"
	" FROM (SELECT current_setting('mestat.ingest_batch_ids')::bigint[] AS ids) AS b,"
	" unnest($1::integer[], $2::integer[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],"
	" $8::text[], $9::boolean[], $10::text[], $11::text[], $12::text[], $13::text[], $14::boolean[])"
	" AS u(place, seq, loc, reporter, indicator, period, value, comment, deleted, coc, aoc, status, unit_mult,"
	" followup)";

int store_stage_element(struct ubuf *b, const char *s, bool first)
{
	int rc = first ? 0 : ubuf_put(b, ",", 1);
	if (!s)
		return rc | ubuf_put(b, "NULL", 4);
	/* Quoted, every element: then only the quote and the backslash are
	 * special (the literal NULL, braces, commas and blanks are text). */
	rc |= ubuf_put(b, "\"", 1);
	const char *run = s;
	for (const char *p = s;; p++) {
		if (*p == '"' || *p == '\\' || *p == '\0') {
			rc |= ubuf_put(b, run, (size_t)(p - run));
			if (*p == '\0')
				break;
			rc |= ubuf_put(b, "\\", 1);
			run = p;
		}
	}
	return rc | ubuf_put(b, "\"", 1);
}

/* take_arrays: the N buffers of B, ended, into OUT; on RC or a failed
 * buffer, each freed and OUT NULL. 0 or -1. */
static int take_arrays(struct ubuf *b, int rc, char **out, int n)
{
	for (int c = 0; c < n; c++)
		rc |= b[c].oom;
	for (int c = 0; c < n; c++) {
		if (rc != 0) {
			free(b[c].p);
			out[c] = NULL;
		} else {
			out[c] = b[c].p;
		}
	}
	return rc != 0 ? -1 : 0;
}

int store_columns(int nrows, int ncols, const char *const *const row[], char *out[])
{
	struct ubuf b[STORE_STAGE_COLUMNS + 1] = {0};
	if (ncols < 1 || ncols > STORE_STAGE_COLUMNS + 1) {
		for (int c = 0; c < ncols; c++)
			out[c] = NULL;
		return -1;
	}
	int rc = 0;
	for (int c = 0; c < ncols; c++) {
		rc |= ubuf_put(&b[c], "{", 1);
		for (int i = 0; i < nrows; i++)
			rc |= store_stage_element(&b[c], row[i][c], i == 0);
		rc |= ubuf_put(&b[c], "}", 1);
	}
	return take_arrays(b, rc, out, ncols);
}

int store_stage_rows(const struct fmt_result *fr, const bool *excluded, char *out[STORE_STAGE_COLUMNS])
{
	struct ubuf b[STORE_STAGE_COLUMNS] = {0};
	int rc = 0;
	for (int c = 0; c < STORE_STAGE_COLUMNS; c++)
		rc |= ubuf_put(&b[c], "{", 1);
	bool first = true;
	int staged = 0;
	for (size_t i = 0; i < fr->nrows && rc == 0; i++) {
		const struct fmt_row *row = &fr->rows[i];
		if (excluded && excluded[i])
			continue;
		char seq[24];
		snprintf(seq, sizeof(seq), "%zu", i + 1);
		const char *field[STORE_STAGE_COLUMNS] = {seq,
		                                          row->loc,
		                                          row->reporter,
		                                          row->indicator,
		                                          row->period,
		                                          row->value,
		                                          row->comment,
		                                          row->deleted ? "t" : "f",
		                                          row->coc,
		                                          row->aoc,
		                                          row->status,
		                                          row->unit_mult,
		                                          row->followup ? "t" : "f"};
		for (int c = 0; c < STORE_STAGE_COLUMNS; c++)
			rc |= store_stage_element(&b[c], field[c], first);
		first = false;
		staged++;
	}
	for (int c = 0; c < STORE_STAGE_COLUMNS; c++)
		rc |= ubuf_put(&b[c], "}", 1);
	return take_arrays(b, rc, out, STORE_STAGE_COLUMNS) != 0 ? -1 : staged;
}

int store_stage_join(int n, char *const *const stage[], const int rows[], char *out[STORE_STAGE_COLUMNS + 1])
{
	struct ubuf b[STORE_STAGE_COLUMNS + 1] = {0};
	int rc = 0;
	for (int c = 0; c <= STORE_STAGE_COLUMNS; c++)
		rc |= ubuf_put(&b[c], "{", 1);
	bool first = true;
	for (int i = 0; i < n && rc == 0; i++) {
		if (rows[i] == 0)
			continue;
		char place[16];
		snprintf(place, sizeof(place), "%d", i + 1);
		for (int k = 0; k < rows[i]; k++)
			rc |= store_stage_element(&b[0], place, first && k == 0);
		/* Each column's elements, without the braces of its own array. */
		for (int c = 0; c < STORE_STAGE_COLUMNS; c++) {
			const char *a = stage[i][c];
			size_t alen = strlen(a);
			if (!first)
				rc |= ubuf_put(&b[c + 1], ",", 1);
			rc |= ubuf_put(&b[c + 1], a + 1, alen - 2);
		}
		first = false;
	}
	for (int c = 0; c <= STORE_STAGE_COLUMNS; c++)
		rc |= ubuf_put(&b[c], "}", 1);
	return take_arrays(b, rc, out, STORE_STAGE_COLUMNS + 1);
}
