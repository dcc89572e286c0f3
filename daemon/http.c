/* http.c - evhttp on TLS bufferevents: accepts, enforces connection and size
 * limits, dispatches routes, and keeps requests in flight visible so that
 * shutdown can wait for them and a vanished client is noticed. */
#include "http.h"

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <time.h>

#include "config.h"
#include "framing.h"
#include "log.h"
#include "metrics.h"

struct route {
	bool metrics;
	enum evhttp_cmd_type method;
	char *path;
	http_handler fn;
	void *arg;
	struct route *next;
};

struct http {
	struct event_base *base;
	struct evhttp *https;
	struct evhttp *plain;
	SSL_CTX *ctx;
	struct route *routes;
	struct http_req *inflight;
	int ninflight;
	struct evhttp_bound_socket *bound[2];
	long max_connections;
	size_t max_head; /* the framing gate's limit on a header block */
	struct timeval request_tv;
};

/* Open TLS connections, counted when the bufferevent is made and released
 * when OpenSSL frees the connection's SSL object (see tls_init). */
static long open_connections;

/* What mestatd keeps per TLS connection, carried by its SSL object. The
 * deadline closes a connection that has not delivered a whole request within
 * request_timeout of being accepted or answered: evhttp's own timeout is per
 * read, so a client sending a byte at a time (slow loris) would never meet it. */
struct conn_guard {
	struct http *http;
	struct bufferevent *bev;
	struct event *deadline;
	struct gate *gate; /* reads the input before evhttp does */
	bool over_limit;   /* accepted beyond max_connections: answer 503 and close */
};

/* The framing gate of a TLS connection works in place on the input buffer
 * evhttp reads: the buffer holds PASSED bytes the gate let through, then
 * what the TLS layer has just added, which the gate replaces by what it lets
 * through (see framing.c). It runs as the buffer's callback, before evhttp's
 * deferred read callback parses anything. */
struct gate {
	struct framing *framing;
	struct evbuffer *front; /* scratch: the passed bytes while the tail is read */
	size_t passed;
	bool busy; /* our own changes call back too: ignore them */
	struct evbuffer_cb_entry *cb;
};

static void gate_free(struct gate *gt);

static void guard_free(void *data, bool handshake_done)
{
	struct conn_guard *g = data;
	if (!handshake_done)
		metrics_tls_failure();
	event_free(g->deadline);
	if (g->gate) /* the input buffer outlives the SSL by a little: unhook first */
		evbuffer_remove_cb_entry(bufferevent_get_input(g->bev), g->gate->cb);
	gate_free(g->gate);
	free(g);
	open_connections--;
}

static void guard_expired(evutil_socket_t fd, short what, void *arg)
{
	(void)fd, (void)what;
	struct conn_guard *g = arg;
	evutil_socket_t sock = bufferevent_getfd(g->bev);
	log_debug("closing a connection that sent no complete request in time");
	if (sock >= 0)
		shutdown(sock, SHUT_RDWR); /* evhttp sees the close and frees it */
}

static void guard_arm(struct conn_guard *g)
{
	evtimer_add(g->deadline, &g->http->request_tv);
}

long http_connections(const struct http *h)
{
	(void)h;
	return open_connections;
}

int http_inflight(const struct http *h)
{
	return h->ninflight;
}

static void gate_emit(void *arg, const char *p, size_t n)
{
	evbuffer_add(arg, p, n);
}

static void gate_input(struct evbuffer *buf, const struct evbuffer_cb_info *info, void *arg)
{
	struct gate *gt = arg;
	if (gt->busy)
		return;
	if (info->n_deleted) /* evhttp took parsed bytes from the front */
		gt->passed = info->n_deleted > gt->passed ? 0 : gt->passed - info->n_deleted;
	if (!info->n_added)
		return;
	gt->busy = true;
	size_t total = evbuffer_get_length(buf), raw = total - gt->passed;
	evbuffer_remove_buffer(buf, gt->front, gt->passed);
	struct evbuffer_iovec v[16];
	size_t done = 0;
	while (done < raw) {
		int nv = evbuffer_peek(buf, -1, NULL, v, 16);
		size_t used = 0;
		for (int i = 0; i < nv && i < 16; i++) {
			framing_feed(gt->framing, v[i].iov_base, v[i].iov_len, gate_emit, gt->front);
			used += v[i].iov_len;
		}
		evbuffer_drain(buf, used); /* after a refusal: dropped */
		done += used;
	}
	evbuffer_add_buffer(buf, gt->front);
	gt->passed = evbuffer_get_length(buf);
	gt->busy = false;
}

static void gate_free(struct gate *gt)
{
	if (!gt)
		return;
	framing_free(gt->framing);
	if (gt->front)
		evbuffer_free(gt->front);
	free(gt);
}

/* gate_new: a framing gate on BEV's input; NULL when out of memory. */
static struct gate *gate_new(struct http *h, struct bufferevent *bev)
{
	struct gate *gt = calloc(1, sizeof(*gt));
	if (!gt)
		return NULL;
	gt->framing = framing_new(h->max_head);
	gt->front = evbuffer_new();
	if (gt->framing && gt->front)
		gt->cb = evbuffer_add_cb(bufferevent_get_input(bev), gate_input, gt);
	if (!gt->cb) {
		gate_free(gt);
		return NULL;
	}
	return gt;
}

/* Every connection on the HTTPS port gets a TLS bufferevent with a framing
 * gate. If one cannot be made, evhttp would fall back to plain HTTP for it;
 * dispatch refuses any request that did not arrive over TLS. */
static struct bufferevent *make_tls_bev(struct event_base *base, void *arg)
{
	struct http *h = arg;
	SSL *ssl = SSL_new(h->ctx);
	struct conn_guard *g = calloc(1, sizeof(*g));
	if (!ssl || !g) {
		log_error("cannot create a TLS connection: out of memory");
		SSL_free(ssl);
		free(g);
		return NULL;
	}
	g->http = h;
	g->deadline = evtimer_new(base, guard_expired, g);
	g->over_limit = open_connections >= h->max_connections;
	struct bufferevent *bev = bufferevent_openssl_socket_new(base, -1, ssl, BUFFEREVENT_SSL_ACCEPTING,
	                                                         BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS);
	if (!bev) {
		event_free(g->deadline);
		free(g);
		SSL_free(ssl);
		return NULL;
	}
	g->bev = bev;
	open_connections++;
	tls_conn_set(ssl, g); /* from here on, freeing the SSL frees G */
	g->gate = gate_new(h, bev);
	if (!g->gate) {
		log_error("cannot create a TLS connection: out of memory");
		bufferevent_free(bev);
		return NULL;
	}
	guard_arm(g);
	return bev;
}

static void req_unlink(struct http_req *r)
{
	struct http *h = r->http;
	if (r->prev)
		r->prev->next = r->next;
	else if (h->inflight == r)
		h->inflight = r->next;
	if (r->next)
		r->next->prev = r->prev;
	r->prev = r->next = NULL;
	h->ninflight--;
}

static void req_free(struct http_req *r)
{
	req_unlink(r);
	free(r->query);
	free(r);
}

/* The client of one or more requests in flight went away: detach them. */
static void on_conn_close(struct evhttp_connection *conn, void *arg)
{
	struct http *h = arg;
	for (struct http_req *r = h->inflight; r; r = r->next) {
		if (r->conn != conn || !r->req)
			continue;
		r->req = NULL;
		r->conn = NULL;
		if (r->on_gone)
			r->on_gone(r);
	}
}

static SSL *request_ssl(struct evhttp_request *req)
{
	struct evhttp_connection *conn = evhttp_request_get_connection(req);
	struct bufferevent *bev = conn ? evhttp_connection_get_bufferevent(conn) : NULL;
	return bev ? bufferevent_openssl_get_ssl(bev) : NULL;
}

/* framing_refused: answer R 400 and close when the framing gate refused
 * its request (the gate has dropped the rest of the connection). */
static bool framing_refused(struct http_req *r)
{
	const char *why = evhttp_find_header(evhttp_request_get_input_headers(r->req), FRAMING_MARK);
	if (!why)
		return false;
	log_warn("refused a request whose end is ambiguous", "reason=\"%s\"", why);
	char msg[400];
	snprintf(msg, sizeof(msg),
	         "the request's framing is ambiguous: %s; send one Content-Length in plain decimal digits, "
	         "or Transfer-Encoding: chunked alone",
	         why);
	json_t *body = json_pack("{s:i, s:s}", "status", 400, "error", msg);
	http_reply_json(r, 400, body, "Connection: close\n");
	return true;
}

static void dispatch(struct evhttp_request *req, struct http *h, bool metrics)
{
	struct http_req *r = calloc(1, sizeof(*r));
	if (!r) {
		evhttp_send_error(req, 503, "out of memory");
		return;
	}
	r->http = h;
	r->req = req;
	r->conn = evhttp_request_get_connection(req);
	r->tls = !metrics;
	clock_gettime(CLOCK_MONOTONIC, &r->started);
	r->next = h->inflight;
	if (h->inflight)
		h->inflight->prev = r;
	h->inflight = r;
	h->ninflight++;

	if (!metrics) {
		SSL *ssl = request_ssl(req);
		if (!ssl) {
			/* Never answer in clear text on the TLS port: drop the
			 * socket; evhttp frees the request when it sees the close. */
			struct bufferevent *bev = evhttp_connection_get_bufferevent(r->conn);
			if (bev)
				shutdown(bufferevent_getfd(bev), SHUT_RDWR);
			log_warn("refused a connection that is not TLS on the TLS port");
			r->req = NULL;
			req_free(r);
			return;
		}
		struct conn_guard *g = tls_conn_get(ssl);
		if (g)
			evtimer_del(g->deadline); /* a whole request arrived in time */
		if (framing_refused(r))
			return;
		if (g && g->over_limit) {
			http_reply(r, 503, "application/json",
			           "{\"status\":503,\"error\":\"too many connections; retry later\"}", 58,
			           "Retry-After: 5\nConnection: close\n");
			return;
		}
		tls_peer_get(ssl, &r->peer);
	} else if (framing_refused(r)) {
		return;
	}
	evhttp_connection_set_closecb(r->conn, on_conn_close, h);

	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	const char *path = uri ? evhttp_uri_get_path(uri) : NULL;
	const char *query = uri ? evhttp_uri_get_query(uri) : NULL;
	char *decoded = path ? evhttp_uridecode(path, 0, NULL) : NULL;
	if (!decoded || strlen(decoded) >= sizeof(r->path)) {
		free(decoded);
		http_reply_error(r, 400, "the request path is malformed or too long");
		return;
	}
	snprintf(r->path, sizeof(r->path), "%s", decoded);
	free(decoded);
	r->query = query ? strdup(query) : NULL;

	enum evhttp_cmd_type method = evhttp_request_get_command(req);
	bool path_known = false;
	for (struct route *rt = h->routes; rt; rt = rt->next) {
		if (rt->metrics != metrics)
			continue;
		size_t plen = strlen(rt->path);
		bool prefix = plen && rt->path[plen - 1] == '/';
		if (prefix ? strncmp(r->path, rt->path, plen) != 0 : strcmp(r->path, rt->path) != 0)
			continue;
		path_known = true;
		if (rt->method == method || (rt->method == EVHTTP_REQ_GET && method == EVHTTP_REQ_HEAD)) {
			rt->fn(r, rt->arg);
			return;
		}
	}
	if (path_known)
		http_reply_error(r, 405, "this method is not allowed on this path");
	else
		http_reply_error(r, 404, "no such endpoint; see GET /api/v1/catalog and the README");
}

static void handle_tls(struct evhttp_request *req, void *arg)
{
	dispatch(req, arg, false);
}
static void handle_plain(struct evhttp_request *req, void *arg)
{
	dispatch(req, arg, true);
}

static void apply_limits(struct http *h, const struct config *cf)
{
	struct evhttp *both[2] = {h->https, h->plain};
	for (int i = 0; i < 2; i++) {
		if (!both[i])
			continue;
		evhttp_set_max_body_size(both[i], (ev_ssize_t)cf->max_body_size);
		/* A body over max_body_size is read to its end and thrown away
		 * before the 413 is sent and the connection closed: closing with
		 * the client's bytes still unread makes the kernel answer them
		 * with a reset, which can reach the client before the 413 does,
		 * so it would see only a broken connection. The per-connection
		 * deadline (request_timeout) still bounds how long that takes. */
		evhttp_set_flags(both[i], EVHTTP_SERVER_LINGERING_CLOSE);
		evhttp_set_max_headers_size(both[i], (ev_ssize_t)cf->max_header_size);
		struct timeval tv = {(long)cf->request_timeout,
		                     (long)((cf->request_timeout - (long)cf->request_timeout) * 1e6)};
		evhttp_set_timeout_tv(both[i], &tv);
		evhttp_set_allowed_methods(both[i],
		                           EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD | EVHTTP_REQ_DELETE);
		evhttp_set_default_content_type(both[i], "application/json");
	}
	h->max_connections = cf->max_connections;
	/* evhttp bounds the request line and the headers by max_header_size
	 * each: the gate must never stop short of what evhttp would read. */
	h->max_head = 2 * cf->max_header_size + 1024;
	h->request_tv.tv_sec = (long)cf->request_timeout;
	h->request_tv.tv_usec = (long)((cf->request_timeout - (double)(long)cf->request_timeout) * 1e6);
}

static struct evhttp_bound_socket *bind_listener(struct evhttp *eh, const char *hostport, const char *what, char *err,
                                                 size_t errlen)
{
	char *host;
	int port;
	if (config_split_hostport(hostport, &host, &port) != 0) {
		snprintf(err, errlen, "%s: cannot read \"%s\" as host:port", what, hostport);
		return NULL;
	}
	struct evhttp_bound_socket *s = evhttp_bind_socket_with_handle(eh, host, (ev_uint16_t)port);
	if (!s)
		snprintf(err, errlen, "%s: cannot listen on %s (in use, or not an address of this machine)", what,
		         hostport);
	else {
		/* Answers leave as several small TLS records; without TCP_NODELAY
		 * (inherited by accepted sockets on Linux) Nagle holds the last
		 * one back until the client's delayed ACK, some 40 ms. */
		int one = 1;
		setsockopt(evhttp_bound_socket_get_fd(s), IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	}
	free(host);
	return s;
}

struct http *http_new(struct event_base *base, const struct config *cf, SSL_CTX *ctx, char *err, size_t errlen)
{
	struct http *h = calloc(1, sizeof(*h));
	if (!h)
		return NULL;
	h->base = base;
	h->ctx = ctx;
	tls_init(guard_free);
	h->https = evhttp_new(base);
	h->plain = evhttp_new(base);
	if (!h->https || !h->plain) {
		snprintf(err, errlen, "cannot create the HTTP server");
		http_free(h);
		return NULL;
	}
	evhttp_set_bevcb(h->https, make_tls_bev, h);
	evhttp_set_gencb(h->https, handle_tls, h);
	evhttp_set_gencb(h->plain, handle_plain, h);
	apply_limits(h, cf);
	h->bound[0] = bind_listener(h->https, cf->listen, "listen", err, errlen);
	h->bound[1] = h->bound[0] ? bind_listener(h->plain, cf->metrics_listen, "metrics_listen", err, errlen) : NULL;
	if (!h->bound[0] || !h->bound[1]) {
		http_free(h);
		return NULL;
	}
	return h;
}

void http_route(struct http *h, bool metrics, const char *method, const char *path, http_handler fn, void *arg)
{
	struct route *rt = calloc(1, sizeof(*rt));
	if (!rt)
		return;
	rt->metrics = metrics;
	rt->method = strcmp(method, "POST") == 0     ? EVHTTP_REQ_POST
	             : strcmp(method, "DELETE") == 0 ? EVHTTP_REQ_DELETE
	                                             : EVHTTP_REQ_GET;
	rt->path = strdup(path);
	rt->fn = fn;
	rt->arg = arg;
	/* append: earlier routes win */
	struct route **tail = &h->routes;
	while (*tail)
		tail = &(*tail)->next;
	*tail = rt;
}

void http_reconfigure(struct http *h, const struct config *cf, SSL_CTX *ctx)
{
	apply_limits(h, cf);
	if (ctx) {
		/* Connections already open hold their own reference to the old one. */
		SSL_CTX_free(h->ctx);
		h->ctx = ctx;
	}
}

void http_reply(struct http_req *r, int status, const char *type, const char *body, size_t len,
                const char *extra_headers)
{
	if (r->req) {
		struct evkeyvalq *out = evhttp_request_get_output_headers(r->req);
		evhttp_add_header(out, "Content-Type", type);
		evhttp_add_header(out, "Cache-Control", "no-store");
		if (r->tls)
			evhttp_add_header(out, "Strict-Transport-Security", "max-age=31536000");
		if (extra_headers) {
			char *copy = strdup(extra_headers), *save = NULL;
			for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
				char *colon = strchr(line, ':');
				if (!colon)
					continue;
				*colon = '\0';
				const char *v = colon + 1;
				while (*v == ' ')
					v++;
				evhttp_add_header(out, line, v);
			}
			free(copy);
		}
		struct evbuffer *buf = evbuffer_new();
		if (buf && len)
			evbuffer_add(buf, body, len);
		SSL *ssl = r->tls ? request_ssl(r->req) : NULL;
		struct conn_guard *g = ssl ? tls_conn_get(ssl) : NULL;
		if (g) /* the next request on this connection gets its own deadline */
			guard_arm(g);
		evhttp_send_reply(r->req, status, NULL, buf);
		evbuffer_free(buf);
	}
	if (r->tls) {
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		metrics_http_request(status, (double)(now.tv_sec - r->started.tv_sec) +
		                                     (double)(now.tv_nsec - r->started.tv_nsec) / 1e9);
	}
	req_free(r);
}

void http_reply_json(struct http_req *r, int status, json_t *body, const char *extra_headers)
{
	char *text = json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(body);
	if (!text) {
		http_reply(r, 500, "application/json", "{\"status\":500,\"error\":\"cannot encode the answer\"}", 49,
		           NULL);
		return;
	}
	size_t len = strlen(text);
	text[len] = '\0';
	http_reply(r, status, "application/json", text, len, extra_headers);
	free(text);
}

void http_reply_error(struct http_req *r, int status, const char *message)
{
	http_reply_json(r, status, json_pack("{s:i, s:s}", "status", status, "error", message), NULL);
}

const char *http_body(struct http_req *r, size_t *len)
{
	*len = 0;
	if (!r->req)
		return "";
	struct evbuffer *in = evhttp_request_get_input_buffer(r->req);
	size_t n = evbuffer_get_length(in);
	*len = n;
	if (n == 0)
		return "";
	return (const char *)evbuffer_pullup(in, -1);
}

const char *http_header(struct http_req *r, const char *name)
{
	if (!r->req)
		return NULL;
	return evhttp_find_header(evhttp_request_get_input_headers(r->req), name);
}

void http_stop_accepting(struct http *h)
{
	/* Deleting the bound sockets closes the listeners and leaves the
	 * connections already accepted alone. */
	if (h->bound[0])
		evhttp_del_accept_socket(h->https, h->bound[0]);
	if (h->bound[1])
		evhttp_del_accept_socket(h->plain, h->bound[1]);
	h->bound[0] = h->bound[1] = NULL;
}

void http_free(struct http *h)
{
	if (!h)
		return;
	while (h->inflight) {
		struct http_req *r = h->inflight;
		r->req = NULL;
		req_free(r);
	}
	if (h->https)
		evhttp_free(h->https);
	if (h->plain)
		evhttp_free(h->plain);
	struct route *rt = h->routes;
	while (rt) {
		struct route *next = rt->next;
		free(rt->path);
		free(rt);
		rt = next;
	}
	SSL_CTX_free(h->ctx);
	free(h);
}
