/* util.h - the small helpers every module shares, each written once: string
 * copies, a growable buffer, reading a whole file, hex SHA-256, the
 * monotonic clock, and the retry backoff with its jitter. */
#ifndef MESTAT_UTIL_H
#define MESTAT_UTIL_H

#include <stdbool.h>
#include <stddef.h>

/* util_strdup: a malloc'd copy of S; NULL for NULL (and when out of memory). */
char *util_strdup(const char *s);

/* util_same_str: S and T hold the same text, NULL counting as "". */
bool util_same_str(const char *s, const char *t);

/* A growable byte buffer, always NUL-terminated once anything was put.
 * Zero-initialise it; a failed allocation sets OOM and every later put is a
 * no-op, so a caller checks once at the end. Release P with free(). */
struct ubuf {
	char *p;
	size_t len, cap;
	bool oom;
};

/* ubuf_put: append N bytes of S; -1 (and OOM) when out of memory. */
int ubuf_put(struct ubuf *b, const void *s, size_t n);

/* ubuf_puts: append the string S. */
int ubuf_puts(struct ubuf *b, const char *s);

/* ubuf_printf: append printf-style text. */
int ubuf_printf(struct ubuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* util_read_file: the whole of the regular file PATH, malloc'd and
 * NUL-terminated, *LEN its length (without the NUL); MAX bytes at most (0:
 * no limit). NULL with errno set when it cannot be had: ENOMEM when out of
 * memory, EFBIG when longer than MAX, EISDIR or EINVAL when PATH is a
 * directory or not a regular file, else what open(2) or read(2) said. */
char *util_read_file(const char *path, size_t max, size_t *len);

/* util_sha256_hex: lowercase hex SHA-256 of DATA into OUT (65 bytes). */
void util_sha256_hex(const void *data, size_t len, char out[65]);

/* util_now_mono: seconds on the monotonic clock. */
double util_now_mono(void);

/* util_backoff: the wait before the next try after FAILURES (>= 1) failures
 * in a row: MIN, doubling with each further failure, never above MAX. The
 * one rule for every retry in the daemon; callers add util_jitter(). */
double util_backoff(double min, double max, int failures);

/* util_rand: uniform in [LO, HI). Not for secrets: an erand48 stream seeded
 * once from the kernel, so that two daemons started together differ. */
double util_rand(double lo, double hi);

/* util_jitter: a factor in [0.9, 1.1), so waits configured alike drift apart. */
double util_jitter(void);

#endif
