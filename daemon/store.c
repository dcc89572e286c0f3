/* store.c - how rows reach PostgreSQL: the COPY text encoding of a
 * submission's decoded rows and the statement that takes them, kept
 * together so that the column order cannot drift apart. */
#include "store.h"

#include <stdio.h>
#include <stdlib.h>

const char store_copy_ingest_rows_sql[] =
	"COPY pg_temp.ingest_row (seq, loc, reporter, indicator, period, value, comment,"
	" deleted, coc, aoc, status, unit_mult, followup) FROM STDIN";

const char store_progress_incremental_sql[] = "SELECT mestat.recompute_progress_incremental()";

int store_copy_field(struct ubuf *b, const char *s, bool last)
{
	int rc = 0;
	if (!s) {
		rc = ubuf_put(b, "\\N", 2);
	} else {
		const char *run = s;
		for (const char *p = s;; p++) {
			const char *esc = NULL;
			switch (*p) {
			case '\\': esc = "\\\\"; break;
			case '\t': esc = "\\t"; break;
			case '\n': esc = "\\n"; break;
			case '\r': esc = "\\r"; break;
			default: break;
			}
			if (esc || *p == '\0') {
				rc |= ubuf_put(b, run, (size_t)(p - run));
				if (!esc)
					break;
				rc |= ubuf_put(b, esc, 2);
				run = p + 1;
			}
		}
	}
	rc |= ubuf_put(b, last ? "\n" : "\t", 1);
	return rc;
}

int store_copy_rows(const struct fmt_result *fr, const bool *excluded, char **out, size_t *len)
{
	struct ubuf b = {0};
	int rc = 0;
	for (size_t i = 0; i < fr->nrows && rc == 0; i++) {
		const struct fmt_row *row = &fr->rows[i];
		if (excluded && excluded[i])
			continue;
		char seq[24];
		snprintf(seq, sizeof(seq), "%zu", i + 1);
		rc |= store_copy_field(&b, seq, false);
		rc |= store_copy_field(&b, row->loc, false);
		rc |= store_copy_field(&b, row->reporter, false);
		rc |= store_copy_field(&b, row->indicator, false);
		rc |= store_copy_field(&b, row->period, false);
		rc |= store_copy_field(&b, row->value, false);
		rc |= store_copy_field(&b, row->comment, false);
		rc |= store_copy_field(&b, row->deleted ? "t" : "f", false);
		rc |= store_copy_field(&b, row->coc, false);
		rc |= store_copy_field(&b, row->aoc, false);
		rc |= store_copy_field(&b, row->status, false);
		rc |= store_copy_field(&b, row->unit_mult, false);
		rc |= store_copy_field(&b, row->followup ? "t" : "f", true);
	}
	if (rc != 0 || b.oom) {
		free(b.p);
		return -1;
	}
	*out = b.p;
	*len = b.len;
	return 0;
}
