/* util.c - the small helpers every module shares, each written once. */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

char *util_strdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

bool util_same_str(const char *s, const char *t)
{
	return strcmp(s ? s : "", t ? t : "") == 0;
}

/* ubuf_grow: room for N more bytes and the NUL. */
static int ubuf_grow(struct ubuf *b, size_t n)
{
	if (b->oom)
		return -1;
	if (b->len + n + 1 <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + n + 1)
		cap *= 2;
	char *p = realloc(b->p, cap);
	if (!p) {
		b->oom = true;
		return -1;
	}
	b->p = p;
	b->cap = cap;
	return 0;
}

int ubuf_put(struct ubuf *b, const void *s, size_t n)
{
	if (ubuf_grow(b, n) != 0)
		return -1;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

int ubuf_puts(struct ubuf *b, const char *s)
{
	return ubuf_put(b, s, strlen(s));
}

int ubuf_printf(struct ubuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int w = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (w < 0 || ubuf_grow(b, (size_t)w) != 0)
		return -1;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	b->len += (size_t)w;
	return 0;
}

char *util_read_file(const char *path, size_t max, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	struct stat st;
	int why = 0;
	if (fstat(fd, &st) != 0)
		why = errno;
	else if (!S_ISREG(st.st_mode))
		why = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
	else if (max && (uintmax_t)st.st_size > max)
		why = EFBIG;
	struct ubuf b = {0};
	/* The size fstat saw is the first guess; the loop reads to the end of
	 * the file, whatever its length by then, doubling the room when full. */
	size_t room = why ? 0 : (size_t)st.st_size + 1;
	while (!why) {
		if (b.cap - b.len < 2 && ubuf_grow(&b, room) != 0) {
			why = ENOMEM;
			break;
		}
		ssize_t got = read(fd, b.p + b.len, b.cap - b.len - 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			why = errno;
		} else if (got == 0) {
			b.p[b.len] = '\0';
			break;
		} else {
			b.len += (size_t)got;
			if (max && b.len > max)
				why = EFBIG;
			room = b.len;
		}
	}
	close(fd);
	if (why) {
		free(b.p);
		errno = why;
		return NULL;
	}
	*len = b.len;
	return b.p;
}

void util_sha256_hex(const void *data, size_t len, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[32];
	unsigned int mdlen = 0;
	EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL);
	for (int i = 0; i < 32; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[64] = '\0';
}

double util_now_mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double util_backoff(double min, double max, int failures)
{
	/* Past 2^30 the cap has long been reached; the bound keeps pow finite. */
	int doublings = failures < 1 ? 0 : failures - 1 > 30 ? 30 : failures - 1;
	double d = min * pow(2, doublings);
	return d < max ? d : max;
}

/* Jitter needs no cryptographic randomness, only daemons that differ:
 * erand48 seeded once from the kernel (arc4random costs a syscall each). */
static unsigned short rnd_state[3];
static bool rnd_seeded;

double util_rand(double lo, double hi)
{
	if (!rnd_seeded) {
		uint32_t seed[2] = {arc4random(), arc4random()};
		memcpy(rnd_state, seed, sizeof(rnd_state));
		rnd_seeded = true;
	}
	return lo + (hi - lo) * erand48(rnd_state);
}

double util_jitter(void)
{
	return util_rand(0.9, 1.1);
}
