/* decode.c - picks the decoder for a body by its format, and names the formats. */
#include <string.h>

#include "internal.h"

static const char *const names[] = {
	[FMT_JSON] = "json",           [FMT_CSV] = "csv",           [FMT_DHIS2_JSON] = "dhis2-json",
	[FMT_DHIS2_CSV] = "dhis2-csv", [FMT_SDMX_CSV] = "sdmx-csv", [FMT_ADX] = "adx",
};

static int decode(enum fmt f, const char *body, size_t len, const struct fmt_sdmx_map *map, bool csv_header,
                  struct fmt_result *out, char *err, size_t errlen);

int fmt_decode(enum fmt f, const char *body, size_t len, const struct fmt_sdmx_map *map, struct fmt_result *out,
               char *err, size_t errlen)
{
	return decode(f, body, len, map, true, out, err, errlen);
}

int fmt_decode_dhis2_csv(const char *body, size_t len, bool first_row_is_header, struct fmt_result *out, char *err,
                         size_t errlen)
{
	return decode(FMT_DHIS2_CSV, body, len, NULL, first_row_is_header, out, err, errlen);
}

static int decode(enum fmt f, const char *body, size_t len, const struct fmt_sdmx_map *map, bool csv_header,
                  struct fmt_result *out, char *err, size_t errlen)
{
	char spare[256];
	bool json = f == FMT_JSON || f == FMT_DHIS2_JSON || f == FMT_ADX;
	int rc = -1;

	if (!err || errlen == 0) {
		err = spare;
		errlen = sizeof spare;
	}
	err[0] = '\0';
	if (!out) {
		fmt_err(err, errlen, "internal error: no place for the result");
		return -1;
	}
	memset(out, 0, sizeof *out);
	if (!body && len) {
		fmt_err(err, errlen, "internal error: no body");
		return -1;
	}
	if (!body)
		body = "";
	/* A UTF-8 byte order mark is invisible to the clerk who saved the
	 * file: drop it so that line 1, column 1 is the first thing seen. */
	if (len >= 3 && memcmp(body, "\xEF\xBB\xBF", 3) == 0) {
		body += 3;
		len -= 3;
	}
	if (fmt_text_check(body, len, !json, json ? "JSON " : "", err, errlen) == 0) {
		switch (f) {
		case FMT_JSON: rc = fmt_json_decode(body, len, out, err, errlen); break;
		case FMT_CSV: rc = fmt_csv_decode(body, len, out, err, errlen); break;
		case FMT_DHIS2_JSON: rc = fmt_dhis2_json_decode(body, len, out, err, errlen); break;
		case FMT_DHIS2_CSV: rc = fmt_dhis2_csv_decode(body, len, csv_header, out, err, errlen); break;
		case FMT_SDMX_CSV: rc = fmt_sdmx_csv_decode(body, len, map, out, err, errlen); break;
		case FMT_ADX: rc = fmt_adx_decode(body, len, out, err, errlen); break;
		default: fmt_err(err, errlen, "internal error: unknown format %d", (int)f); break;
		}
	}
	if (rc != 0) {
		fmt_result_free(out);
		if (!err[0])
			fmt_err(err, errlen, "the body could not be read");
		fmt_sanitize(err);
		return -1;
	}
	return 0;
}

int fmt_by_name(const char *name, enum fmt *f)
{
	size_t i;

	if (!name)
		return -1;
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (strcmp(name, names[i]) == 0) {
			if (f)
				*f = (enum fmt)i;
			return 0;
		}
	}
	return -1;
}

const char *fmt_name(enum fmt f)
{
	if ((unsigned)f >= sizeof names / sizeof names[0])
		return "unknown";
	return names[f];
}
