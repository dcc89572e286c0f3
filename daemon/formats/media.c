/* media.c - which media types name which body format: the one table behind
 * the API's Content-Type checks and the collectors' Accept headers. */
#include "media.h"

#include <string.h>

/* A media type and the format it names on each endpoint (-1: refused). */
static const struct {
	const char *media;
	int native, dhis2;
} media_formats[] = {
	{"application/json", FMT_JSON, FMT_DHIS2_JSON}, {"text/csv", FMT_CSV, FMT_DHIS2_CSV},
	{"application/csv", -1, FMT_DHIS2_CSV},         {"application/vnd.sdmx.data+csv", FMT_SDMX_CSV, -1},
	{"application/adx+xml", -1, FMT_ADX},
};

void fmt_media_type(const char *ct, char *out, size_t len)
{
	size_t n = 0;
	for (; ct && *ct && *ct != ';' && n + 1 < len; ct++)
		if (*ct != ' ')
			out[n++] = (char)((*ct >= 'A' && *ct <= 'Z') ? *ct + 32 : *ct);
	out[n] = '\0';
}

int fmt_from_media(const char *media, bool dhis2, enum fmt *f)
{
	for (size_t i = 0; i < sizeof(media_formats) / sizeof(media_formats[0]); i++) {
		int v = dhis2 ? media_formats[i].dhis2 : media_formats[i].native;
		if (v >= 0 && strcmp(media, media_formats[i].media) == 0) {
			*f = (enum fmt)v;
			return 0;
		}
	}
	return -1;
}

const char *fmt_accept(enum fmt f)
{
	switch (f) {
	case FMT_JSON:
	case FMT_DHIS2_JSON: return "Accept: application/json, */*;q=0.5";
	case FMT_CSV: return "Accept: text/csv, */*;q=0.5";
	case FMT_DHIS2_CSV: return "Accept: application/csv, text/csv;q=0.9, */*;q=0.5";
	case FMT_SDMX_CSV: return "Accept: application/vnd.sdmx.data+csv, text/csv;q=0.9, */*;q=0.5";
	case FMT_ADX: return "Accept: application/adx+xml, application/xml;q=0.9, */*;q=0.5";
	}
	return "Accept: */*";
}
