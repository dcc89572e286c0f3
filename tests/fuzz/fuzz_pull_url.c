/* fuzz_pull_url.c - libFuzzer target: any bytes as a source's URL template
 * (and the values put into it) expand to exactly the template with every
 * {period} and {since} replaced, never a crash, an overrun or a leak. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pull_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* expected_len: the length TMPL expands to, counted the plain way. */
static size_t expected_len(const char *tmpl, size_t plen, size_t slen)
{
	size_t n = 0;
	while (*tmpl) {
		if (strncmp(tmpl, "{period}", 8) == 0) {
			n += plen;
			tmpl += 8;
		} else if (strncmp(tmpl, "{since}", 7) == 0) {
			n += slen;
			tmpl += 7;
		} else {
			n++;
			tmpl++;
		}
	}
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The input is TEMPLATE \0 PERIOD \0 SINCE; missing parts are empty. */
	char *buf = malloc(size + 3);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = buf[size + 1] = buf[size + 2] = '\0';
	/* Each part ends at a NUL at the latest at buf[size + 2]. */
	const char *tmpl = buf;
	const char *period = tmpl + strlen(tmpl) + 1;
	const char *since = period + strlen(period) + 1;
	char *out = pull_url_expand(tmpl, period, since);
	if (out) {
		size_t want = expected_len(tmpl, strlen(period), strlen(since));
		if (strlen(out) != want)
			abort();
		/* With no placeholder the template comes back as it was. */
		if (!strstr(tmpl, "{period}") && !strstr(tmpl, "{since}") && strcmp(out, tmpl) != 0)
			abort();
	}
	free(out);
	free(buf);
	return 0;
}
