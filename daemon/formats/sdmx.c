/* sdmx.c - the SDMX-CSV 1.0 / 2.0 decoder: finds the configured reporter, indicator, period and value columns by header name. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

static const struct fmt_sdmx_map defaults = {
	.reporter_col = "REF_AREA",
	.indicator_col = "INDICATOR",
	.period_col = "TIME_PERIOD",
	.value_col = "OBS_VALUE",
	.comment_col = "COMMENT",
};

/* The columns we look for, in the order of this enum. */
enum { S_REPORTER, S_INDICATOR, S_PERIOD, S_VALUE, S_COMMENT, S_ACTION, S_STATUS, S_UNIT_MULT, S_N };

struct sdmx_cols {
	const char *name[S_N];
	int idx[S_N];
	int version;   /* 1 or 2 */
	size_t ncols;  /* fields in the header */
	size_t ds_col; /* DATAFLOW (1.0) or STRUCTURE_ID (2.0) */
	char sep;      /* the field separator */
};

static const char *const roles[S_N] = {
	"reporter", "indicator", "period", "value", "comment", "action", "status", "unit multiplier",
};

/* Tell SDMX-CSV 1.0 from 2.0 and find the field separator: it is the
 * character right after the first header cell, DATAFLOW or STRUCTURE
 * (which 2.0 may extend with a bracketed sub-field separator). */
static int sniff(const char *body, size_t len, int *version, char *sep, char *err, size_t errlen)
{
	size_t i = 0;
	bool quoted = false;

	if (i < len && body[i] == '"') {
		quoted = true;
		i++;
	}
	if (len - i >= 8 && strncasecmp(body + i, "DATAFLOW", 8) == 0) {
		*version = 1;
		i += 8;
	} else if (len - i >= 9 && strncasecmp(body + i, "STRUCTURE", 9) == 0) {
		*version = 2;
		i += 9;
		if (i < len && body[i] == '[') {
			while (i < len && body[i] != ']' && body[i] != '\r' && body[i] != '\n')
				i++;
			if (i >= len || body[i] != ']') {
				fmt_err(err, errlen,
				        "line 1: the header cell STRUCTURE[ "
				        "lacks its closing ]");
				return -1;
			}
			i++;
		}
	} else {
		fmt_err(err, errlen,
		        "line 1, column 1: an SDMX-CSV body starts with the "
		        "column DATAFLOW (SDMX-CSV 1.0) or STRUCTURE "
		        "(SDMX-CSV 2.0)");
		return -1;
	}
	if (quoted) {
		if (i >= len || body[i] != '"') {
			fmt_err(err, errlen,
			        "line 1: the first header cell must be "
			        "DATAFLOW or STRUCTURE alone");
			return -1;
		}
		i++;
	}
	if (i >= len || (body[i] != ',' && body[i] != ';' && body[i] != '\t' && body[i] != '|')) {
		fmt_err(err, errlen,
		        "line 1: %s must be followed by the field separator "
		        "(a comma) and the other columns",
		        *version == 1 ? "DATAFLOW" : "STRUCTURE");
		return -1;
	}
	*sep = body[i];
	return 0;
}

static int find_columns(const struct fmt_csv *c, struct sdmx_cols *s, char *err, size_t errlen)
{
	char missing[256] = "", item[128], q[96];
	size_t i, first = s->version == 1 ? 1 : 2, k, used;

	if (s->version == 2 && (c->nfields < 2 || !fmt_csv_header_is(c->fields[1], "STRUCTURE_ID", false))) {
		if (c->nfields < 2)
			snprintf(q, sizeof q, "nothing");
		else
			fmt_quote(q, sizeof q, c->fields[1], strlen(c->fields[1]));
		fmt_err(err, errlen,
		        "line %zu: in SDMX-CSV 2.0 the second column is "
		        "STRUCTURE_ID, found %s",
		        c->rec_line, q);
		return -1;
	}
	s->ncols = c->nfields;
	s->ds_col = s->version == 1 ? 0 : 1;
	for (k = 0; k < S_N; k++) {
		s->idx[k] = -1;
		if (k == S_ACTION && s->version == 1)
			continue; /* ACTION is a 2.0 column */
		for (i = first; i < c->nfields; i++) {
			/* "ID: label" when the sender asked labels=both */
			if (!fmt_csv_header_is(c->fields[i], s->name[k], true))
				continue;
			if (s->idx[k] >= 0) {
				fmt_quote(q, sizeof q, s->name[k], strlen(s->name[k]));
				fmt_err(err, errlen,
				        "line %zu: two columns are named %s "
				        "(fields %d and %zu)",
				        c->rec_line, q, s->idx[k] + 1, i + 1);
				return -1;
			}
			s->idx[k] = (int)i;
		}
	}
	for (k = 0; k < S_COMMENT; k++) {
		if (s->idx[k] >= 0)
			continue;
		fmt_quote(q, sizeof q, s->name[k], strlen(s->name[k]));
		snprintf(item, sizeof item, "%s (the %s)", q, roles[k]);
		used = strlen(missing);
		if (used + strlen(item) + 3 < sizeof missing)
			snprintf(missing + used, sizeof missing - used, "%s%s", used ? ", " : "", item);
	}
	if (missing[0]) {
		fmt_err(err, errlen,
		        "line %zu: the header has no column %s; if your "
		        "columns are named otherwise, set the SDMX column "
		        "mapping of this source",
		        c->rec_line, missing);
		return -1;
	}
	return 0;
}

/* code_len: how much of CELL is the code. With labels=both a coded cell
 * is "ID: name" (sdmx-twg/sdmx-csv, data-message field guide: "the ID(s)
 * and the localised name separated by the term ': '", e.g. "A: A value
 * name"; an artefact "ESTAT:NA_MAIN(1.6.0): National Accounts..."): the
 * code ends at the first ": ". A code never holds a space, so a cell
 * without ": " is all code. */
static size_t code_len(const char *cell)
{
	const char *p = strstr(cell, ": ");
	return p && p > cell ? (size_t)(p - cell) : strlen(cell);
}

/* Copy the code in field K of the record into *DST (see code_len). */
static int take_code(const struct fmt_csv *c, const struct sdmx_cols *s, int k, bool optional, char **dst)
{
	const char *f;
	size_t n;

	if (s->idx[k] < 0)
		return 0;
	f = c->fields[s->idx[k]];
	n = code_len(f);
	if (optional && n == 0)
		return 0;
	*dst = malloc(n + 1);
	if (!*dst)
		return -1;
	memcpy(*dst, f, n);
	(*dst)[n] = '\0';
	return 0;
}

/* decimal_comma: a message written for a locale whose field separator is
 * not the comma writes its decimal separator as the locale does (the
 * field guide's example: fr-FR turns "," into ";" and "." into ","). A
 * value of digits with one comma and no dot is read with a dot; anything
 * else is left for validation to judge. */
static void decimal_comma(char *v)
{
	char *comma = strchr(v, ',');
	size_t i = (v[0] == '-' || v[0] == '+') ? 1 : 0;

	if (!comma || strchr(comma + 1, ',') || strchr(v, '.') || comma == v + i || !comma[1])
		return;
	for (; v[i]; i++)
		if (v[i] != ',' && (v[i] < '0' || v[i] > '9'))
			return;
	*comma = '.';
}

/* Copy field K of the record into *DST ("" stays "" unless OPTIONAL). */
static int take(const struct fmt_csv *c, const struct sdmx_cols *s, int k, bool optional, char **dst)
{
	const char *f;

	if (s->idx[k] < 0)
		return 0;
	f = c->fields[s->idx[k]];
	if (optional && !f[0])
		return 0;
	*dst = fmt_strdup(f);
	return *dst ? 0 : -1;
}

static int sdmx_row(const struct fmt_csv *c, const struct sdmx_cols *s, struct fmt_result *out, size_t *cap,
                    char **first_ds, size_t *first_line, char *err, size_t errlen)
{
	const char *ds, *action;
	struct fmt_row *row;
	char q1[96], q2[96], *act = NULL;
	size_t ds_len;

	if (c->nfields != s->ncols) {
		fmt_err(err, errlen,
		        "line %zu: %zu fields, but the header has %zu (a "
		        "separator inside a value needs quotes around the "
		        "value)",
		        c->rec_line, c->nfields, s->ncols);
		return -1;
	}
	ds = c->fields[s->ds_col];
	ds_len = code_len(ds);
	if (!*first_ds) {
		*first_ds = fmt_strdup(ds);
		if (!*first_ds)
			goto oom;
		*first_line = c->rec_line;
		if (ds_len && !(out->dataset = fmt_strndup(ds, ds_len)))
			goto oom;
	} else if (strncmp(ds, *first_ds, ds_len) != 0 || code_len(*first_ds) != ds_len) {
		fmt_quote(q1, sizeof q1, ds, strlen(ds));
		fmt_quote(q2, sizeof q2, *first_ds, strlen(*first_ds));
		fmt_err(err, errlen,
		        "line %zu: %s %s differs from %s on line %zu; send one "
		        "%s per submission",
		        c->rec_line, s->version == 1 ? "DATAFLOW" : "STRUCTURE_ID", q1, q2, *first_line,
		        s->version == 1 ? "dataflow" : "structure");
		return -1;
	}
	row = fmt_line_row_add(out, cap, c->rec_line, err, errlen);
	if (!row)
		return -1;
	if (s->idx[S_ACTION] >= 0) {
		if (take_code(c, s, S_ACTION, false, &act) < 0)
			goto oom;
		action = act;
		if (strcasecmp(action, "D") == 0) {
			row->deleted = true;
		} else if (action[0] && strcasecmp(action, "I") != 0 && strcasecmp(action, "A") != 0 &&
		           strcasecmp(action, "R") != 0 && strcasecmp(action, "M") != 0) {
			fmt_quote(q1, sizeof q1, action, strlen(action));
			fmt_err(err, errlen,
			        "line %zu, field %d (ACTION): unknown action %s; "
			        "use I, A, R or D",
			        c->rec_line, s->idx[S_ACTION] + 1, q1);
			free(act);
			return -1;
		}
		free(act);
	}
	/* A missing observation: SDMX-CSV writes ":" or nothing as its
	 * OBS_VALUE; with a missing-value OBS_STATUS (M, L...) it is stored as
	 * reported-missing, without a status it is refused as a missing value. */
	if (strcmp(c->fields[s->idx[S_VALUE]], ":") != 0 && take(c, s, S_VALUE, true, &row->value) < 0)
		goto oom;
	/* Dimensions and coded attributes may carry labels; the comment
	 * and the value are not coded. */
	if (take_code(c, s, S_REPORTER, false, &row->reporter) < 0 ||
	    take_code(c, s, S_INDICATOR, false, &row->indicator) < 0 ||
	    take(c, s, S_COMMENT, true, &row->comment) < 0 || take_code(c, s, S_STATUS, true, &row->status) < 0 ||
	    take_code(c, s, S_UNIT_MULT, true, &row->unit_mult) < 0 ||
	    fmt_row_set_period(row, c->fields[s->idx[S_PERIOD]]) < 0)
		goto oom;
	if (!row->value && !row->status && !(row->value = fmt_strdup("")))
		goto oom;
	if (row->value && s->sep != ',')
		decimal_comma(row->value);
	return 0;
oom:
	fmt_err(err, errlen, "line %zu: out of memory", c->rec_line);
	return -1;
}

int fmt_sdmx_csv_decode(const char *body, size_t len, const struct fmt_sdmx_map *map, struct fmt_result *out, char *err,
                        size_t errlen)
{
	const struct fmt_sdmx_map *m = map ? map : &defaults;
	const char *const given[S_N] = {
		m->reporter_col, m->indicator_col, m->period_col, m->value_col,
		m->comment_col,  "ACTION",         "OBS_STATUS",  "UNIT_MULT",
	};
	const char *const fallback[S_N] = {
		defaults.reporter_col, defaults.indicator_col,
		defaults.period_col,   defaults.value_col,
		defaults.comment_col,  "ACTION",
		"OBS_STATUS",          "UNIT_MULT",
	};
	struct sdmx_cols s;
	struct fmt_csv c;
	char sep, *first_ds = NULL;
	size_t cap = 0, first_line = 0, k;
	int r, rc = -1;

	if (len == 0) {
		fmt_err(err, errlen,
		        "line 1: the body is empty; SDMX-CSV starts with a "
		        "header line");
		return -1;
	}
	if (sniff(body, len, &s.version, &sep, err, errlen) < 0)
		return -1;
	s.sep = sep;
	for (k = 0; k < S_N; k++)
		s.name[k] = given[k] && given[k][0] ? given[k] : fallback[k];
	fmt_csv_init(&c, body, len, sep);
	r = fmt_csv_next(&c, err, errlen);
	if (r <= 0 || find_columns(&c, &s, err, errlen) < 0)
		goto done;
	while ((r = fmt_csv_next(&c, err, errlen)) == 1)
		if (sdmx_row(&c, &s, out, &cap, &first_ds, &first_line, err, errlen) < 0)
			goto done;
	if (r == 0)
		rc = 0;
done:
	free(first_ds);
	fmt_csv_fini(&c);
	return rc;
}
