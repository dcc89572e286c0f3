/* json.c - the native JSON decoder, and the jansson helpers the DHIS2 JSON decoder shares with it. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "internal.h"

/*
 * Numbers are kept exactly as sent.
 *
 * jansson reads a JSON number into a long long or a double: one with more
 * digits than a double holds (1234567.12345678901234567) would come out
 * rounded, and one beyond the range of either (1e400, 2^63) would fail the
 * whole body. So before parsing, every number whose value would not come
 * back unchanged is put in quotes: it then reaches the rows as the very
 * text the province sent, and is stored exactly, or refused with the
 * reason, like the same value sent as a string (the database's numeric
 * type reads it). Columns in jansson's messages about the same line may
 * then be off by two per number quoted before them.
 */

/* number_len: the length of the JSON number starting at S (N bytes), or 0. */
static size_t number_len(const char *s, size_t n)
{
	size_t i = 0;

	if (i < n && s[i] == '-')
		i++;
	if (i < n && s[i] == '0')
		i++;
	else if (i < n && s[i] >= '1' && s[i] <= '9')
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	else
		return 0;
	if (i < n && s[i] == '.') {
		if (++i >= n || s[i] < '0' || s[i] > '9')
			return 0;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i >= n || s[i] < '0' || s[i] > '9')
			return 0;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	return i;
}

/* A decimal number as significant digits, a scale and a sign:
 * value = (neg ? -1 : 1) * 0.DIGITS * 10^SCALE; zero has no digits. */
struct dec {
	char digits[48];
	long scale;
	int neg;
};

/* dec_read: read the number S (N bytes, JSON or printf %g syntax) into D.
 * -1 when it has more significant digits than D holds (then it cannot
 * equal a double printed with 17). */
static int dec_read(const char *s, size_t n, struct dec *d)
{
	size_t i = 0, nd = 0;
	long intlen = 0, exp = 0;
	int seen_point = 0, expneg = 0;

	memset(d, 0, sizeof(*d));
	if (i < n && (s[i] == '-' || s[i] == '+'))
		d->neg = s[i++] == '-';
	for (; i < n && s[i] != 'e' && s[i] != 'E'; i++) {
		if (s[i] == '.') {
			seen_point = 1;
			continue;
		}
		if (nd == 0 && s[i] == '0') { /* leading zeros */
			if (!seen_point)
				continue;
			intlen--;
			continue;
		}
		if (nd + 1 >= sizeof(d->digits))
			return -1;
		d->digits[nd++] = s[i];
		if (!seen_point)
			intlen++;
	}
	if (i < n) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			expneg = s[i++] == '-';
		for (; i < n; i++)
			if (exp < 1000000)
				exp = exp * 10 + (s[i] - '0');
	}
	while (nd > 0 && d->digits[nd - 1] == '0')
		d->digits[--nd] = '\0';
	d->scale = nd ? intlen + (expneg ? -exp : exp) : 0;
	if (!nd)
		d->neg = 0;
	return 0;
}

/* number_exact: would the JSON number S (N bytes) come out of jansson with
 * the same value, as number_text prints it? */
static int number_exact(const char *s, size_t n)
{
	char text[64];
	struct dec a, b;
	char *end;
	double v;
	int prec;

	if (n >= sizeof(text))
		return 0;
	memcpy(text, s, n);
	text[n] = '\0';
	if (!memchr(s, '.', n) && !memchr(s, 'e', n) && !memchr(s, 'E', n)) {
		errno = 0;
		(void)strtoll(text, &end, 10);
		return errno == 0; /* jansson refuses an integer out of range */
	}
	if (dec_read(s, n, &a) != 0)
		return 0;
	errno = 0;
	v = strtod(text, &end);
	if (!isfinite(v) || (v == 0 && a.digits[0]))
		return 0;
	for (prec = 15; prec <= 17; prec++) { /* as number_text prints it */
		snprintf(text, sizeof text, "%.*g", prec, v);
		if (strtod(text, NULL) == v)
			break;
	}
	if (dec_read(text, strlen(text), &b) != 0)
		return 0;
	return a.neg == b.neg && a.scale == b.scale && strcmp(a.digits, b.digits) == 0;
}

/* quote_inexact: BODY (LEN bytes) with every number that number_exact
 * refuses put in quotes, in a new buffer (*OUTLEN bytes); NULL when there
 * is none (or no memory: jansson then says what it says). */
static char *quote_inexact(const char *body, size_t len, size_t *outlen)
{
	char *out = NULL;
	size_t o = 0, i = 0, from = 0;
	int in_string = 0;

	while (i < len) {
		char c = body[i];
		size_t n;

		if (in_string) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_string = 0;
			i++;
			continue;
		}
		if (c == '"') {
			in_string = 1;
			i++;
			continue;
		}
		if (c != '-' && (c < '0' || c > '9')) {
			i++;
			continue;
		}
		n = number_len(body + i, len - i);
		if (n == 0 || number_exact(body + i, n)) {
			i += n ? n : 1;
			continue;
		}
		if (!out) {
			/* at worst every other byte starts a number */
			out = malloc(len * 2 + 1);
			if (!out)
				return NULL;
		}
		memcpy(out + o, body + from, i - from);
		o += i - from;
		out[o++] = '"';
		memcpy(out + o, body + i, n);
		o += n;
		out[o++] = '"';
		i += n;
		from = i;
	}
	if (!out)
		return NULL;
	memcpy(out + o, body + from, len - from);
	*outlen = o + len - from;
	return out;
}

json_t *fmt_json_load(const char *body, size_t len, char *err, size_t errlen)
{
	json_error_t je;
	json_t *root;
	const char *hint = "";
	size_t i;

	for (i = 0; i < len; i++)
		if (body[i] != ' ' && body[i] != '\t' && body[i] != '\r' && body[i] != '\n')
			break;
	if (i == len) {
		fmt_err(err, errlen,
		        "JSON line 1, column 1: the body is empty; send a "
		        "JSON object {...}");
		return NULL;
	}
	{
		size_t qlen = 0;
		char *quoted = quote_inexact(body, len, &qlen);

		root = json_loadb(quoted ? quoted : body, quoted ? qlen : len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY,
		                  &je);
		free(quoted);
	}
	if (!root) {
		const char *text = je.text;

		switch (json_error_code(&je)) {
		case json_error_null_character:
			/* jansson's own words name one of its flags */
			text = "a text holds \\u0000 (a NUL character)";
			break;
		case json_error_numeric_overflow: hint = " (the number is too large to store)"; break;
		case json_error_duplicate_key: hint = " (a key may appear only once in an object)"; break;
		case json_error_premature_end_of_input: hint = " (the body is cut short)"; break;
		default: break;
		}
		if (je.line > 0)
			fmt_err(err, errlen, "JSON line %d, column %d: %s%s", je.line, je.column > 0 ? je.column : 1,
			        text, hint);
		else
			fmt_err(err, errlen, "JSON: %s%s", text, hint);
		return NULL;
	}
	if (!json_is_object(root)) {
		fmt_err(err, errlen,
		        "JSON at the top level: expected an object {...}, "
		        "found %s",
		        fmt_json_kind(root));
		json_decref(root);
		return NULL;
	}
	return root;
}

json_t *fmt_json_rows(json_t *root, const char *key, const char *what, char *err, size_t errlen)
{
	json_t *rows = json_object_get(root, key);

	if (!rows) {
		fmt_err(err, errlen, "JSON at the top level: missing \"%s\" (the array of %s)", key, what);
		return NULL;
	}
	if (!json_is_array(rows)) {
		fmt_err(err, errlen, "JSON at /%s: expected an array [...] of %s, found %s", key, what,
		        fmt_json_kind(rows));
		return NULL;
	}
	if (json_array_size(rows) > FMT_MAX_ROWS) {
		fmt_err(err, errlen, "JSON at /%s: more than %d %s; split the submission", key, FMT_MAX_ROWS, what);
		return NULL;
	}
	return rows;
}

const char *fmt_json_kind(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a text string";
	case JSON_INTEGER:
	case JSON_REAL: return "a number";
	case JSON_TRUE: return "true";
	case JSON_FALSE: return "false";
	case JSON_NULL: return "null";
	}
	return "something unknown";
}

/* Print a JSON number exactly: integers as they are, reals with the fewest
 * digits (15, 16 or 17) that read back as the same double. */
static char *number_text(const json_t *v)
{
	char buf[64];
	double d;
	int prec;

	if (json_is_integer(v)) {
		snprintf(buf, sizeof buf, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return fmt_strdup(buf);
	}
	d = json_real_value(v);
	for (prec = 15; prec <= 17; prec++) {
		snprintf(buf, sizeof buf, "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	return fmt_strdup(buf);
}

int fmt_json_get_text(const json_t *obj, const char *key, unsigned flags, const char *ptr, char **out, char *err,
                      size_t errlen)
{
	const char *expected = flags & FMT_JT_NUMBER ? "a number or a text string" : "a text string";
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (!v)
		return 0;
	switch (json_typeof(v)) {
	case JSON_STRING:
		if (json_string_length(v) > FMT_MAX_FIELD) {
			fmt_err(err, errlen,
			        "JSON at %s/%s: the text is longer than %d "
			        "bytes",
			        ptr, key, FMT_MAX_FIELD);
			return -1;
		}
		*out = fmt_strndup(json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
	case JSON_REAL:
		if (!(flags & FMT_JT_NUMBER)) {
			fmt_err(err, errlen,
			        "JSON at %s/%s: expected a text string, found a "
			        "number (put it in quotes: \"...\")",
			        ptr, key);
			return -1;
		}
		if (json_is_real(v) && !isfinite(json_real_value(v))) {
			fmt_err(err, errlen, "JSON at %s/%s: the number is out of range", ptr, key);
			return -1;
		}
		*out = number_text(v);
		break;
	case JSON_TRUE:
	case JSON_FALSE:
		if (!(flags & FMT_JT_BOOL))
			goto wrong;
		*out = fmt_strdup(json_is_true(v) ? "true" : "false");
		break;
	case JSON_NULL:
		if (flags & FMT_JT_NULL_OK)
			return 0;
		fmt_err(err, errlen, "JSON at %s/%s: null is not allowed here; send %s", ptr, key, expected);
		return -1;
	default: goto wrong;
	}
	if (!*out) {
		fmt_err(err, errlen, "JSON at %s/%s: out of memory", ptr, key);
		return -1;
	}
	return 0;
wrong:
	fmt_err(err, errlen, "JSON at %s/%s: expected %s, found %s", ptr, key, expected, fmt_json_kind(v));
	return -1;
}

static const char *const top_keys[] = {"reporter", "period", "values", NULL};
static const char *const value_keys[] = {
	"indicator", "value", "comment", "period", "reporter", "status", "unit_mult", NULL,
};

/* Refuse members of OBJ (at PTR) not in KEYS: a misspelt "coment" must not
 * silently drop the comment. */
static int check_keys(json_t *obj, const char *const *keys, const char *ptr, char *err, size_t errlen)
{
	const char *key;
	json_t *v;
	char q[96];
	size_t k;

	json_object_foreach(obj, key, v)
	{
		for (k = 0; keys[k]; k++)
			if (strcmp(key, keys[k]) == 0)
				break;
		if (keys[k])
			continue;
		fmt_quote(q, sizeof q, key, strlen(key));
		if (ptr[0])
			fmt_err(err, errlen,
			        "JSON at %s: unknown field %s; a value has "
			        "indicator, value and optionally comment, "
			        "period, reporter, status, unit_mult",
			        ptr, q);
		else
			fmt_err(err, errlen,
			        "JSON at the top level: unknown field %s; the "
			        "top level has values and optionally reporter, "
			        "period",
			        q);
		return -1;
	}
	return 0;
}

/* Decode /values/I (V) into a new row of OUT. */
static int value_row(json_t *v, size_t i, const char *top_reporter, const char *top_period, struct fmt_result *out,
                     size_t *cap, char *err, size_t errlen)
{
	struct fmt_row *row;
	char ptr[48], *period = NULL;
	int rc = -1;

	snprintf(ptr, sizeof ptr, "/values/%zu", i);
	if (!json_is_object(v)) {
		fmt_err(err, errlen,
		        "JSON at %s: expected an object {\"indicator\": ..., "
		        "\"value\": ...}, found %s",
		        ptr, fmt_json_kind(v));
		return -1;
	}
	if (check_keys(v, value_keys, ptr, err, errlen) < 0)
		return -1;
	row = fmt_row_add(out, cap);
	if (!row) {
		fmt_err(err, errlen, "JSON at %s: out of memory", ptr);
		return -1;
	}
	snprintf(row->loc, sizeof row->loc, "%s", ptr);
	if (fmt_json_get_text(v, "indicator", 0, ptr, &row->indicator, err, errlen) < 0 ||
	    fmt_json_get_text(v, "status", FMT_JT_NULL_OK, ptr, &row->status, err, errlen) < 0 ||
	    /* null stands for a missing observation only beside a status */
	    fmt_json_get_text(v, "value", FMT_JT_NUMBER | (row->status ? FMT_JT_NULL_OK : 0), ptr, &row->value, err,
	                      errlen) < 0 ||
	    fmt_json_get_text(v, "unit_mult", FMT_JT_NUMBER | FMT_JT_NULL_OK, ptr, &row->unit_mult, err, errlen) < 0 ||
	    fmt_json_get_text(v, "comment", FMT_JT_NULL_OK, ptr, &row->comment, err, errlen) < 0 ||
	    fmt_json_get_text(v, "reporter", FMT_JT_NULL_OK, ptr, &row->reporter, err, errlen) < 0 ||
	    fmt_json_get_text(v, "period", FMT_JT_NULL_OK, ptr, &period, err, errlen) < 0)
		goto done;
	fmt_drop_empty(&row->comment);
	if (!row->indicator) {
		fmt_err(err, errlen, "JSON at %s: missing \"indicator\"", ptr);
		goto done;
	}
	/* A missing observation is a status (SDMX M, L...) without a value. */
	if (!row->value && !row->status) {
		fmt_err(err, errlen, "JSON at %s: missing \"value\"", ptr);
		goto done;
	}
	if (!row->reporter && !top_reporter) {
		fmt_err(err, errlen,
		        "JSON at %s: missing \"reporter\" (give it in the "
		        "value or at the top level)",
		        ptr);
		goto done;
	}
	if (!period && !top_period) {
		fmt_err(err, errlen,
		        "JSON at %s: missing \"period\" (give it in the value "
		        "or at the top level)",
		        ptr);
		goto done;
	}
	if ((!row->reporter && !(row->reporter = fmt_strdup(top_reporter))) ||
	    fmt_row_set_period(row, period ? period : top_period) < 0) {
		fmt_err(err, errlen, "JSON at %s: out of memory", ptr);
		goto done;
	}
	rc = 0;
done:
	free(period);
	return rc;
}

int fmt_json_decode(const char *body, size_t len, struct fmt_result *out, char *err, size_t errlen)
{
	json_t *root, *values, *v;
	char *top_reporter = NULL, *top_period = NULL;
	size_t i, cap = 0;
	int rc = -1;

	root = fmt_json_load(body, len, err, errlen);
	if (!root)
		return -1;
	if (check_keys(root, top_keys, "", err, errlen) < 0 ||
	    fmt_json_get_text(root, "reporter", FMT_JT_NULL_OK, "", &top_reporter, err, errlen) < 0 ||
	    fmt_json_get_text(root, "period", FMT_JT_NULL_OK, "", &top_period, err, errlen) < 0)
		goto done;
	values = fmt_json_rows(root, "values", "values", err, errlen);
	if (!values)
		goto done;
	json_array_foreach(values, i, v)
	{
		if (value_row(v, i, top_reporter, top_period, out, &cap, err, errlen) < 0)
			goto done;
	}
	rc = 0;
done:
	free(top_reporter);
	free(top_period);
	json_decref(root);
	return rc;
}
