/* store.h - how rows reach PostgreSQL: a submission's decoded rows as one
 * array per column, and the statement that stages them. */
#ifndef MESTAT_STORE_H
#define MESTAT_STORE_H

#include <stdbool.h>
#include <stddef.h>

#include "formats/formats.h"
#include "util.h"

/* The statement that stages a submission's rows into pg_temp.ingest_row:
 * its parameters are STORE_STAGE_COLUMNS array literals, in
 * store_stage_rows()'s column order. */
#define STORE_STAGE_COLUMNS 13
extern const char store_stage_ingest_rows_sql[];

/* A batch's rows, staged by one statement after mestat.ingest_batch_open():
 * $1 the place in the batch of each row's submission (from 1), then the
 * STORE_STAGE_COLUMNS arrays as above; each row takes the id opened in its
 * place (none for a replay). */
extern const char store_stage_batch_rows_sql[];

/* store_stage_element: append S to B as one element of a PostgreSQL array
 * literal, after a comma unless FIRST: double-quoted, with backslash and
 * double quote escaped; a NULL S is NULL. 0, or -1 when out of memory. */
int store_stage_element(struct ubuf *b, const char *s, bool first);

/* store_stage_rows: the rows of FR not marked in EXCLUDED (NULL: none), as
 * one array literal per column in OUT (each malloc'd; "{}" when no row is
 * left), the rows numbered from 1 by their place in FR. The number of rows
 * staged, or -1 when out of memory (every OUT[i] NULL then). */
int store_stage_rows(const struct fmt_result *fr, const bool *excluded, char *out[STORE_STAGE_COLUMNS]);

/* store_columns: NROWS rows of NCOLS values (ROW[i][c], NULL a NULL; NCOLS
 * from 1 to STORE_STAGE_COLUMNS + 1) as one array literal per column in OUT
 * (each malloc'd). 0, or -1 when out of memory (every OUT[c] NULL then). */
int store_columns(int nrows, int ncols, const char *const *const row[], char *out[]);

/* store_stage_join: the rows of N submissions, STAGE[i] as store_stage_rows()
 * made them with ROWS[i] rows, as store_stage_batch_rows_sql's parameters in
 * OUT (each malloc'd): the place of each row's submission, then each column's
 * arrays joined. 0, or -1 when out of memory (every OUT[i] NULL then). */
int store_stage_join(int n, char *const *const stage[], const int rows[], char *out[STORE_STAGE_COLUMNS + 1]);

#endif
