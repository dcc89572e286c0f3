/* console.h - the web console on the HTTPS listener: static files under
 * /console/, Chart.js from Debian under /console/vendor/, sign-in and
 * sign-out with server-side sessions, GET /api/v1/session, and the one way
 * the read API learns who is calling (session cookie, token or certificate). */
#ifndef MESTAT_CONSOLE_H
#define MESTAT_CONSOLE_H

#include <stdbool.h>

#include "auth.h"

struct http;
struct http_req;
struct db;
struct config;

/* Who is calling the console or the read API. */
struct console_caller {
	struct auth_identity id;
	bool session;  /* signed in through the console's session cookie */
	char csrf[72]; /* the session's CSRF token ("" without a session) */
};

/* STATUS is 0 (WHO filled), 401 (WHY says what is missing or wrong) or 503. */
typedef void (*console_auth_cb)(int status, const struct console_caller *who, const char *why, void *arg);

/* console_register: add the console's routes to H; sessions live in DB. */
void console_register(struct http *h, struct db *db, const struct config *cf);

/* console_reconfigure: web root, Chart.js directory and session lifetimes from CF. */
void console_reconfigure(const struct config *cf);

/* console_authenticate: identify the caller of R by its session cookie
 * (GET requests only), else its bearer token or client certificate. */
void console_authenticate(struct http_req *r, console_auth_cb cb, void *arg);

/* console_serve_file: answer R with the file REL (a relative path of plain
 * names) under ROOT, its real path inside ROOT; a directory serves its
 * index.html. TYPE is its media type (NULL: by its extension), HEADERS the
 * answer's "Name: value\n" lines (NULL: console_security_headers()). Returns
 * the status answered: 200; 404 when there is no such plain file (or it is
 * larger than a console file may be); 500 when it cannot be read; 503 when
 * out of memory. */
int console_serve_file(struct http_req *r, const char *root, const char *rel, const char *type, const char *headers);

/* console_security_headers: the Content-Security-Policy and other headers
 * every console answer carries, as "Name: value\n" lines. */
const char *console_security_headers(void);

/* console_free: release what the console holds. */
void console_free(void);

#endif
