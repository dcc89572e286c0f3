/* fuzz_report_query.c - libFuzzer target: any query string of the read API
 * either builds a statement or is refused with a message, never crashes or
 * leaks; a built statement names only the view's own columns, double-quoted,
 * and holds none of the caller's bytes. Also feeds the bytes through the
 * CSV field writer. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_query.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct report_column cols[] = {
	{"reporter", "text"}, {"period", "text"}, {"value", "numeric"}, {"we\"ird", "text"}, {"received_at", "timestamp with time zone"},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *q = malloc(size + 1);
	if (!q)
		return 0;
	memcpy(q, data, size);
	q[size] = '\0';
	struct report_query out;
	char err[512];
	for (int restrict_to = 0; restrict_to < 2; restrict_to++) {
		int st = report_query_build("latest_values", cols, sizeof(cols) / sizeof(cols[0]), q, "row_to_json(v)::text",
		                            restrict_to ? "110000" : NULL, 1000, 10000, &out, err, sizeof(err));
		if (st == 0) {
			/* nothing the caller sent reaches the SQL text: it has only the fixed words, quoted names and $n */
			for (const char *p = out.sql; *p; p++)
				if (*p == '\'' || *p == ';')
					abort();
			if (out.limit < 0 || out.limit > 10000 || out.offset < 0 || out.nparams < 2 ||
			    out.nfilter != out.nparams - 2)
				abort();
			report_query_clear(&out);
		} else if (st != 400 || !err[0]) {
			abort();
		}
	}
	char *buf = NULL;
	size_t used = 0, cap = 0;
	if (report_csv_field(&buf, &used, &cap, q, size, true) == 0 && used < size)
		abort();
	free(buf);
	free(q);
	return 0;
}
