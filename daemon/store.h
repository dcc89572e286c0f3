/* store.h - how rows reach PostgreSQL: the COPY text encoding of a
 * submission's decoded rows and the statement that takes them. */
#ifndef MESTAT_STORE_H
#define MESTAT_STORE_H

#include <stdbool.h>
#include <stddef.h>

#include "formats/formats.h"
#include "util.h"

/* The COPY that stages a submission's rows, in store_copy_rows()'s column order. */
extern const char store_copy_ingest_rows_sql[];

/* The incremental progress run after submissions: a snapshot id, or NULL
 * when nothing was queued since the last run. */
extern const char store_progress_incremental_sql[];

/* store_copy_field: append S to B as one field of COPY's text format
 * (backslash, tab, newline and carriage return escaped; NULL S is \N),
 * followed by a tab, or a newline when LAST. 0, or -1 when out of memory. */
int store_copy_field(struct ubuf *b, const char *s, bool last);

/* store_copy_rows: the rows of FR not marked in EXCLUDED (NULL: none), one
 * line each, numbered from 1 by their place in FR. *OUT is malloc'd (NULL
 * when no row is left), *LEN its length. 0, or -1 when out of memory. */
int store_copy_rows(const struct fmt_result *fr, const bool *excluded, char **out, size_t *len);

#endif
