/* fuzz_report_query.c - libFuzzer target: any query string of the read API
 * is either read (report_query.c) and made a statement (store_report.c) or
 * refused with a message, never crashes or leaks; a statement names only
 * the view's own columns, double-quoted, and holds none of the caller's
 * bytes, its parameters within bounds; a choice of columns (?columns=)
 * names each column of the view at most once. Also feeds the bytes through the
 * CSV field writer, and through the JSON value writer: valid UTF-8 as a
 * string reads back as the same string, and as a boolean is true or false. */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_query.h"
#include "store_report.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct report_column cols[] = {
	{"reporter", "text"},
	{"period", "text"},
	{"value", "numeric"},
	{"we\"ird", "text"},
	{"received_at", "timestamp with time zone"},
};

enum { NC = sizeof(cols) / sizeof(cols[0]) };
static const size_t all[NC] = {0, 1, 2, 3, 4};
static const enum report_json_kind kinds[NC] = {REPORT_JSON_STRING, REPORT_JSON_STRING, REPORT_JSON_NUMBER,
                                                REPORT_JSON_STRING, REPORT_JSON_SQL};

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
		int st = report_query_build("latest_values", cols, NC, q, restrict_to ? "110000" : NULL, 1000, 10000,
		                            &out, err, sizeof(err));
		if (st == 0) {
			if (out.limit < 0 || out.limit > 10000 || out.offset < 0 || out.nparams > REPORT_MAX_PARAMS ||
			    out.nfilter != out.nparams - 2)
				abort();
			for (int i = 0; i < out.nfilter; i++)
				if (out.filters[i].col >= NC)
					abort();
			for (size_t i = 0; i < out.norder; i++)
				if (out.order[i].col >= NC)
					abort();
			/* nothing the caller sent reaches the SQL text: it has only the fixed words, quoted names and $n */
			struct store_report_page pg = {"latest_values", cols, NC, STORE_ROWS_PICK, all, NC, kinds};
			for (int rows = STORE_ROWS_ALL; rows <= STORE_ROWS_SDMX; rows++) {
				struct ubuf sql = {0};
				pg.rows = (enum store_report_rows)rows;
				if (store_report_page_sql(&pg, &out, &sql) == 0)
					for (const char *p = sql.p; *p; p++)
						if (*p == '\'' || *p == ';')
							abort();
				free(sql.p);
			}
			report_query_clear(&out);
		} else if (st != 400 || !err[0]) {
			abort();
		}
	}
	size_t pick[NC], npick = 99;
	int st = report_columns_pick("latest_values", cols, NC, q, pick, &npick, err, sizeof(err));
	if ((st != 0 && (st != 400 || !err[0] || npick != 0)) || npick > NC)
		abort();
	for (size_t i = 0; i < npick; i++)
		for (size_t k = 0; k < npick; k++)
			if (pick[i] >= NC || (i != k && pick[i] == pick[k]))
				abort();
	struct ubuf csv = {0};
	if (report_csv_field(&csv, q, size, true) == 0 && (csv.oom || csv.len < size))
		abort();
	free(csv.p);
	json_t *same = json_stringn(q, size); /* NULL unless valid UTF-8 */
	if (same) {
		for (int k = REPORT_JSON_BOOL; k <= REPORT_JSON_STRING; k++) {
			struct ubuf b = {0};
			report_json_value(&b, (enum report_json_kind)k, q, size);
			if (b.oom)
				continue;
			json_error_t e;
			json_t *back = json_loadb(b.p, b.len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
			if (!back || (k == REPORT_JSON_STRING && !json_equal(back, same)))
				abort();
			json_decref(back);
			free(b.p);
		}
		json_decref(same);
	}
	free(q);
	return 0;
}
