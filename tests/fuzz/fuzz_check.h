/* fuzz_check.h - the one body every fuzz target runs: decode, check what the decoder promises, free. */
#ifndef MESTAT_FUZZ_CHECK_H
#define MESTAT_FUZZ_CHECK_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "formats/formats.h"

/* Is S (NUL-terminated) well-formed UTF-8 without control characters? The
 * error message goes into JSON replies and logs, so it must be. */
static int fuzz_clean_text(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;

	while (*u) {
		int n = *u < 0x80 ? 1 : *u < 0xC2 ? 0 : *u < 0xE0 ? 2 : *u < 0xF0 ? 3 : *u < 0xF5 ? 4 : 0;
		int i;

		if (n == 0 || (n == 1 && (*u < 0x20 || *u == 0x7F)))
			return 0;
		for (i = 1; i < n; i++)
			if ((u[i] & 0xC0) != 0x80)
				return 0;
		u += n;
	}
	return 1;
}

/* Decode DATA as F and trap on any broken promise of formats.h. */
static void fuzz_decode(enum fmt f, const uint8_t *data, size_t size, const struct fmt_sdmx_map *map)
{
	struct fmt_result out;
	char err[256];
	size_t i, total = 0;

	memset(err, 'x', sizeof err);
	if (fmt_decode(f, (const char *)data, size, map, &out, err, sizeof err) != 0) {
		if (!memchr(err, '\0', sizeof err) || !err[0] || !fuzz_clean_text(err) || out.rows || out.nrows ||
		    out.dataset)
			__builtin_trap();
		return;
	}
	for (i = 0; i < out.nrows; i++) {
		const struct fmt_row *r = &out.rows[i];
		const char *const s[] = {r->reporter, r->indicator, r->period, r->value,    r->comment,
		                         r->coc,      r->aoc,       r->status, r->unit_mult};
		size_t k;

		if (!memchr(r->loc, '\0', sizeof r->loc) || !r->loc[0])
			__builtin_trap();
		/* a value may be absent only beside a status (a missing
		 * observation) or in a deletion or a DHIS2 JSON or ADX row */
		if (!r->value && !r->status && !r->deleted && f != FMT_DHIS2_JSON && f != FMT_ADX)
			__builtin_trap();
		for (k = 0; k < sizeof s / sizeof s[0]; k++)
			if (s[k])
				total += strlen(s[k]);
	}
	if (out.dataset)
		total += strlen(out.dataset);
	(void)total;
	fmt_result_free(&out);
}

#endif
