/* fuzz_framing.c - libFuzzer target: any bytes read by the framing gate,
 * whole or cut in two anywhere, must give the same output; while nothing is
 * refused that output is exactly a prefix of the input, and a refusal ends
 * it with the marked request or the unreadable chunk line. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "framing.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct out {
	char *p;
	size_t n, cap;
};

static void collect(void *arg, const char *p, size_t n)
{
	struct out *o = arg;
	if (o->n + n > o->cap) {
		o->cap = (o->n + n) * 2 + 64;
		o->p = realloc(o->p, o->cap);
		if (!o->p)
			abort();
	}
	memcpy(o->p + o->n, p, n);
	o->n += n;
}

static int run(const char *in, size_t n, size_t cut, struct out *o)
{
	struct framing *f = framing_new(4096);
	if (!f)
		abort();
	int rc = framing_feed(f, in, cut, collect, o);
	if (rc == 0)
		rc = framing_feed(f, in + cut, n - cut, collect, o);
	framing_free(f);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	size_t cut = ((size_t)data[0] << 8 | data[1]) % (size - 1);
	const char *in = (const char *)data + 2;
	size_t n = size - 2;
	struct out whole = {0}, split = {0};
	int a = run(in, n, n, &whole), b = run(in, n, cut > n ? n : cut, &split);
	if (a != b || whole.n != split.n || (whole.n && memcmp(whole.p, split.p, whole.n) != 0))
		abort();
	if (a == 0 && (whole.n > n || (whole.n && memcmp(whole.p, in, whole.n) != 0)))
		abort();
	if (a != 0 && !(whole.n >= 4 && memcmp(whole.p + whole.n - 4, "zz\r\n", 4) == 0) &&
	    !(whole.n >= 4 && memcmp(whole.p + whole.n - 4, "\r\n\r\n", 4) == 0 &&
	      memmem(whole.p, whole.n, FRAMING_MARK ": ", strlen(FRAMING_MARK) + 2)))
		abort();
	free(whole.p);
	free(split.p);
	return 0;
}
