/* internal.h - what the body decoders share among themselves; not part of the formats.h contract. */
#ifndef MESTAT_FORMATS_INTERNAL_H
#define MESTAT_FORMATS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "formats.h"

struct json_t; /* jansson's json_t, so this header does not drag jansson.h into CSV code */

/* Limits every decoder enforces, whatever the body size limit lets through. */
#define FMT_MAX_ROWS  1000000 /* rows in one submission */
#define FMT_MAX_FIELD 65536   /* bytes in one cell or JSON string */

/* row.c */

/* fmt_err: printf into ERR (ERRLEN bytes), always NUL-terminated. */
void fmt_err(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* fmt_strndup: a NUL-terminated copy of N bytes at S; NULL when out of memory. */
char *fmt_strndup(const char *s, size_t n);

/* fmt_strdup: a copy of S, or NULL for NULL S or when out of memory. */
char *fmt_strdup(const char *s);

/* fmt_row_add: append a zeroed row to OUT, whose array has room for *CAP;
 * the caller checks FMT_MAX_ROWS first. NULL when out of memory. */
struct fmt_row *fmt_row_add(struct fmt_result *out, size_t *cap);

/* fmt_line_row_add: for a record starting on LINE of a CSV body: refuse
 * a row beyond FMT_MAX_ROWS, else append one with loc "line N". NULL, with
 * ERR written, when refused or out of memory. */
struct fmt_row *fmt_line_row_add(struct fmt_result *out, size_t *cap, size_t line, char *err, size_t errlen);

/* fmt_drop_empty: free *S and set it NULL when it is "" (an optional
 * field sent empty counts as absent). */
void fmt_drop_empty(char **s);

/* fmt_row_set_period: store TEXT in ROW->period, canonical when we read it,
 * else as sent (validation later says why). -1 when out of memory. */
int fmt_row_set_period(struct fmt_row *row, const char *text);

/* fmt_quote: write S (N bytes) into DST as a short, printable, quoted excerpt
 * for an error message: "abc" or "a long na...". */
void fmt_quote(char *dst, size_t dstlen, const char *s, size_t n);

/* fmt_sanitize: make the error message S safe to put in a JSON reply or a
 * log line: valid UTF-8 (a sequence cut by truncation is dropped), no
 * control characters. */
void fmt_sanitize(char *s);

/* fmt_text_check: refuse a body with NUL bytes, UTF-16 or bytes that are not
 * UTF-8, naming the line and column. CR_BREAKS: a lone CR ends a line (CSV).
 * PREFIX starts the message ("JSON " or ""). Returns 0 or -1. */
int fmt_text_check(const char *body, size_t len, bool cr_breaks, const char *prefix, char *err, size_t errlen);

/* csv.c */

/* An RFC 4180 record reader over a body in memory. */
struct fmt_csv {
	const char *p, *end; /* what is left to read */
	char sep;            /* field separator, ',' unless SDMX says otherwise */
	size_t line;         /* physical line of p, 1-based */
	size_t col;          /* character column of p, 1-based */
	size_t rec_line;     /* line where the record last returned starts */
	char **fields;       /* that record's fields; valid until the next call */
	size_t nfields;
	char *buf; /* private: field texts, each NUL-terminated */
	size_t buflen, bufcap;
	size_t *offs; /* private: where each field starts in buf */
	size_t offcap;
};

/* fmt_csv_init: start reading BODY (LEN bytes, BOM already removed). */
void fmt_csv_init(struct fmt_csv *c, const char *body, size_t len, char sep);

/* fmt_csv_next: read the next record, skipping lines that hold nothing but
 * separators. Returns 1 with c->fields set, 0 at the end, -1 with ERR. */
int fmt_csv_next(struct fmt_csv *c, char *err, size_t errlen);

/* fmt_csv_fini: release what C holds. */
void fmt_csv_fini(struct fmt_csv *c);

/* fmt_csv_header_is: does header cell FIELD name column NAME? Compared
 * without case and surrounding blanks; with LABELS also "NAME: a label". */
bool fmt_csv_header_is(const char *field, const char *name, bool labels);

/* fmt_csv_decode: native CSV (reporter,indicator,period,value[,comment]). */
int fmt_csv_decode(const char *body, size_t len, struct fmt_result *out, char *err, size_t errlen);

/* json.c */

/* Flags for fmt_json_get_text. */
#define FMT_JT_NUMBER  0x1 /* accept a number, printed exactly */
#define FMT_JT_BOOL    0x2 /* accept true/false as "true"/"false" */
#define FMT_JT_NULL_OK 0x4 /* null counts as absent */

/* fmt_json_load: parse BODY into an object (the caller json_decref()s it),
 * or NULL with "JSON line L, column C: ..." in ERR. */
struct json_t *fmt_json_load(const char *body, size_t len, char *err, size_t errlen);

/* fmt_json_kind: "an object", "a number", "null"... for messages. */
const char *fmt_json_kind(const struct json_t *v);

/* fmt_json_rows: member KEY of the top-level object ROOT, which must be
 * an array of at most FMT_MAX_ROWS WHAT (e.g. "data values"). NULL, with
 * ERR written, when it is missing, not an array or too long. */
struct json_t *fmt_json_rows(struct json_t *root, const char *key, const char *what, char *err, size_t errlen);

/* fmt_json_get_text: member KEY of object OBJ (at JSON pointer PTR) as owned
 * text in *OUT, NULL when absent. Strings are kept as written. Returns 0, or
 * -1 with ERR naming PTR/KEY when the member has a type FLAGS refuse. */
int fmt_json_get_text(const struct json_t *obj, const char *key, unsigned flags, const char *ptr, char **out, char *err,
                      size_t errlen);

/* fmt_json_decode: native JSON {"reporter", "period", "values": [...]}. */
int fmt_json_decode(const char *body, size_t len, struct fmt_result *out, char *err, size_t errlen);

/* dhis2.c */

/* fmt_dhis2_json_decode: DHIS2 dataValueSets JSON, header or bulk mode. */
int fmt_dhis2_json_decode(const char *body, size_t len, struct fmt_result *out, char *err, size_t errlen);

/* fmt_dhis2_csv_decode: DHIS2 CSV, 11 columns by position; the first line
 * is a header skipped when HEADER (DHIS2's firstRowIsHeader), else data. */
int fmt_dhis2_csv_decode(const char *body, size_t len, bool header, struct fmt_result *out, char *err, size_t errlen);

/* adx.c */

/* fmt_adx_decode: ADX (urn:ihe:qrph:adx:2015) groups and data values;
 * disaggregation attributes become the combo "CATEGORY=OPTION,...". */
int fmt_adx_decode(const char *body, size_t len, struct fmt_result *out, char *err, size_t errlen);

/* sdmx.c */

/* fmt_sdmx_csv_decode: SDMX-CSV 1.0 or 2.0, columns found through MAP. */
int fmt_sdmx_csv_decode(const char *body, size_t len, const struct fmt_sdmx_map *map, struct fmt_result *out, char *err,
                        size_t errlen);

#endif
