/* formats.h - decoders that turn a submitted body into rows of text cells. */
#ifndef MESTAT_FORMATS_H
#define MESTAT_FORMATS_H

#include <stdbool.h>
#include <stddef.h>

/* The body formats mestatd accepts, pushed or pulled. */
enum fmt {
	FMT_JSON,       /* native JSON, application/json */
	FMT_CSV,        /* native CSV, text/csv */
	FMT_DHIS2_JSON, /* DHIS2 dataValueSets JSON */
	FMT_DHIS2_CSV,  /* DHIS2 CSV, 11 columns by position */
	FMT_SDMX_CSV,   /* SDMX-CSV 1.0 or 2.0 */
	FMT_ADX,        /* ADX (IHE QRPH), application/adx+xml, DHIS2 codes */
};

/* One decoded value, still in the sender's codes (mapping happens later).
 * Every string is owned by the row and NUL-terminated; absent ones are NULL. */
struct fmt_row {
	char *reporter;  /* reporter / orgUnit / mapped SDMX column */
	char *indicator; /* indicator / dataElement / mapped SDMX column */
	char *period;    /* canonical YYYYQn or YYYY when recognised, else as sent */
	char *value;     /* the value as text (JSON numbers printed exactly) */
	char *comment;
	char *coc;       /* DHIS2 categoryOptionCombo */
	char *aoc;       /* DHIS2 attributeOptionCombo */
	char *status;    /* SDMX OBS_STATUS / native "status" as sent, or NULL (A) */
	char *unit_mult; /* SDMX UNIT_MULT / native "unit_mult" as sent, or NULL */
	bool followup;   /* DHIS2 followup: the sender asks for a follow-up */
	bool deleted;    /* DHIS2 "deleted": true / deleted column, SDMX ACTION=D */
	char loc[48];    /* where the row came from: "line 3" or "/dataValues/2" */
};

/* The result of one decode. Release with fmt_result_free(). */
struct fmt_result {
	struct fmt_row *rows;
	size_t nrows;
	char *dataset; /* DHIS2 dataSet, SDMX DATAFLOW / STRUCTURE_ID; may be NULL */
};

/* How SDMX-CSV columns map to mestat's fields: column names in the header. */
struct fmt_sdmx_map {
	const char *reporter_col;  /* default "REF_AREA" */
	const char *indicator_col; /* default "INDICATOR" */
	const char *period_col;    /* default "TIME_PERIOD" */
	const char *value_col;     /* default "OBS_VALUE" */
	const char *comment_col;   /* default "COMMENT", optional in the body */
};

/* fmt_decode: decode BODY (LEN bytes, not necessarily NUL-terminated) as
 * format F. MAP is used for FMT_SDMX_CSV only and may be NULL for defaults.
 * Returns 0 and fills OUT, or -1 and writes a message meant for the
 * province clerk into ERR (ERRLEN bytes) naming the position: "line 4,
 * column 12: ..." or "JSON at /values/3/value: ..."; OUT is then empty. */
int fmt_decode(enum fmt f, const char *body, size_t len, const struct fmt_sdmx_map *map, struct fmt_result *out,
               char *err, size_t errlen);

/* fmt_decode_dhis2_csv: fmt_decode for DHIS2 CSV with DHIS2's
 * firstRowIsHeader: false reads the first line as data. */
int fmt_decode_dhis2_csv(const char *body, size_t len, bool first_row_is_header, struct fmt_result *out, char *err,
                         size_t errlen);

/* fmt_result_free: release everything OUT owns; OUT may be NULL. */
void fmt_result_free(struct fmt_result *out);

/* fmt_period_normalize: write the canonical code of period IN (YYYYQn,
 * YYYY-Qn, YYYY-MM-01/P3M for a quarter start month, YYYY, YYYY-A1) into OUT
 * (at least 8 bytes). Returns 0, or -1 when IN is not a period we read. */
int fmt_period_normalize(const char *in, char *out, size_t outlen);

/* fmt_by_name: "json", "csv", "dhis2-json", "dhis2-csv", "sdmx-csv", "adx" -> F.
 * Returns 0, or -1 for an unknown name. */
int fmt_by_name(const char *name, enum fmt *f);

/* fmt_name: the configuration name of F ("json", ...). */
const char *fmt_name(enum fmt f);

#endif
