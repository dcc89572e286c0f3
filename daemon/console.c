/* console.c - the web console's server side.
 *
 * Sign-in (POST /console/login with a token, or a client certificate on any
 * console page) opens a server-side session: the browser gets a random id in
 * a Secure, HttpOnly, SameSite=Strict cookie; PostgreSQL keeps its SHA-256
 * with idle and absolute expiry (mestat.console_session_*). The cookie is a
 * credential only for reading (GET); anything else signed by the cookie must
 * also carry the session's CSRF token, and sign-in itself checks Origin.
 *
 * Static files come from web_root (the top-level web/ folder once
 * installed), Chart.js from Debian's libjs-chart.js. A path is served only
 * when every segment is a plain name (no "..", no hidden files) and its real
 * path, symlinks resolved, lies inside the root (console_serve_file, which
 * serves the release pages too). Every console answer carries a strict
 * Content-Security-Policy. The sessions' statements are store_session.c's. */
#include "console.h"

#include <errno.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <limits.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "config.h"
#include "db.h"
#include "http.h"
#include "log.h"
#include "store_session.h"
#include "tls.h"
#include "util.h"

#define COOKIE_NAME     "mestat_session"
#define MAX_STATIC_SIZE (8 * 1024 * 1024)

static struct {
	struct db *db;
	char *web_root;
	char *chart_dir;
	double idle, max_age;
	bool subject_cn;
} con;

static const char security_headers[] =
	"Content-Security-Policy: default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
	"object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'\n"
	"X-Content-Type-Options: nosniff\n"
	"Referrer-Policy: no-referrer\n"
	"X-Frame-Options: DENY\n";

const char *console_security_headers(void)
{
	return security_headers;
}

/* ---- small helpers ---- */

static void reply_json(struct http_req *r, int status, json_t *body, const char *more)
{
	char headers[1024];
	snprintf(headers, sizeof(headers), "%s%s", security_headers, more ? more : "");
	http_reply_json(r, status, body, headers);
}

static void reply_error(struct http_req *r, int status, const char *msg)
{
	reply_json(r, status, json_pack("{s:i, s:s}", "status", status, "error", msg),
	           status == 503 ? "Retry-After: 10\n" : NULL);
}

static bool wants_json(struct http_req *r)
{
	const char *a = http_header(r, "Accept");
	return a && strcasestr(a, "application/json");
}

/* cookie_session: the session id in the Cookie header into OUT, or false. */
static bool cookie_session(struct http_req *r, char *out, size_t len)
{
	const char *h = http_header(r, "Cookie");
	while (h && *h) {
		while (*h == ' ' || *h == ';')
			h++;
		size_t n = strcspn(h, ";");
		if (n > strlen(COOKIE_NAME) && strncmp(h, COOKIE_NAME "=", strlen(COOKIE_NAME) + 1) == 0) {
			const char *v = h + strlen(COOKIE_NAME) + 1;
			size_t vn = n - strlen(COOKIE_NAME) - 1;
			if (vn == 64 && strspn(v, "0123456789abcdef") >= 64 && vn < len) {
				memcpy(out, v, vn);
				out[vn] = '\0';
				return true;
			}
		}
		h += n;
	}
	return false;
}

/* form_field: the url-decoded value of NAME in an urlencoded BODY of LEN bytes (malloc'd) or NULL. */
static char *form_field(const char *body, size_t len, const char *name)
{
	struct evkeyvalq q;
	char *copy = strndup(body ? body : "", len);
	char *v = NULL;
	if (copy && evhttp_parse_query_str(copy, &q) == 0) {
		const char *f = evhttp_find_header(&q, name);
		v = f ? strdup(f) : NULL;
		evhttp_clear_headers(&q);
	}
	free(copy);
	return v;
}

static bool is_get(struct http_req *r)
{
	enum evhttp_cmd_type m = r->req ? evhttp_request_get_command(r->req) : EVHTTP_REQ_GET;
	return m == EVHTTP_REQ_GET || m == EVHTTP_REQ_HEAD;
}

/* csrf_ok: the request carries WHO's CSRF token (header or form field). */
static bool csrf_ok(struct http_req *r, const struct console_caller *who)
{
	if (!who->csrf[0])
		return false;
	const char *h = http_header(r, "X-CSRF-Token");
	if (h)
		return strlen(h) == strlen(who->csrf) && CRYPTO_memcmp(h, who->csrf, strlen(h)) == 0;
	size_t len;
	const char *body = http_body(r, &len);
	char *f = form_field(body, len, "csrf");
	bool ok = f && strlen(f) == strlen(who->csrf) && CRYPTO_memcmp(f, who->csrf, strlen(f)) == 0;
	free(f);
	return ok;
}

/* ---- who is calling ---- */

struct authn {
	struct http_req *r;
	console_auth_cb cb;
	void *arg;
	char sid[72];
	bool had_cookie;
	struct console_caller who;
};

static void on_token_or_cert(int status, const struct auth_identity *id, const char *why, void *arg)
{
	struct authn *a = arg;
	if (status == 0) {
		a->who.id = *id;
		a->cb(0, &a->who, NULL, a->arg);
	} else if (status == 401 && a->had_cookie && strstr(why, "no credentials")) {
		a->cb(401, NULL, "the console session has ended (signed out, idle or expired); sign in again", a->arg);
	} else {
		a->cb(status, NULL, why, a->arg);
	}
	free(a);
}

static void fall_back(struct authn *a)
{
	auth_resolve(con.db, con.subject_cn, &a->r->peer, http_header(a->r, "Authorization"), on_token_or_cert, a);
}

static void on_session(struct db_conn *c, PGresult *res, const char *err, void *arg)
{
	struct authn *a = arg;
	if (err || !res) {
		db_release(c);
		a->cb(503, NULL, "the session cannot be checked now; try again later", a->arg);
		free(a);
		return;
	}
	if (PQntuples(res) != 1) {
		db_release(c);
		fall_back(a);
		return;
	}
	snprintf(a->who.id.reporter, sizeof(a->who.id.reporter), "%s", PQgetvalue(res, 0, 0));
	snprintf(a->who.id.evaluator, sizeof(a->who.id.evaluator), "%s", PQgetvalue(res, 0, 1));
	snprintf(a->who.id.client, sizeof(a->who.id.client), "%s", PQgetvalue(res, 0, 2));
	snprintf(a->who.csrf, sizeof(a->who.csrf), "%s", PQgetvalue(res, 0, 3));
	a->who.session = true;
	db_release(c);
	if (!is_get(a->r) && !csrf_ok(a->r, &a->who)) {
		a->cb(403, NULL,
		      "this request changes something: it must carry the session's CSRF token "
		      "(header X-CSRF-Token or form field csrf; GET /api/v1/session returns it)",
		      a->arg);
		free(a);
		return;
	}
	a->cb(0, &a->who, NULL, a->arg);
	free(a);
}

static void on_session_conn(struct db_conn *c, void *arg)
{
	struct authn *a = arg;
	store_session_use(c, a->sid, on_session, a);
}

/* The primary is away: a GET still finds its session on the read pool,
 * which cannot mark it used (the next request on the primary will). */
static void on_session_read_conn(struct db_conn *c, void *arg)
{
	struct authn *a = arg;
	store_session_peek(c, a->sid, on_session, a);
}

void console_authenticate(struct http_req *r, console_auth_cb cb, void *arg)
{
	struct authn *a = calloc(1, sizeof(*a));
	if (!a) {
		cb(503, NULL, "out of memory", arg);
		return;
	}
	a->r = r;
	a->cb = cb;
	a->arg = arg;
	/* An explicit Authorization header wins over a cookie the browser adds by itself. */
	if (!http_header(r, "Authorization") && cookie_session(r, a->sid, sizeof(a->sid))) {
		a->had_cookie = true;
		if (db_acquire(con.db, on_session_conn, a) != 0 &&
		    (!is_get(r) || !auth_read_pool() || db_acquire(auth_read_pool(), on_session_read_conn, a) != 0)) {
			cb(503, NULL, "the database is unavailable", arg);
			free(a);
		}
		return;
	}
	fall_back(a);
}

/* ---- GET /api/v1/session ---- */

static json_t *caller_json(const struct console_caller *who)
{
	bool ev = who->id.evaluator[0] != '\0';
	return json_pack("{s:s, s:s, s:s?, s:s, s:b}", "kind", ev ? "evaluator" : "reporter", "name",
	                 ev ? who->id.evaluator : who->id.reporter, "reporter", ev ? NULL : who->id.reporter, "csrf",
	                 who->csrf, "session", who->session);
}

static void on_session_auth(int status, const struct console_caller *who, const char *why, void *arg)
{
	struct http_req *r = arg;
	if (status != 0) {
		reply_json(r, status, json_pack("{s:i, s:s}", "status", status, "error", why),
		           status == 401 ? "WWW-Authenticate: Bearer realm=\"mestat\"\n" : NULL);
		return;
	}
	reply_json(r, 200, caller_json(who), NULL);
}

static void get_session(struct http_req *r, void *arg)
{
	(void)arg;
	console_authenticate(r, on_session_auth, r);
}

/* ---- sign-in ---- */

struct login {
	struct http_req *r;
	struct console_caller who;
	bool json;
	char *then; /* for a certificate sign-in on a page: the file to serve after */
};

static void serve_page(struct http_req *r, const char *rel, const char *cookie);

static void login_failed(struct login *l, int status, const char *why)
{
	if (status != 401 || l->json)
		reply_json(l->r, status, json_pack("{s:i, s:s}", "status", status, "error", why),
		           status == 503 ? "Retry-After: 10\n" : NULL);
	else
		reply_json(l->r, 303, json_pack("{s:i, s:s}", "status", status, "error", why),
		           "Location: /console/login.html?error=1\n");
	free(l->then);
	free(l);
}

static void on_opened(struct db_conn *c, PGresult *res, const char *err, void *arg)
{
	struct login *l = arg;
	if (err || !res || PQntuples(res) != 1) {
		if (err)
			log_warn("cannot open a console session", "error=\"%s\"", err);
		db_release(c);
		return login_failed(l, 503, "the session cannot be opened now; try again later");
	}
	char cookie[256];
	snprintf(cookie, sizeof(cookie),
	         "Set-Cookie: " COOKIE_NAME "=%s; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=%.0f\n",
	         PQgetvalue(res, 0, 0), con.max_age);
	snprintf(l->who.csrf, sizeof(l->who.csrf), "%s", PQgetvalue(res, 0, 1));
	l->who.session = true;
	db_release(c);
	log_info("console sign-in", "who=%s client=%s",
	         l->who.id.evaluator[0] ? l->who.id.evaluator : l->who.id.reporter, l->who.id.client);
	if (l->then) {
		serve_page(l->r, l->then, cookie);
	} else if (l->json) {
		reply_json(l->r, 200, caller_json(&l->who), cookie);
	} else {
		char more[400];
		snprintf(more, sizeof(more), "%sLocation: /console/\n", cookie);
		reply_json(l->r, 303, json_pack("{s:s}", "location", "/console/"), more);
	}
	free(l->then);
	free(l);
}

static void on_open_conn(struct db_conn *c, void *arg)
{
	struct login *l = arg;
	store_session_open(c, l->who.id.reporter, l->who.id.evaluator, l->who.id.client, con.idle, con.max_age,
	                   on_opened, l);
}

static void on_login_auth(int status, const struct auth_identity *id, const char *why, void *arg)
{
	struct login *l = arg;
	if (status != 0) {
		if (l->then) { /* a certificate that is nobody's: serve the page unsigned */
			serve_page(l->r, l->then, NULL);
			free(l->then);
			free(l);
			return;
		}
		return login_failed(l, status, why);
	}
	l->who.id = *id;
	if (db_acquire(con.db, on_open_conn, l) != 0)
		login_failed(l, 503, "the database is unavailable");
}

/* same_origin: a browser's Origin (and Sec-Fetch-Site), when sent, name this site. */
static bool same_origin(struct http_req *r)
{
	const char *site = http_header(r, "Sec-Fetch-Site");
	if (site && strcmp(site, "same-origin") != 0 && strcmp(site, "none") != 0)
		return false;
	const char *origin = http_header(r, "Origin");
	if (!origin)
		return true;
	const char *host = http_header(r, "Host");
	char want[300];
	snprintf(want, sizeof(want), "https://%s", host ? host : "");
	return host && strcasecmp(origin, want) == 0;
}

static void post_login(struct http_req *r, void *arg)
{
	(void)arg;
	struct login *l = calloc(1, sizeof(*l));
	if (!l) {
		reply_error(r, 503, "out of memory");
		return;
	}
	l->r = r;
	l->json = wants_json(r);
	if (!same_origin(r))
		return login_failed(l, 403, "sign-in must come from this site's own sign-in page");
	size_t len;
	const char *body = http_body(r, &len);
	char *token = form_field(body, len, "token");
	char bearer[256] = "";
	struct tls_peer none = {0};
	const struct tls_peer *peer = &r->peer;
	if (token && *token) {
		snprintf(bearer, sizeof(bearer), "Bearer %s", token);
		peer = &none; /* a typed token means that identity, whatever certificate the browser holds */
	}
	free(token);
	if (!bearer[0] && !r->peer.present)
		return login_failed(l, 401, "enter a token (form field token) or sign in with a client certificate");
	auth_resolve(con.db, con.subject_cn, peer, bearer[0] ? bearer : NULL, on_login_auth, l);
}

/* ---- sign-out ---- */

struct logout {
	struct http_req *r;
	char sid[72];
};

static void on_closed(struct db_conn *c, PGresult *res, const char *err, void *arg)
{
	struct logout *o = arg;
	struct http_req *r = o->r;
	(void)res;
	db_release(c);
	free(o);
	if (err) {
		reply_error(r, 503, "the session cannot be closed now; try again later");
		return;
	}
	const char *clear = "Set-Cookie: " COOKIE_NAME "=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0\n";
	if (wants_json(r)) {
		reply_json(r, 200, json_pack("{s:b}", "signed_out", 1), clear);
	} else {
		char more[300];
		snprintf(more, sizeof(more), "%sLocation: /console/login.html?signed_out=1\n", clear);
		reply_json(r, 303, json_pack("{s:b}", "signed_out", 1), more);
	}
}

static void on_close_conn(struct db_conn *c, void *arg)
{
	struct logout *o = arg;
	store_session_close(c, o->sid, on_closed, o);
}

static void on_logout_auth(int status, const struct console_caller *who, const char *why, void *arg)
{
	struct logout *o = arg;
	if (status != 0 || !who->session) {
		reply_error(o->r, status ? status : 400, status ? why : "there is no console session to sign out of");
		free(o);
		return;
	}
	/* console_authenticate has checked the CSRF token of this POST */
	if (db_acquire(con.db, on_close_conn, o) != 0) {
		reply_error(o->r, 503, "the database is unavailable");
		free(o);
	}
}

static void post_logout(struct http_req *r, void *arg)
{
	(void)arg;
	struct logout *o = calloc(1, sizeof(*o));
	if (!o) {
		reply_error(r, 503, "out of memory");
		return;
	}
	o->r = r;
	if (!cookie_session(r, o->sid, sizeof(o->sid))) {
		reply_error(r, 400, "there is no console session to sign out of");
		free(o);
		return;
	}
	console_authenticate(r, on_logout_auth, o);
}

/* ---- static files ---- */

static const char *mime_type(const char *path)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
		{".html", "text/html; charset=utf-8"},
		{".css", "text/css; charset=utf-8"},
		{".js", "text/javascript; charset=utf-8"},
		{".mjs", "text/javascript; charset=utf-8"},
		{".json", "application/json"},
		{".svg", "image/svg+xml"},
		{".png", "image/png"},
		{".ico", "image/x-icon"},
		{".woff2", "font/woff2"},
		{".txt", "text/plain; charset=utf-8"},
		{NULL, NULL},
	};
	const char *dot = strrchr(path, '.');
	for (int i = 0; dot && types[i].ext; i++)
		if (strcasecmp(dot, types[i].ext) == 0)
			return types[i].type;
	return "application/octet-stream";
}

/* safe_relative: REL is a relative path of plain names (no empty, hidden,
 * "." or ".." segments, no backslash or control characters). */
static bool safe_relative(const char *rel)
{
	if (!*rel || *rel == '/')
		return false;
	for (const char *p = rel; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == '\\' || *p == 0x7f)
			return false;
	for (const char *seg = rel; seg;) {
		if (*seg == '.' || *seg == '/' || *seg == '\0')
			return false;
		const char *slash = strchr(seg, '/');
		seg = slash ? slash + 1 : NULL;
	}
	return true;
}

static void reply_not_found(struct http_req *r)
{
	http_reply(r, 404, "text/plain; charset=utf-8", "not found\n", 10, security_headers);
}

int console_serve_file(struct http_req *r, const char *root, const char *rel, const char *type, const char *headers)
{
	char path[PATH_MAX], real_root[PATH_MAX], real[PATH_MAX];
	if (!safe_relative(rel) || !realpath(root, real_root) ||
	    snprintf(path, sizeof(path), "%s/%s", real_root, rel) >= (int)sizeof(path) || !realpath(path, real)) {
		reply_not_found(r);
		return 404;
	}
	size_t rl = strlen(real_root);
	if (strncmp(real, real_root, rl) != 0 || real[rl] != '/') { /* a symlink leading out of the root */
		log_warn("refused a console file outside the web root", "path=%s", rel);
		reply_not_found(r);
		return 404;
	}
	struct stat st;
	if (stat(real, &st) == 0 && S_ISDIR(st.st_mode)) {
		char index[PATH_MAX];
		if (snprintf(index, sizeof(index), "%s/index.html", rel) >= (int)sizeof(index)) {
			reply_not_found(r);
			return 404;
		}
		return console_serve_file(r, root, index, type, headers);
	}
	size_t len;
	char *data = util_read_file(real, MAX_STATIC_SIZE, &len);
	if (!data && errno == ENOMEM) {
		reply_error(r, 503, "out of memory; try again later");
		return 503;
	}
	if (!data && errno == EIO) {
		reply_error(r, 500, "the file cannot be read");
		return 500;
	}
	if (!data) { /* gone, not a plain file, or larger than any file of the console */
		reply_not_found(r);
		return 404;
	}
	http_reply(r, 200, type ? type : mime_type(real), data, len, headers ? headers : security_headers);
	free(data);
	return 200;
}

/* serve_page: a file of the console's web root, setting COOKIE (a
 * Set-Cookie line, NULL for none) when it is served. */
static void serve_page(struct http_req *r, const char *rel, const char *cookie)
{
	char headers[1024];
	snprintf(headers, sizeof(headers), "%s%s", security_headers, cookie ? cookie : "");
	console_serve_file(r, con.web_root, rel, NULL, headers);
}

static void get_vendor(struct http_req *r, void *arg)
{
	(void)arg;
	console_serve_file(r, con.chart_dir, r->path + strlen("/console/vendor/"), NULL, NULL);
}

static void get_console(struct http_req *r, void *arg)
{
	(void)arg;
	const char *rel = r->path + strlen("/console/");
	const char *raw = r->req ? evhttp_request_get_uri(r->req) : NULL;
	if (raw && strstr(raw, "%00")) { /* the decoded path would end early */
		reply_not_found(r);
		return;
	}
	if (!*rel)
		rel = "index.html";
	else if (strcmp(rel, "login") == 0)
		rel = "login.html";
	char sid[72];
	bool page = strstr(rel, ".html") != NULL || strchr(rel, '.') == NULL;
	/* A verified client certificate signs in by itself on the first page. */
	if (page && r->peer.present && !cookie_session(r, sid, sizeof(sid)) && safe_relative(rel)) {
		struct login *l = calloc(1, sizeof(*l));
		if (l && (l->then = strdup(strcmp(rel, "login.html") == 0 ? "index.html" : rel))) {
			l->r = r;
			auth_resolve(con.db, con.subject_cn, &r->peer, NULL, on_login_auth, l);
			return;
		}
		free(l);
	}
	serve_page(r, rel, NULL);
}

static void get_console_root(struct http_req *r, void *arg)
{
	(void)arg;
	http_reply(r, 301, "text/plain; charset=utf-8", "", 0, "Location: /console/\n");
}

void console_register(struct http *h, struct db *db, const struct config *cf)
{
	con.db = db;
	console_reconfigure(cf);
	http_route(h, false, "GET", "/api/v1/session", get_session, NULL);
	http_route(h, false, "POST", "/console/login", post_login, NULL);
	http_route(h, false, "POST", "/console/logout", post_logout, NULL);
	http_route(h, false, "GET", "/console/vendor/", get_vendor, NULL);
	http_route(h, false, "GET", "/console/", get_console, NULL);
	http_route(h, false, "GET", "/console", get_console_root, NULL);
}

void console_reconfigure(const struct config *cf)
{
	free(con.web_root);
	free(con.chart_dir);
	con.web_root = strdup(cf->web_root);
	con.chart_dir = strdup(cf->chart_js_dir);
	con.idle = cf->session_idle_timeout;
	con.max_age = cf->session_max_age;
	con.subject_cn = strcmp(cf->client_identity, "subject") == 0;
}

void console_free(void)
{
	free(con.web_root);
	free(con.chart_dir);
	con.web_root = con.chart_dir = NULL;
}
