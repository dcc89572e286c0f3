/* release_api.c - where people read the releases: GET /api/v1/releases (the
 * list and the calendar), GET /api/v1/releases/{period} (the signed bytes as
 * signed, ?revision=N; for evaluators, the live preview of a quarter not yet
 * published), and, with publish_public = yes, the same without credentials
 * under /releases/ with a printable page per release.
 *
 * Who sees what: a published release, every caller with credentials (each
 * province, each evaluator) and, when public, everybody; a preview, only
 * evaluators. The page's scripts and styles (/releases/assets/...) hold no
 * data and are always served. The console shows the same pages at
 * /console/releases/ (registered before the console's own /console/). */
#include "release.h"

#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "config.h"
#include "console.h"
#include "db.h"
#include "http.h"
#include "log.h"
#include "store_release.h"

static struct {
	struct db *db;
	bool public_;
	char *web_root;  /* the web pages (web_root) */
	char *chart_dir; /* Debian's Chart.js (chart_js_dir): chart.min.js */
} ra;

enum rkind { R_LIST, R_ONE };

struct rjob {
	struct http_req *r;
	enum rkind kind;
	bool evaluator; /* may see previews */
	bool anonymous; /* public reader: published releases only */
	char period[8];
	char revision[12]; /* "" = the latest */
};

static const char *retry_after = "Retry-After: 10\n";

static const char page_headers[] =
	"Content-Security-Policy: default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
	"object-src 'none'; frame-ancestors 'none'\n"
	"X-Content-Type-Options: nosniff\n";

/* valid_period: "2018Q3". */
static bool valid_period(const char *s, size_t n)
{
	return n == 6 && strspn(s, "0123456789") == 4 && s[4] == 'Q' && s[5] >= '1' && s[5] <= '4';
}

/* query_revision: ?revision=N into OUT ("" when absent); false when malformed. */
static bool query_revision(const struct http_req *r, char *out, size_t len)
{
	out[0] = '\0';
	if (!r->query)
		return true;
	struct evkeyvalq q;
	bool ok = true;
	if (evhttp_parse_query_str(r->query, &q) != 0)
		return false;
	const char *v = evhttp_find_header(&q, "revision");
	if (v) {
		size_t n = strspn(v, "0123456789");
		ok = n > 0 && n < 9 && v[n] == '\0' && v[0] != '0';
		if (ok)
			snprintf(out, len, "%s", v);
	}
	evhttp_clear_headers(&q);
	return ok;
}

static void reply_unavailable(struct http_req *r)
{
	http_reply_json(r, 503, json_pack("{s:i, s:s}", "status", 503, "error", "the database is unavailable"),
	                retry_after);
}

static void done(struct rjob *j, struct db_conn *c)
{
	if (c)
		db_release(c);
	free(j);
}

/* ---- the list ---- */

static void on_list(struct db_conn *c, PGresult *res, const char *err, void *arg)
{
	struct rjob *j = arg;
	if (err || !res || PQntuples(res) != 1) {
		if (err)
			log_warn("cannot list the releases", "error=\"%s\"", err);
		reply_unavailable(j->r);
		return done(j, c);
	}
	const char *text = PQgetvalue(res, 0, 0);
	http_reply(j->r, 200, "application/json", text, strlen(text), NULL);
	done(j, c);
}

/* ---- one release ---- */

static void on_preview(struct db_conn *c, PGresult *res, const char *err, void *arg)
{
	struct rjob *j = arg;
	if (!res) {
		reply_unavailable(j->r);
		return done(j, c);
	}
	if (err || PQntuples(res) != 1) {
		http_reply_error(j->r, 404, "no such quarter");
		return done(j, c);
	}
	const char *text = PQgetvalue(res, 0, 0);
	http_reply(j->r, 200, "application/json", text, strlen(text),
	           "Mestat-Release-Preview: yes\nMestat-Release-Revision: 0\n");
	done(j, c);
}

static void on_release(struct db_conn *c, PGresult *res, const char *err, void *arg)
{
	struct rjob *j = arg;
	if (err || !res) {
		if (err)
			log_warn("cannot read a release", "period=%s error=\"%s\"", j->period, err);
		reply_unavailable(j->r);
		return done(j, c);
	}
	if (PQntuples(res) == 0) {
		if (j->evaluator && !j->revision[0]) {
			store_release_preview(c, j->period, on_preview, j);
			return;
		}
		http_reply_error(j->r, 404,
		                 j->revision[0] ? "this quarter has no release with that revision"
		                                : "this quarter has not been published yet");
		return done(j, c);
	}
	char headers[512];
	snprintf(headers, sizeof(headers),
	         "Mestat-Release-Revision: %s\nMestat-Release-Sha256: %s\nMestat-Release-Previous-Sha256: %s\n"
	         "Mestat-Release-Signature: %s\nMestat-Release-Key-Fingerprint: %s\nMestat-Release-Superseded: %s\n",
	         PQgetvalue(res, 0, 1), PQgetvalue(res, 0, 2), PQgetvalue(res, 0, 3), PQgetvalue(res, 0, 4),
	         PQgetvalue(res, 0, 5), strcmp(PQgetvalue(res, 0, 6), "t") == 0 ? "yes" : "no");
	/* The body goes out byte for byte as it was signed. */
	http_reply(j->r, 200, "application/json", PQgetvalue(res, 0, 0), (size_t)PQgetlength(res, 0, 0), headers);
	done(j, c);
}

static void on_conn(struct db_conn *c, void *arg)
{
	struct rjob *j = arg;
	if (!j->r->req) { /* the client left */
		http_reply(j->r, 499, "text/plain", "", 0, NULL);
		return done(j, c);
	}
	if (j->kind == R_LIST) {
		store_release_list(c, on_list, j);
		return;
	}
	store_release_read(c, j->period, j->revision[0] ? j->revision : NULL, on_release, j);
}

static void go(struct rjob *j)
{
	if (db_acquire(ra.db, on_conn, j) != 0) {
		reply_unavailable(j->r);
		free(j);
	}
}

static void on_auth(int status, const struct console_caller *who, const char *why, void *arg)
{
	struct rjob *j = arg;
	if (status != 0) {
		if (status == 401)
			http_reply_json(j->r, 401, json_pack("{s:i, s:s}", "status", 401, "error", why),
			                "WWW-Authenticate: Bearer realm=\"mestat\"\n");
		else
			reply_unavailable(j->r);
		free(j);
		return;
	}
	j->evaluator = who->id.evaluator[0] != '\0';
	go(j);
}

/* start: authenticate (a console session, a token or a certificate; or,
 * when releases are public and no credentials came, an anonymous reader) and
 * answer J. */
static void start(struct rjob *j)
{
	const char *authz = http_header(j->r, "Authorization");
	if (j->anonymous || (ra.public_ && !authz && !j->r->peer.present && !http_header(j->r, "Cookie"))) {
		j->anonymous = true;
		go(j);
		return;
	}
	console_authenticate(j->r, on_auth, j);
}

static struct rjob *job_new(struct http_req *r, enum rkind kind)
{
	struct rjob *j = calloc(1, sizeof(*j));
	if (!j)
		http_reply_error(r, 503, "out of memory");
	else {
		j->r = r;
		j->kind = kind;
	}
	return j;
}

static void get_list(struct http_req *r, void *arg)
{
	(void)arg;
	struct rjob *j = job_new(r, R_LIST);
	if (j)
		start(j);
}

/* one: R asks for PERIOD (N bytes), as an anonymous public reader or not. */
static void one(struct http_req *r, const char *period, size_t n, bool anonymous)
{
	if (!valid_period(period, n)) {
		http_reply_error(r, 404, "a release is named by its quarter, e.g. 2018Q3");
		return;
	}
	struct rjob *j = job_new(r, R_ONE);
	if (!j)
		return;
	memcpy(j->period, period, n);
	j->anonymous = anonymous;
	if (!query_revision(r, j->revision, sizeof(j->revision))) {
		http_reply_error(r, 400, "revision must be a positive whole number, e.g. ?revision=2");
		free(j);
		return;
	}
	start(j);
}

static void get_one(struct http_req *r, void *arg)
{
	(void)arg;
	const char *p = r->path + strlen("/api/v1/releases/");
	one(r, p, strlen(p), false);
}

/* ---- public pages and their files ---- */

/* serve: FILE (under ROOT) as TYPE with HEADERS; a missing file is a broken
 * installation, worth a line in the log. */
static void serve(struct http_req *r, const char *root, const char *file, const char *type, const char *headers)
{
	if (console_serve_file(r, root, file, type, headers) == 404)
		log_warn("a release page file is missing", "file=%s/%s", root ? root : "", file);
}

static void send_web(struct http_req *r, const char *name, const char *type, const char *headers)
{
	serve(r, ra.web_root, name, type, headers);
}

static const struct {
	const char *name; /* under /releases/assets/ */
	const char *file; /* under web_root; NULL: Chart.js */
	const char *type;
} assets[] = {
	{"release.css", "css/release.css", "text/css; charset=utf-8"},
	{"release.js", "js/release.js", "text/javascript; charset=utf-8"},
	{"releases.js", "js/releases.js", "text/javascript; charset=utf-8"},
	{"release-data.js", "js/release-data.js", "text/javascript; charset=utf-8"},
	{"chart.js", NULL, "text/javascript; charset=utf-8"},
	{NULL, NULL, NULL},
};

static void get_public(struct http_req *r, void *arg)
{
	(void)arg;
	const char *rest = r->path + strlen("/releases/");
	if (strncmp(rest, "assets/", 7) == 0) {
		for (int i = 0; assets[i].name; i++)
			if (strcmp(rest + 7, assets[i].name) == 0) {
				if (!assets[i].file)
					serve(r, ra.chart_dir, "chart.min.js", assets[i].type,
					      "X-Content-Type-Options: nosniff\n");
				else
					send_web(r, assets[i].file, assets[i].type,
					         "X-Content-Type-Options: nosniff\n");
				return;
			}
		http_reply_error(r, 404, "no such file");
		return;
	}
	if (!ra.public_) {
		http_reply_error(
			r, 404,
			"releases are not public on this server; read them with credentials at /api/v1/releases");
		return;
	}
	size_t n = strlen(rest);
	if (n == 0) {
		send_web(r, "releases.html", "text/html; charset=utf-8", page_headers);
	} else if (strcmp(rest, "index.json") == 0) {
		struct rjob *j = job_new(r, R_LIST);
		if (j) {
			j->anonymous = true;
			start(j);
		}
	} else if (n > 5 && strcmp(rest + n - 5, ".json") == 0) {
		one(r, rest, n - 5, true);
	} else if (valid_period(rest, n)) {
		send_web(r, "release.html", "text/html; charset=utf-8", page_headers);
	} else {
		http_reply_error(r, 404, "a release is named by its quarter, e.g. /releases/2018Q3");
	}
}

/* The same pages in the console: the page is static, its data comes from
 * /api/v1/releases with the console's session. */
static void get_console_page(struct http_req *r, void *arg)
{
	(void)arg;
	const char *rest = r->path + strlen("/console/releases/");
	if (!*rest)
		send_web(r, "releases.html", "text/html; charset=utf-8", console_security_headers());
	else if (valid_period(rest, strlen(rest)))
		send_web(r, "release.html", "text/html; charset=utf-8", console_security_headers());
	else
		http_reply_error(r, 404, "a release is named by its quarter, e.g. /console/releases/2018Q3");
}

static void get_public_root(struct http_req *r, void *arg)
{
	(void)arg;
	http_reply(r, 301, "text/plain", "", 0, "Location: /releases/\n");
}

void release_api_register(struct http *h, struct db *db, const struct config *cf)
{
	ra.db = db;
	release_api_reconfigure(cf);
	http_route(h, false, "GET", "/api/v1/releases", get_list, NULL);
	http_route(h, false, "GET", "/api/v1/releases/", get_one, NULL);
	http_route(h, false, "GET", "/releases", get_public_root, NULL);
	http_route(h, false, "GET", "/releases/", get_public, NULL);
	http_route(h, false, "GET", "/console/releases/", get_console_page, NULL);
}

void release_api_reconfigure(const struct config *cf)
{
	ra.public_ = cf->publish_public;
	free(ra.web_root);
	ra.web_root = strdup(cf->web_root);
	free(ra.chart_dir);
	ra.chart_dir = strdup(cf->chart_js_dir);
}

void release_api_free(void)
{
	free(ra.web_root);
	free(ra.chart_dir);
	ra.web_root = ra.chart_dir = NULL;
}
