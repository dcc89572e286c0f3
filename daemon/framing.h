/* framing.h - the gate in front of evhttp that holds every request to one
 * reading of where it ends (RFC 9112 section 6.3). */
#ifndef MESTAT_FRAMING_H
#define MESTAT_FRAMING_H

#include <stddef.h>

/* The header a refused request carries to the HTTP layer, instead of all of
 * the client's own; its value says why. A client sending it is refused. */
#define FRAMING_MARK "Mestat-Framing-Refused"

struct framing;

/* Where the bytes the gate lets through go (evhttp's input). */
typedef void (*framing_emit)(void *arg, const char *p, size_t n);

/* framing_new: a gate for one connection; header blocks longer than
 * MAX_HEAD bytes are refused. NULL when out of memory. */
struct framing *framing_new(size_t max_head);

/* framing_feed: read the next N bytes a client sent. Requests whose framing
 * is unambiguous go through EMIT unchanged. A request with two different
 * Content-Length values, a Content-Length that is not plain decimal, a
 * Transfer-Encoding other than "chunked" alone, both headers, a body on a
 * method that has none, folded or malformed header lines, or a chunked body
 * that breaks its grammar is refused: its header block is replaced by a
 * bodiless "GET /" carrying FRAMING_MARK and "Connection: close" (or, inside
 * a chunked body, by a line evhttp cannot read), and every later byte of
 * the connection is dropped, so exactly one answer comes back. Returns 0,
 * or -1 once the connection has been refused. */
int framing_feed(struct framing *f, const char *p, size_t n, framing_emit emit, void *arg);

/* framing_free: release F; NULL is fine. */
void framing_free(struct framing *f);

#endif
