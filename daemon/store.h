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

/* store_stage_element: append S to B as one element of a PostgreSQL array
 * literal, after a comma unless FIRST: double-quoted, with backslash and
 * double quote escaped; a NULL S is NULL. 0, or -1 when out of memory. */
int store_stage_element(struct ubuf *b, const char *s, bool first);

/* store_stage_rows: the rows of FR not marked in EXCLUDED (NULL: none), as
 * one array literal per column in OUT (each malloc'd; "{}" when no row is
 * left), the rows numbered from 1 by their place in FR. 0, or -1 when out
 * of memory (every OUT[i] NULL then). */
int store_stage_rows(const struct fmt_result *fr, const bool *excluded, char *out[STORE_STAGE_COLUMNS]);

#endif
