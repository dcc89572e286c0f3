/* test_framing.c - the framing gate: what it lets through unchanged, what
 * it refuses, and that a refusal replaces the request and ends the stream. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "framing.h"

struct out {
	char buf[8192];
	size_t n;
};

static void collect(void *arg, const char *p, size_t n)
{
	struct out *o = arg;
	assert_true(o->n + n < sizeof(o->buf));
	memcpy(o->buf + o->n, p, n);
	o->n += n;
	o->buf[o->n] = '\0';
}

/* feed IN a byte at a time (the hardest cut); returns framing_feed's last result */
static int feed(const char *in, struct out *o)
{
	struct framing *f = framing_new(4096);
	assert_non_null(f);
	int rc = 0;
	for (size_t i = 0; in[i] && rc == 0; i++)
		rc = framing_feed(f, in + i, 1, collect, o);
	framing_free(f);
	return rc;
}

static void passes(const char *in)
{
	struct out o = {.n = 0};
	assert_int_equal(feed(in, &o), 0);
	assert_string_equal(o.buf, in);
}

static void refused(const char *in, const char *why)
{
	struct out o = {.n = 0};
	assert_int_equal(feed(in, &o), -1);
	if (!strstr(o.buf, why))
		fail_msg("expected a refusal saying \"%s\", got \"%s\"", why, o.buf);
	assert_non_null(strstr(o.buf, FRAMING_MARK ": "));
	assert_non_null(strstr(o.buf, "Connection: close\r\n\r\n"));
	assert_null(strstr(o.buf, "smuggled")); /* nothing after the refusal goes on */
}

#define POST "POST /api/v1/submissions HTTP/1.1\r\nHost: x\r\n"
#define NEXT "GET /smuggled HTTP/1.1\r\n\r\n"

static void test_plain_requests_pass_unchanged(void **state)
{
	(void)state;
	passes("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
	passes(POST "Content-Length: 2\r\n\r\n{}"
	            "GET /a HTTP/1.1\r\n\r\n");
	passes(POST "Content-Length: 2\r\nContent-Length: 2\r\n\r\n{}");
	passes(POST "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\nX-T: 1\r\n\r\nGET /a HTTP/1.1\r\n\r\n");
	passes(POST "Transfer-Encoding: Chunked\r\n\r\n2 ;ext=1\r\n{}\r\n0\r\n\r\n");
	passes("GET /a HTTP/1.1\nHost: x\n\n");
}

static void test_ambiguous_lengths_are_refused(void **state)
{
	(void)state;
	refused(POST "Content-Length: 100\r\nContent-Length: 2\r\n\r\n{}" NEXT,
	        "two different Content-Length values (100 and 2)");
	refused(POST "Content-Length: 2\r\nContent-Length: 100\r\n\r\n{}" NEXT,
	        "two different Content-Length values (2 and 100)");
	refused(POST "Content-Length: +2\r\n\r\n{}" NEXT, "not a plain decimal");
	refused(POST "Content-Length: 0x2\r\n\r\n{}" NEXT, "not a plain decimal");
	refused(POST "Content-Length: 2, 2\r\n\r\n{}" NEXT, "not a plain decimal");
	refused(POST "Content-Length: \r\n\r\n{}" NEXT, "not a plain decimal");
	refused(POST "Content-Length: 1234567890123456789\r\n\r\n" NEXT, "not a plain decimal");
}

static void test_transfer_encodings_other_than_chunked_alone_are_refused(void **state)
{
	(void)state;
	refused(POST "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n" NEXT, "chunked\" alone");
	refused(POST "Transfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n" NEXT, "chunked\" alone");
	refused(POST "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" NEXT,
	        "chunked\" alone");
	refused(POST "Transfer-Encoding: chunked,\r\n\r\n0\r\n\r\n" NEXT, "chunked\" alone");
	refused(POST "Transfer-Encoding: identity\r\n\r\n" NEXT, "chunked\" alone");
	refused(POST "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" NEXT,
	        "both Content-Length and Transfer-Encoding");
}

static void test_malformed_header_lines_are_refused(void **state)
{
	(void)state;
	refused(POST "Content-Length : 2\r\n\r\n{}" NEXT, "not a token");
	refused(POST "Content-Length: 1\r\n 0\r\n\r\n{}" NEXT, "obsolete line folding");
	refused(POST "Content-Length\r\n\r\n" NEXT, "no colon");
	refused(POST "X: a\rb\r\n\r\n" NEXT, "a CR that does not end a line");
	refused(POST FRAMING_MARK ": forged\r\n\r\n" NEXT, "reserved to the server");
	refused("HEAD /healthz HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}" NEXT, "a HEAD request has no body");
}

static void test_a_broken_chunked_body_ends_the_stream(void **state)
{
	(void)state;
	const char *bad[] = {
		POST "Transfer-Encoding: chunked\r\n\r\n2\r\n{}XX0\r\n\r\n" NEXT,
		POST "Transfer-Encoding: chunked\r\n\r\n+2\r\n{}\r\n0\r\n\r\n" NEXT,
		POST "Transfer-Encoding: chunked\r\n\r\n0x2\r\n{}\r\n0\r\n\r\n" NEXT,
		POST "Transfer-Encoding: chunked\r\n\r\n2;x\r\n{}\r\n0\r\n\r\n" NEXT,
		POST "Transfer-Encoding: chunked\r\n\r\n1000000000000000\r\n" NEXT,
		POST "Transfer-Encoding: chunked\r\n\r\n0\r\n folded: trailer\r\n\r\n" NEXT,
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct out o = {.n = 0};
		assert_int_equal(feed(bad[i], &o), -1);
		assert_true(o.n >= 4);
		assert_memory_equal(o.buf + o.n - 4, "zz\r\n", 4);
		assert_null(strstr(o.buf, "smuggled"));
	}
}

static void test_an_oversized_header_block_is_refused(void **state)
{
	(void)state;
	char big[6000];
	memset(big, 'a', sizeof(big));
	memcpy(big, "GET / HTTP/1.1\r\nX: ", 19);
	big[sizeof(big) - 1] = '\0';
	struct out o = {.n = 0};
	assert_int_equal(feed(big, &o), -1);
	assert_non_null(strstr(o.buf, "too large"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_requests_pass_unchanged),
		cmocka_unit_test(test_ambiguous_lengths_are_refused),
		cmocka_unit_test(test_transfer_encodings_other_than_chunked_alone_are_refused),
		cmocka_unit_test(test_malformed_header_lines_are_refused),
		cmocka_unit_test(test_a_broken_chunked_body_ends_the_stream),
		cmocka_unit_test(test_an_oversized_header_block_is_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
