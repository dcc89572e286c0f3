/* http.h - the HTTPS server (evhttp over OpenSSL bufferevents), its routes,
 * requests in flight and the plain-HTTP metrics listener. */
#ifndef MESTAT_HTTP_H
#define MESTAT_HTTP_H

#include <event2/http.h>
#include <openssl/ssl.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "tls.h"

struct http;
struct config;

/* One request being served. Handlers either answer at once or keep it until
 * their asynchronous work ends; if the client goes away meanwhile, REQ
 * becomes NULL and http_reply only releases the request. */
struct http_req {
	struct http *http;
	struct evhttp_request *req;
	struct evhttp_connection *conn;
	struct tls_peer peer;                /* the verified client certificate, if any */
	char path[512];                      /* the decoded path, without the query */
	char *query;                         /* the raw query string or NULL (owned) */
	bool tls;                            /* arrived on the HTTPS listener */
	struct timespec started;             /* when it arrived, for the latency histogram */
	void *job;                           /* the handler's own state */
	void (*on_gone)(struct http_req *r); /* called when the client disconnects early */
	struct http_req *prev, *next;
};

/* A route handler: answers R with http_reply, now or later. */
typedef void (*http_handler)(struct http_req *r, void *arg);

/* http_new: listen on cf->listen with TLS context CTX and on
 * cf->metrics_listen without TLS. Returns NULL with ERR on failure. */
struct http *http_new(struct event_base *base, const struct config *cf, SSL_CTX *ctx, char *err, size_t errlen);

/* http_route: send METHOD requests whose path equals PATH (or starts with it
 * when PATH ends in '/') on the HTTPS listener (METRICS: on the metrics one). */
void http_route(struct http *h, bool metrics, const char *method, const char *path, http_handler fn, void *arg);

/* http_reconfigure: apply reloadable limits from CF and, if not NULL, a new TLS
 * context for connections accepted from now on (takes ownership of CTX). */
void http_reconfigure(struct http *h, const struct config *cf, SSL_CTX *ctx);

/* http_reply: answer R with STATUS and BODY (LEN bytes, may be 0) of TYPE;
 * EXTRA_HEADERS is NULL or "Name: value\n..." lines. Releases R. */
void http_reply(struct http_req *r, int status, const char *type, const char *body, size_t len,
                const char *extra_headers);

/* http_reply_json: answer R with STATUS and the JSON text of a jansson value
 * (stolen). Releases R. */
struct json_t;
void http_reply_json(struct http_req *r, int status, struct json_t *body, const char *extra_headers);

/* http_reply_error: a JSON error {"error": MESSAGE, "status": STATUS}. */
void http_reply_error(struct http_req *r, int status, const char *message);

/* http_body: the request body as contiguous bytes (NUL-terminated copy kept
 * by the request); LEN gets its length. */
const char *http_body(struct http_req *r, size_t *len);

/* http_header: the value of request header NAME or NULL. */
const char *http_header(struct http_req *r, const char *name);

/* http_stop_accepting: close the listeners (shutdown has begun). */
void http_stop_accepting(struct http *h);

/* http_inflight: requests being served now. */
int http_inflight(const struct http *h);

/* http_connections: open HTTPS connections now. */
long http_connections(const struct http *h);

/* http_free: release the server; NULL is fine. */
void http_free(struct http *h);

#endif
