/* media.h - which media types name which body format: the one table behind
 * the API's Content-Type checks and the collectors' Accept headers. */
#ifndef MESTAT_FORMATS_MEDIA_H
#define MESTAT_FORMATS_MEDIA_H

#include <stdbool.h>
#include <stddef.h>

#include "formats.h"

/* fmt_media_type: Content-Type CT without parameters or blanks, lowercased,
 * into OUT ("" for NULL). */
void fmt_media_type(const char *ct, char *out, size_t len);

/* fmt_from_media: the format a body of media type MEDIA (as fmt_media_type
 * writes it) has on the native endpoint, or with DHIS2 on DHIS2's; -1 when
 * that endpoint does not take it. */
int fmt_from_media(const char *media, bool dhis2, enum fmt *f);

/* fmt_accept: the Accept header line ("Accept: ...") asking for format F. */
const char *fmt_accept(enum fmt f);

#endif
