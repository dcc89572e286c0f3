/* dhis2.c - decoders for what a DHIS2 instance sends: dataValueSets JSON and DHIS2 CSV. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "internal.h"

/* The defaults a header-mode dataValueSet gives its data values. */
struct dvs_top {
	char *period;
	char *org_unit;
	char *aoc;
};

/* Read the flag KEY ("deleted", "followup") of the data value at PTR: true,
 * false, "true", "false" or null; anything else is refused rather than
 * guessed. */
static int get_flag(json_t *dv, const char *key, const char *ptr, bool *deleted, char *err, size_t errlen)
{
	json_t *v = json_object_get(dv, key);
	const char *s;

	*deleted = false;
	if (!v || json_is_null(v) || json_is_false(v))
		return 0;
	if (json_is_true(v)) {
		*deleted = true;
		return 0;
	}
	if (json_is_string(v)) {
		s = json_string_value(v);
		if (strcasecmp(s, "true") == 0) {
			*deleted = true;
			return 0;
		}
		if (strcasecmp(s, "false") == 0 || s[0] == '\0')
			return 0;
	}
	fmt_err(err, errlen, "JSON at %s/%s: expected true or false, found %s", ptr, key, fmt_json_kind(v));
	return -1;
}

/* Decode /dataValues/I (DV) into a new row of OUT. */
static int data_value(json_t *dv, size_t i, const struct dvs_top *top, struct fmt_result *out, size_t *cap, char *err,
                      size_t errlen)
{
	struct fmt_row *row;
	char ptr[48], *period = NULL;
	int rc = -1;

	snprintf(ptr, sizeof ptr, "/dataValues/%zu", i);
	if (!json_is_object(dv)) {
		fmt_err(err, errlen,
		        "JSON at %s: expected an object {\"dataElement\": ..., "
		        "\"value\": ...}, found %s",
		        ptr, fmt_json_kind(dv));
		return -1;
	}
	row = fmt_row_add(out, cap);
	if (!row) {
		fmt_err(err, errlen, "JSON at %s: out of memory", ptr);
		return -1;
	}
	snprintf(row->loc, sizeof row->loc, "%s", ptr);
	/* DHIS2 sends many more fields (storedBy, created...): they are
	 * ignored; followup asks the plan office to look at the value. A value may be null when only deleted or
	 * commented; validation decides what such a row means. */
	if (fmt_json_get_text(dv, "dataElement", 0, ptr, &row->indicator, err, errlen) < 0 ||
	    fmt_json_get_text(dv, "period", FMT_JT_NULL_OK, ptr, &period, err, errlen) < 0 ||
	    fmt_json_get_text(dv, "orgUnit", FMT_JT_NULL_OK, ptr, &row->reporter, err, errlen) < 0 ||
	    fmt_json_get_text(dv, "categoryOptionCombo", FMT_JT_NULL_OK, ptr, &row->coc, err, errlen) < 0 ||
	    fmt_json_get_text(dv, "attributeOptionCombo", FMT_JT_NULL_OK, ptr, &row->aoc, err, errlen) < 0 ||
	    fmt_json_get_text(dv, "value", FMT_JT_NUMBER | FMT_JT_BOOL | FMT_JT_NULL_OK, ptr, &row->value, err,
	                      errlen) < 0 ||
	    fmt_json_get_text(dv, "comment", FMT_JT_NULL_OK, ptr, &row->comment, err, errlen) < 0 ||
	    get_flag(dv, "deleted", ptr, &row->deleted, err, errlen) < 0 ||
	    get_flag(dv, "followup", ptr, &row->followup, err, errlen) < 0)
		goto done;
	fmt_drop_empty(&row->coc);
	fmt_drop_empty(&row->aoc);
	fmt_drop_empty(&row->comment);
	if (!row->indicator) {
		fmt_err(err, errlen, "JSON at %s: missing \"dataElement\"", ptr);
		goto done;
	}
	if (!period && !top->period) {
		fmt_err(err, errlen,
		        "JSON at %s: missing \"period\" (give it in the data "
		        "value or at the top level)",
		        ptr);
		goto done;
	}
	if (!row->reporter && !top->org_unit) {
		fmt_err(err, errlen,
		        "JSON at %s: missing \"orgUnit\" (give it in the data "
		        "value or at the top level)",
		        ptr);
		goto done;
	}
	if ((!row->reporter && !(row->reporter = fmt_strdup(top->org_unit))) ||
	    (!row->aoc && top->aoc && !(row->aoc = fmt_strdup(top->aoc))) ||
	    fmt_row_set_period(row, period ? period : top->period) < 0) {
		fmt_err(err, errlen, "JSON at %s: out of memory", ptr);
		goto done;
	}
	rc = 0;
done:
	free(period);
	return rc;
}

int fmt_dhis2_json_decode(const char *body, size_t len, struct fmt_result *out, char *err, size_t errlen)
{
	struct dvs_top top = {NULL, NULL, NULL};
	json_t *root, *dvs, *dv;
	size_t i, cap = 0;
	int rc = -1;

	root = fmt_json_load(body, len, err, errlen);
	if (!root)
		return -1;
	if (fmt_json_get_text(root, "dataSet", FMT_JT_NULL_OK, "", &out->dataset, err, errlen) < 0 ||
	    fmt_json_get_text(root, "period", FMT_JT_NULL_OK, "", &top.period, err, errlen) < 0 ||
	    fmt_json_get_text(root, "orgUnit", FMT_JT_NULL_OK, "", &top.org_unit, err, errlen) < 0 ||
	    fmt_json_get_text(root, "attributeOptionCombo", FMT_JT_NULL_OK, "", &top.aoc, err, errlen) < 0)
		goto done;
	fmt_drop_empty(&out->dataset);
	fmt_drop_empty(&top.aoc);
	dvs = fmt_json_rows(root, "dataValues", "data values", err, errlen);
	if (!dvs)
		goto done;
	json_array_foreach(dvs, i, dv)
	{
		if (data_value(dv, i, &top, out, &cap, err, errlen) < 0)
			goto done;
	}
	rc = 0;
done:
	free(top.period);
	free(top.org_unit);
	free(top.aoc);
	json_decref(root);
	return rc;
}

/* DHIS2 CSV columns, by position. */
enum {
	D_DATAELEMENT,
	D_PERIOD,
	D_ORGUNIT,
	D_COC,
	D_AOC,
	D_VALUE,
	D_STOREDBY,
	D_LASTUPDATED,
	D_COMMENT,
	D_FOLLOWUP,
	D_DELETED,
	D_NCOLS
};

/* Copy field I of the record into *DST, NULL when empty or not there. */
static int optional(const struct fmt_csv *c, size_t i, char **dst)
{
	if (i >= c->nfields || !c->fields[i][0])
		return 0;
	*dst = fmt_strdup(c->fields[i]);
	return *dst ? 0 : -1;
}

static int csv_row(const struct fmt_csv *c, struct fmt_result *out, size_t *cap, char *err, size_t errlen)
{
	struct fmt_row *row;
	const char *del;
	char q[96];

	if (c->nfields < D_VALUE + 1 || c->nfields > D_NCOLS) {
		fmt_err(err, errlen,
		        "line %zu: %zu fields; a DHIS2 CSV line has 6 to 11: "
		        "dataelement, period, orgunit, categoryoptioncombo, "
		        "attributeoptioncombo, value, storedby, lastupdated, "
		        "comment, followup, deleted",
		        c->rec_line, c->nfields);
		return -1;
	}
	row = fmt_line_row_add(out, cap, c->rec_line, err, errlen);
	if (!row)
		return -1;
	del = c->nfields > D_DELETED ? c->fields[D_DELETED] : "";
	if (strcasecmp(del, "true") == 0) {
		row->deleted = true;
	} else if (del[0] && strcasecmp(del, "false") != 0) {
		fmt_quote(q, sizeof q, del, strlen(del));
		fmt_err(err, errlen,
		        "line %zu, field 11 (deleted): expected true or false, "
		        "found %s",
		        c->rec_line, q);
		return -1;
	}
	del = c->nfields > D_FOLLOWUP ? c->fields[D_FOLLOWUP] : "";
	if (strcasecmp(del, "true") == 0) {
		row->followup = true;
	} else if (del[0] && strcasecmp(del, "false") != 0) {
		fmt_quote(q, sizeof q, del, strlen(del));
		fmt_err(err, errlen,
		        "line %zu, field 10 (followup): expected true or false, "
		        "found %s",
		        c->rec_line, q);
		return -1;
	}
	row->indicator = fmt_strdup(c->fields[D_DATAELEMENT]);
	row->reporter = fmt_strdup(c->fields[D_ORGUNIT]);
	row->value = fmt_strdup(c->fields[D_VALUE]);
	if (!row->indicator || !row->reporter || !row->value || fmt_row_set_period(row, c->fields[D_PERIOD]) < 0 ||
	    optional(c, D_COC, &row->coc) < 0 || optional(c, D_AOC, &row->aoc) < 0 ||
	    optional(c, D_COMMENT, &row->comment) < 0)
		goto oom;
	return 0;
oom:
	fmt_err(err, errlen, "line %zu: out of memory", c->rec_line);
	return -1;
}

int fmt_dhis2_csv_decode(const char *body, size_t len, bool header, struct fmt_result *out, char *err, size_t errlen)
{
	struct fmt_csv c;
	size_t cap = 0;
	char canon[16];
	int r, rc = -1;

	fmt_csv_init(&c, body, len, ',');
	r = fmt_csv_next(&c, err, errlen);
	if (r == 0)
		fmt_err(err, errlen,
		        "line 1: the body is empty; DHIS2 CSV starts with the "
		        "header line dataelement,period,orgunit,...");
	if (r <= 0)
		goto done;
	if (!header) { /* firstRowIsHeader=false: the first line is data */
		if (csv_row(&c, out, &cap, err, errlen) < 0)
			goto done;
	} else if (c.nfields > D_PERIOD && fmt_period_normalize(c.fields[D_PERIOD], canon, sizeof canon) == 0) {
		/* The first line is skipped unread, as DHIS2 does; but if it
		 * holds a period it is data, and skipping it would lose a
		 * value quietly. */
		fmt_err(err, errlen,
		        "line %zu: this looks like data, not the header line "
		        "DHIS2 CSV starts with (dataelement,period,orgunit,...); "
		        "send firstRowIsHeader=false if the body has no header",
		        c.rec_line);
		goto done;
	}
	while ((r = fmt_csv_next(&c, err, errlen)) == 1)
		if (csv_row(&c, out, &cap, err, errlen) < 0)
			goto done;
	if (r == 0)
		rc = 0;
done:
	fmt_csv_fini(&c);
	return rc;
}
