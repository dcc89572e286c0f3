/* report_api.c - the read API. One request:
 *
 *   authenticate (session cookie, token or certificate; console.c)
 *     → take a connection of the read pool (as mestat_evaluator, read-only,
 *       with a statement timeout: store_report_setup)
 *     → read the view's columns from the catalog (so every view added to
 *       schema report later is served without code)
 *     → read the query string (report_query.c) into filters, restricted to
 *       the caller's own reporter when the caller is a province, an order
 *       and a page, of the columns ?columns= chooses (all by default)
 *     → send it as one parameterized SELECT (store_report.c)
 *     → answer JSON, CSV (UTF-8 with BOM) or SDMX-CSV 2.0.
 *
 * The views are the single source: this file formats what they return and
 * computes nothing. Which views a province may read: those with a reporter
 * column (its own rows only) and the national views of province_public[];
 * every other view holds several reporters' rows with no way to tell them
 * apart, so it is refused to provinces. */
#include "report_api.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "console.h"
#include "db.h"
#include "http.h"
#include "log.h"
#include "report_catalog.h"
#include "report_query.h"
#include "store_report.h"
#include "util.h"

/* Views without a reporter column that a province may read, with why. */
static const struct {
	const char *view;
	const char *why;
} province_public[] = {
	{"progress", "national progress against the plan's targets: the plan's own assessment, the same for everyone"},
	{NULL, NULL},
};

#define VIEW_LIMIT_DEFAULT 1000
#define VIEW_LIMIT_MAX     10000
#define DATA_LIMIT_MAX     100000

/* SDMX-CSV 2.0: the structure every row of /api/v1/data belongs to. */
#define SDMX_STRUCTURE    "dataflow"
#define SDMX_STRUCTURE_ID "MESTAT:SERVICE_STI_PLAN(1.0)"

static struct {
	struct db *pool;
	char timeout_ms[24];
	unsigned timeout_gen; /* bumped when report_timeout changes */
} rep;

/* Which timeout each connection of the pool was last given (the catalog
 * statement sets it), so that a reload reaches every connection. */
#define MAX_CONNS 64
static struct {
	const struct db_conn *c;
	unsigned gen;
} applied[MAX_CONNS];

static bool timeout_current(const struct db_conn *c)
{
	for (int i = 0; i < MAX_CONNS; i++)
		if (applied[i].c == c)
			return applied[i].gen == rep.timeout_gen;
	return false;
}

static void timeout_applied(const struct db_conn *c)
{
	int free_slot = -1;
	for (int i = 0; i < MAX_CONNS; i++) {
		if (applied[i].c == c) {
			applied[i].gen = rep.timeout_gen;
			return;
		}
		if (!applied[i].c && free_slot < 0)
			free_slot = i;
	}
	if (free_slot >= 0) {
		applied[free_slot].c = c;
		applied[free_slot].gen = rep.timeout_gen;
	}
}

enum job_kind { J_LIST, J_VIEW, J_DATA };
enum out_format { OUT_JSON, OUT_CSV, OUT_SDMX };

struct rjob {
	struct http_req *r;
	enum job_kind kind;
	enum out_format out;
	char view[64];
	struct console_caller who;
	struct report_column *cols; /* every column of the view (filters, order, errors) */
	size_t ncols;
	size_t *pick; /* the columns sent, in order: indexes into cols */
	size_t npick;
	enum report_json_kind *kinds; /* per column sent, for the JSON answer */
	char *colnames;               /* storage of the names and types in cols */
	json_t *columns;              /* [{name, type, comment}] for the JSON answer */
	json_t *comment;              /* the view's comment */
	struct report_query q;
	struct store_report_page page; /* the view, its columns, what each row sends */
};

static void job_free(struct rjob *j)
{
	if (!j)
		return;
	free(j->cols);
	free(j->pick);
	free(j->kinds);
	free(j->colnames);
	json_decref(j->columns);
	json_decref(j->comment);
	report_query_clear(&j->q);
	free(j);
}

/* reply_buf: answer 200 with the text built in B (503 when building it ran
 * out of memory), and free it. */
static void reply_buf(struct rjob *j, const char *type, struct ubuf *b, const char *headers)
{
	if (b->oom)
		http_reply_error(j->r, 503, "out of memory");
	else
		http_reply(j->r, 200, type, b->p, b->len, headers);
	free(b->p);
}

static void buf_json(struct ubuf *b, json_t *v)
{
	char *t = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_PRESERVE_ORDER);
	if (!t) {
		b->oom = true;
		return;
	}
	ubuf_puts(b, t);
	free(t);
}

/* ---- answers ---- */

static void reply_error(struct rjob *j, int status, const char *msg, const char *key, json_t *list)
{
	json_t *body = json_pack("{s:i, s:s}", "status", status, "error", msg);
	if (key && list)
		json_object_set_new(body, key, list);
	else
		json_decref(list);
	http_reply_json(j->r, status, body,
	                status == 503   ? "Retry-After: 10\n"
	                : status == 401 ? "WWW-Authenticate: Bearer realm=\"mestat\"\n"
	                                : NULL);
	job_free(j);
}

static json_t *column_names(const struct rjob *j)
{
	json_t *a = json_array();
	for (size_t i = 0; i < j->ncols; i++)
		json_array_append_new(a, json_string(j->cols[i].name));
	return a;
}

/* reply_db_error: a failed read, in words the caller can act on. */
static void reply_db_error(struct rjob *j, PGresult *res, const char *err)
{
	const char *st = db_sqlstate(res);
	char msg[700];
	if (!res || !*st) {
		reply_error(j, 503, "the database is unavailable; try again later", NULL, NULL);
	} else if (strcmp(st, "57014") == 0) {
		reply_error(j, 503,
		            "the query ran longer than the read API allows (report_timeout); narrow it with filters "
		            "or a smaller limit",
		            NULL, NULL);
	} else if (strncmp(st, "22", 2) == 0 || strcmp(st, "42883") == 0 || strcmp(st, "42804") == 0) {
		snprintf(msg, sizeof(msg), "a filter or order does not fit its column: %s", err ? err : st);
		reply_error(j, 400, msg, "columns", column_names(j));
	} else {
		log_warn("read API query failed", "view=%s sqlstate=%s error=\"%s\"", j->view, st, err ? err : "");
		snprintf(msg, sizeof(msg), "report.%s cannot be read: %s", j->view, err ? err : st);
		reply_error(j, 500, msg, NULL, NULL);
	}
}

/* page_rows: the rows of RES that belong to the page (without count=exact
 * the query reads one more, which only tells that more rows follow). */
static int page_rows(const struct rjob *j, PGresult *res)
{
	int n = res ? PQntuples(res) : 0;
	return n > j->q.limit ? (int)j->q.limit : n;
}

/* has_more: rows follow this page. TOTAL is known only with count=exact. */
static bool has_more(const struct rjob *j, PGresult *res, long total)
{
	if (j->q.exact_count)
		return j->q.offset + page_rows(j, res) < total;
	return res && PQntuples(res) > j->q.limit;
}

/* paging_headers: X-Has-More, and X-Total-Count with count=exact, into OUT. */
static void paging_headers(const struct rjob *j, PGresult *res, long total, char *out, size_t len)
{
	if (j->q.exact_count)
		snprintf(out, len, "X-Has-More: %s\nX-Total-Count: %ld\n", has_more(j, res, total) ? "true" : "false",
		         total);
	else
		snprintf(out, len, "X-Has-More: %s\n", has_more(j, res, total) ? "true" : "false");
}

static void send_json(struct rjob *j, PGresult *res, long total)
{
	struct ubuf b = {0};
	ubuf_puts(&b, "{\"view\":");
	json_t *name = json_string(j->view);
	buf_json(&b, name);
	json_decref(name);
	ubuf_puts(&b, ",\"comment\":");
	buf_json(&b, j->comment);
	ubuf_puts(&b, ",\"columns\":");
	buf_json(&b, j->columns);
	ubuf_puts(&b, ",\"rows\":[");
	int n = page_rows(j, res);
	for (int i = 0; i < n; i++) {
		ubuf_puts(&b, i ? ",{" : "{");
		for (size_t c = 0; c < j->npick; c++) {
			const char *key = j->cols[j->pick[c]].name;
			if (c)
				ubuf_puts(&b, ",");
			report_json_value(&b, REPORT_JSON_STRING, key, strlen(key));
			ubuf_puts(&b, ":");
			int f = (int)c + 1;
			report_json_value(&b, j->kinds[c], PQgetisnull(res, i, f) ? NULL : PQgetvalue(res, i, f),
			                  (size_t)PQgetlength(res, i, f));
		}
		ubuf_puts(&b, "}");
	}
	char tail[160], count[48] = "";
	if (j->q.exact_count)
		snprintf(count, sizeof(count), ",\"total\":%ld", total);
	snprintf(tail, sizeof(tail), "],\"has_more\":%s%s,\"limit\":%ld,\"offset\":%ld}",
	         has_more(j, res, total) ? "true" : "false", count, j->q.limit, j->q.offset);
	ubuf_puts(&b, tail);
	reply_buf(j, "application/json", &b, NULL);
}

static void send_csv(struct rjob *j, PGresult *res, long total)
{
	struct ubuf b = {0};
	ubuf_puts(&b, "\xEF\xBB\xBF"); /* BOM: Excel and WPS then read UTF-8, Chinese labels intact */
	for (size_t c = 0; c < j->npick; c++) {
		const char *name = j->cols[j->pick[c]].name;
		if (c)
			ubuf_puts(&b, ",");
		report_csv_field(&b, name, strlen(name), false);
	}
	ubuf_puts(&b, "\r\n");
	int n = page_rows(j, res);
	for (int i = 0; i < n; i++) {
		for (size_t c = 0; c < j->npick; c++) {
			if (c)
				ubuf_puts(&b, ",");
			if (!PQgetisnull(res, i, (int)c + 1))
				report_csv_field(&b, PQgetvalue(res, i, (int)c + 1),
				                 (size_t)PQgetlength(res, i, (int)c + 1),
				                 report_json_kind(j->cols[j->pick[c]].type) != REPORT_JSON_NUMBER);
		}
		ubuf_puts(&b, "\r\n");
	}
	char headers[320], paging[96];
	paging_headers(j, res, total, paging, sizeof(paging));
	snprintf(headers, sizeof(headers), "Content-Disposition: attachment; filename=\"%s.csv\"\n%s", j->view, paging);
	reply_buf(j, "text/csv; charset=utf-8", &b, headers);
}

/* SDMX-CSV 2.0 (sdmx-twg/sdmx-csv, data message field guide): STRUCTURE,
 * STRUCTURE_ID, ACTION, then the dimensions, the measure and attributes.
 * Quarters are written the SDMX way (2018-Q3). */
static void send_sdmx(struct rjob *j, PGresult *res, long total)
{
	struct ubuf b = {0};
	ubuf_puts(&b,
	          "STRUCTURE,STRUCTURE_ID,ACTION,REPORTER,INDICATOR,TIME_PERIOD,OBS_VALUE,UNIT_MEASURE,COMMENT\r\n");
	int n = page_rows(j, res);
	for (int i = 0; i < n; i++) {
		ubuf_puts(&b, SDMX_STRUCTURE "," SDMX_STRUCTURE_ID ",I");
		for (int c = 1; c <= 6; c++) {
			ubuf_puts(&b, ",");
			const char *v = PQgetvalue(res, i, c);
			size_t len = (size_t)PQgetlength(res, i, c);
			char period[16];
			if (c == 3 && len == 6 && v[4] == 'Q') {
				snprintf(period, sizeof(period), "%.4s-%.2s", v, v + 4);
				v = period;
				len = 7;
			}
			if (!PQgetisnull(res, i, c))
				report_csv_field(&b, v, len, c == 6);
		}
		ubuf_puts(&b, "\r\n");
	}
	char headers[224], paging[96];
	paging_headers(j, res, total, paging, sizeof(paging));
	snprintf(headers, sizeof(headers), "Content-Disposition: attachment; filename=\"mestat-data.csv\"\n%s", paging);
	reply_buf(j, "application/vnd.sdmx.data+csv; version=2.0.0; charset=utf-8", &b, headers);
}

static void send_rows(struct rjob *j, PGresult *res, long total)
{
	if (j->out == OUT_CSV)
		send_csv(j, res, total);
	else if (j->out == OUT_SDMX)
		send_sdmx(j, res, total);
	else
		send_json(j, res, total);
	job_free(j);
}

/* ---- the statements ---- */

static void on_count(struct db_conn *c, PGresult *res, const char *err, void *arg)
{
	struct rjob *j = arg;
	if (err || !res || PQntuples(res) != 1) {
		reply_db_error(j, res, err);
		db_release(c);
		return;
	}
	long total = strtol(PQgetvalue(res, 0, 0), NULL, 10);
	send_rows(j, NULL, total);
	db_release(c);
}

static void on_rows(struct db_conn *c, PGresult *res, const char *err, void *arg)
{
	struct rjob *j = arg;
	if (err || !res) {
		reply_db_error(j, res, err);
		db_release(c);
		return;
	}
	if (PQntuples(res) == 0 && j->q.exact_count && (j->q.offset > 0 || j->q.limit == 0)) {
		/* past the last row: the count has no row to ride on */
		if (store_report_count(c, &j->page, &j->q, on_count, j) != 0) {
			db_release(c);
			reply_error(j, 503, "out of memory", NULL, NULL);
		}
		return;
	}
	long total = PQntuples(res) ? strtol(PQgetvalue(res, 0, 0), NULL, 10) : 0;
	send_rows(j, res, total);
	db_release(c);
}

static const char *province_reason(const char *view)
{
	for (int i = 0; province_public[i].view; i++)
		if (strcmp(province_public[i].view, view) == 0)
			return province_public[i].why;
	return NULL;
}

/* GET /api/v1/report: the views this caller may read; also the 404 answer. */
static void on_list(struct db_conn *c, PGresult *res, const char *err, void *arg)
{
	struct rjob *j = arg;
	if (err || !res) {
		reply_db_error(j, res, err);
		db_release(c);
		return;
	}
	bool province = j->who.id.reporter[0] != '\0';
	json_t *views = json_array(), *names = json_array();
	for (int i = 0; i < PQntuples(res); i++) {
		const char *name = PQgetvalue(res, i, 0);
		bool has_reporter = PQgetvalue(res, i, 3)[0] == 't';
		const char *access = "all";
		if (province) {
			if (has_reporter)
				access = "own_reporter";
			else if (province_reason(name))
				access = "national";
			else
				continue;
		}
		json_error_t jerr;
		json_t *cols = json_loads(PQgetvalue(res, i, 2), 0, &jerr);
		json_array_append_new(views,
		                      json_pack("{s:s, s:s, s:s, s:o}", "name", name, "comment", PQgetvalue(res, i, 1),
		                                "access", access, "columns", cols ? cols : json_array()));
		json_array_append_new(names, json_string(name));
	}
	db_release(c);
	if (j->kind == J_LIST) {
		json_decref(names);
		http_reply_json(j->r, 200, json_pack("{s:o}", "views", views), NULL);
		job_free(j);
		return;
	}
	json_decref(views);
	char msg[200];
	snprintf(msg, sizeof(msg), "there is no view report.%s%s; the views are listed in \"views\"", j->view,
	         province ? " that this reporter may read" : "");
	reply_error(j, 404, msg, "views", names);
}

/* use_catalog: the view's columns are known (RES): check the caller's
 * rights and query string, then send the one statement. */
static void use_catalog(struct db_conn *c, struct rjob *j, const PGresult *res)
{
	int n = PQntuples(res);
	size_t nc = n > 0 ? (size_t)n : 1, need = 0;
	for (int i = 0; i < n; i++)
		need += (size_t)PQgetlength(res, i, 0) + (size_t)PQgetlength(res, i, 1) + 2;
	j->cols = calloc(nc, sizeof(*j->cols));
	j->pick = calloc(nc, sizeof(*j->pick));
	j->colnames = malloc(need);
	j->columns = json_array();
	if (!j->cols || !j->pick || !j->colnames) {
		db_release(c);
		reply_error(j, 503, "out of memory", NULL, NULL);
		return;
	}
	char *p = j->colnames;
	bool has_reporter = false;
	for (int i = 0; i < n; i++) {
		const char *name = PQgetvalue(res, i, 0), *type = PQgetvalue(res, i, 1);
		j->cols[i].name = strcpy(p, name);
		p += strlen(name) + 1;
		j->cols[i].type = strcpy(p, type);
		p += strlen(type) + 1;
		has_reporter |= strcmp(name, "reporter") == 0;
	}
	j->ncols = (size_t)n;
	j->comment = PQgetisnull(res, 0, 3) ? json_null() : json_string(PQgetvalue(res, 0, 3));

	const char *restrict_to = NULL;
	if (j->who.id.reporter[0]) {
		if (has_reporter) {
			restrict_to = j->who.id.reporter;
		} else if (!province_reason(j->view)) {
			db_release(c);
			char msg[300];
			snprintf(msg, sizeof(msg),
			         "report.%s holds rows of several reporters and has no reporter column; "
			         "only evaluators may read it",
			         j->view);
			reply_error(j, 403, msg, NULL, NULL);
			return;
		}
	}
	/* ?columns=: only the columns asked for, in that order (a page of a
	 * wide view the console shows a few columns of is then that much
	 * smaller to build and to send); names are checked against the view's
	 * own, so only the catalog's names reach the SQL. */
	char why[1024];
	int st = report_columns_pick(j->view, j->cols, j->ncols, j->r->query, j->pick, &j->npick, why, sizeof(why));
	if (st == 0 && j->npick && j->kind == J_DATA) {
		st = 400;
		snprintf(why, sizeof(why),
		         "columns chooses the columns of /api/v1/report/{view}; SDMX-CSV has its own");
	}
	if (st != 0) {
		db_release(c);
		reply_error(j, st, why, "columns", column_names(j));
		return;
	}
	bool picked = j->npick > 0;
	if (!picked)
		for (size_t i = 0; i < j->ncols; i++)
			j->pick[j->npick++] = i;
	for (size_t k = 0; k < j->npick; k++) {
		int i = (int)j->pick[k];
		json_array_append_new(j->columns,
		                      json_pack("{s:s, s:s, s:s?}", "name", j->cols[i].name, "type", j->cols[i].type,
		                                "comment", PQgetisnull(res, i, 2) ? NULL : PQgetvalue(res, i, 2)));
	}

	/* What each row sends: SDMX-CSV's columns; a whole view as CSV; else
	 * the chosen columns, each made JSON here from its text (JSON). */
	j->page = (struct store_report_page){
		.view = j->view, .cols = j->cols, .ncols = j->ncols, .pick = j->pick, .npick = j->npick};
	if (j->kind == J_DATA)
		j->page.rows = STORE_ROWS_SDMX;
	else if (j->out == OUT_CSV && !picked)
		j->page.rows = STORE_ROWS_ALL;
	else
		j->page.rows = STORE_ROWS_PICK;
	if (j->page.rows == STORE_ROWS_PICK) {
		j->kinds = calloc(j->npick ? j->npick : 1, sizeof(*j->kinds));
		if (!j->kinds) {
			db_release(c);
			reply_error(j, 503, "out of memory", NULL, NULL);
			return;
		}
		for (size_t k = 0; k < j->npick; k++)
			j->kinds[k] = report_json_kind(j->cols[j->pick[k]].type);
		j->page.kinds = j->out != OUT_CSV ? j->kinds : NULL;
	}
	long def = j->kind == J_DATA ? DATA_LIMIT_MAX : VIEW_LIMIT_DEFAULT;
	long max = j->kind == J_DATA ? DATA_LIMIT_MAX : VIEW_LIMIT_MAX;
	st = report_query_build(j->view, j->cols, j->ncols, j->r->query, restrict_to, def, max, &j->q, why,
	                        sizeof(why));
	if (st != 0) {
		db_release(c);
		reply_error(j, st, why, "columns", column_names(j));
		return;
	}
	if (store_report_page(c, &j->page, &j->q, on_rows, j) != 0) {
		db_release(c);
		reply_error(j, 503, "out of memory", NULL, NULL);
	}
}

static void on_catalog(struct db_conn *c, PGresult *res, const char *err, void *arg)
{
	struct rjob *j = arg;
	if (err || !res) {
		reply_db_error(j, res, err);
		db_release(c);
		return;
	}
	timeout_applied(c);
	if (PQntuples(res) == 0) {
		store_report_list(c, on_list, j);
		return;
	}
	report_catalog_store(j->view, res);
	use_catalog(c, j, res);
}

static void on_conn(struct db_conn *c, void *arg)
{
	struct rjob *j = arg;
	if (!j->r->req) { /* the client left while we waited */
		db_release(c);
		http_reply(j->r, 499, "text/plain", "", 0, NULL);
		job_free(j);
		return;
	}
	if (j->kind == J_LIST) {
		store_report_list(c, on_list, j);
		return;
	}
	const PGresult *cached = report_catalog_lookup(j->view);
	if (cached && timeout_current(c)) {
		use_catalog(c, j, cached);
		return;
	}
	store_report_catalog(c, j->view, rep.timeout_ms, on_catalog, j);
}

static void on_auth(int status, const struct console_caller *who, const char *why, void *arg)
{
	struct rjob *j = arg;
	if (status != 0) {
		reply_error(j, status, why, NULL, NULL);
		return;
	}
	j->who = *who;
	if (!rep.pool || db_acquire(rep.pool, on_conn, j) != 0)
		reply_error(j, 503, "the database is unavailable; try again later", NULL, NULL);
}

/* pick_format: ?format=csv, or no format and an Accept header naming text/csv. */
static int pick_format(struct http_req *r, enum job_kind kind, enum out_format *out, char *err, size_t errlen)
{
	char fmt[24] = "";
	if (r->query) {
		const char *p = r->query;
		while (p && *p) {
			if (strncmp(p, "format=", 7) == 0) {
				size_t n = strcspn(p + 7, "&");
				snprintf(fmt, sizeof(fmt), "%.*s", (int)(n < sizeof(fmt) ? n : sizeof(fmt) - 1), p + 7);
			}
			p = strchr(p, '&');
			if (p)
				p++;
		}
	}
	const char *accept = http_header(r, "Accept");
	if (kind == J_DATA) {
		if (!*fmt || strcasecmp(fmt, "sdmx-csv") == 0) {
			*out = OUT_SDMX;
			return 0;
		}
		snprintf(err, errlen,
		         "format must be sdmx-csv (SDMX-CSV 2.0); report views are at /api/v1/report/{view}");
		return 400;
	}
	if (strcasecmp(fmt, "csv") == 0 || (!*fmt && accept && strcasestr(accept, "text/csv")))
		*out = OUT_CSV;
	else if (!*fmt || strcasecmp(fmt, "json") == 0)
		*out = OUT_JSON;
	else {
		snprintf(err, errlen, "format must be json (the default) or csv");
		return 400;
	}
	return 0;
}

static void start(struct http_req *r, enum job_kind kind, const char *view)
{
	struct rjob *j = calloc(1, sizeof(*j));
	if (!j) {
		http_reply_error(r, 503, "out of memory");
		return;
	}
	j->r = r;
	j->kind = kind;
	snprintf(j->view, sizeof(j->view), "%s", view);
	char err[160];
	int st = pick_format(r, kind, &j->out, err, sizeof(err));
	if (st != 0) {
		reply_error(j, st, err, NULL, NULL);
		return;
	}
	console_authenticate(r, on_auth, j);
}

void report_api_list(struct http_req *r, void *arg)
{
	(void)arg;
	start(r, J_LIST, "");
}

void report_api_view(struct http_req *r, void *arg)
{
	(void)arg;
	const char *view = r->path + strlen("/api/v1/report/");
	size_t n = strspn(view, "abcdefghijklmnopqrstuvwxyz0123456789_");
	if (n == 0) {
		report_api_list(r, arg); /* "/api/v1/report/" is the list too */
		return;
	}
	if (n > 63 || view[n] != '\0') {
		http_reply_error(r, 404,
		                 "a view name is lowercase letters, digits and _; GET /api/v1/report lists them");
		return;
	}
	start(r, J_VIEW, view);
}

void report_api_data(struct http_req *r, void *arg)
{
	(void)arg;
	start(r, J_DATA, "latest_values");
}

/* ---- the pool ---- */

/* setup_sql: what each read connection runs first, with the timeout in
 * force; a changed timeout also reaches the connections already open (see
 * timeout_current). */
static const char *setup_sql(const struct config *cf)
{
	char ms[sizeof(rep.timeout_ms)];
	snprintf(ms, sizeof(ms), "%.0f", cf->report_timeout * 1000.0);
	if (strcmp(ms, rep.timeout_ms) != 0) {
		memcpy(rep.timeout_ms, ms, sizeof(ms));
		rep.timeout_gen++;
	}
	return store_report_setup(rep.timeout_ms);
}

static const char *conninfo(const struct config *cf)
{
	return cf->report_database && *cf->report_database ? cf->report_database : cf->database;
}

int report_api_start(struct event_base *base, const struct config *cf)
{
	const char *sql = setup_sql(cf);
	rep.pool = db_new(base, conninfo(cf), (int)cf->report_connections, sql);
	return rep.pool ? 0 : -1;
}

void report_api_reconfigure(const struct config *cf)
{
	const char *sql = setup_sql(cf);
	if (rep.pool)
		db_set_conninfo(rep.pool, conninfo(cf), sql);
}

struct db *report_api_pool(void)
{
	return rep.pool;
}

void report_api_stop(void)
{
	db_free(rep.pool);
	rep.pool = NULL;
	report_catalog_flush();
	memset(applied, 0, sizeof(applied));
}
