/* api.c - the HTTPS endpoints provinces use. Each request: authenticate,
 * pick the decoder from the path and Content-Type, hand the body to ingest,
 * and turn the outcome into a native receipt or a DHIS2 import summary. */
#include "api.h"

#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth.h"
#include "completion.h"
#include "config.h"
#include "db.h"
#include "formats/media.h"
#include "http.h"
#include "ingest.h"
#include "log.h"
#include "metrics.h"
#include "receipt.h"
#include "report_api.h"

/* The API's state: set at start and on reload, used only on the loop. */
static struct {
	struct db *db;
	bool subject_cn;
} api;

enum kind { K_NATIVE, K_DHIS2, K_GET_SUBMISSION };

struct api_job {
	struct http_req *r;
	enum kind kind;
	enum fmt format;
	bool dry_run;
	char content_type[128];
	struct auth_identity id;
	char target[32]; /* submission id for GET */
};

static const char *retry_after = "Retry-After: 10\n";

static bool query_flag(const struct http_req *r, const char *name)
{
	if (!r->query)
		return false;
	struct evkeyvalq q;
	bool on = false;
	if (evhttp_parse_query_str(r->query, &q) == 0) {
		const char *v = evhttp_find_header(&q, name);
		on = v && (strcasecmp(v, "true") == 0 || strcmp(v, "1") == 0);
		evhttp_clear_headers(&q);
	}
	return on;
}

/* reply_unavailable: 503 with Retry-After: the database cannot be used now. */
static void reply_unavailable(struct http_req *r, const char *why)
{
	http_reply_json(r, 503, json_pack("{s:i, s:s}", "status", 503, "error", why), retry_after);
}

static void reply_auth_failure(struct http_req *r, int status, const char *why)
{
	if (status == 401)
		http_reply_json(r, 401, json_pack("{s:i, s:s}", "status", 401, "error", why),
		                "WWW-Authenticate: Bearer realm=\"mestat\"\n");
	else
		reply_unavailable(r, why);
}

/* ---- native answers ---- */

static void reply_native(struct http_req *r, const struct ingest_result *res)
{
	if (res->status == 201 || (res->status == 200 && res->receipt)) {
		json_t *body = json_deep_copy(res->receipt);
		if (res->replay)
			json_object_set_new(body, "replay", json_true());
		http_reply_json(r, res->status, body, NULL);
		return;
	}
	json_t *body = json_pack("{s:i, s:s}", "status", res->status, "error", res->message);
	if (res->status == 200) { /* dry run */
		json_object_set_new(body, "dry_run", json_true());
		json_object_set_new(body, "counts",
		                    json_pack("{s:i, s:i, s:i, s:i}", "new", (int)res->counts[0], "revised",
		                              (int)res->counts[1], "unchanged", (int)res->counts[2], "deleted",
		                              (int)res->counts[3]));
		json_object_del(body, "error");
		json_object_set_new(body, "message", json_string(res->message));
		if (res->warnings)
			json_object_set(body, "warnings", res->warnings);
	}
	if (res->submission_id)
		json_object_set_new(body, "submission_id", json_integer(res->submission_id));
	if (res->errors)
		json_object_set(body, "errors", res->errors);
	http_reply_json(r, res->status, body, res->status == 503 ? retry_after : NULL);
}

/* ---- DHIS2 import summary ---- */

static void reply_dhis2(struct http_req *r, const struct ingest_result *res)
{
	if (res->status == 503) {
		http_reply_json(r, 503,
		                json_pack("{s:s, s:i, s:s, s:s}", "httpStatus", "Service Unavailable", "httpStatusCode",
		                          503, "status", "ERROR", "message", res->message),
		                retry_after);
		return;
	}
	bool ok = res->status == 200 || res->status == 201;
	long ignored = ok ? res->counts[INGEST_UNCHANGED] : (long)res->rows;
	json_t *conflicts = json_array();
	size_t i;
	json_t *e;
	if (res->errors)
		json_array_foreach(res->errors, i, e)
		{
			char object[160];
			snprintf(object, sizeof(object), "%s %s", json_string_value(json_object_get(e, "loc")),
			         json_string_value(json_object_get(e, "field")));
			json_array_append_new(conflicts, json_pack("{s:s, s:O}", "object", object, "value",
			                                           json_object_get(e, "reason")));
		}
	else if (!ok)
		json_array_append_new(conflicts, json_pack("{s:s, s:s}", "object", "payload", "value", res->message));
	/* Warnings (outliers held for follow-up, warn rules) ignore no value,
	 * and DHIS2's WARNING says some were ignored: the status stays
	 * SUCCESS and the warnings come in a list of their own. */
	json_t *summary = json_pack(
		"{s:s, s:s, s:s, s:{s:i, s:i, s:i, s:i}, s:o}", "responseType", "ImportSummary", "status",
		ok ? "SUCCESS" : "ERROR", "description", res->message, "importCount", "imported",
		(int)(ok ? res->counts[INGEST_NEW] : 0), "updated", (int)(ok ? res->counts[INGEST_REVISED] : 0),
		"ignored", (int)ignored, "deleted", (int)(ok ? res->counts[INGEST_DELETED] : 0), "conflicts", conflicts);
	if (res->receipt)
		json_object_set(summary, "receipt", res->receipt);
	if (ok && res->warnings)
		json_object_set(summary, "warnings", res->warnings);
	json_t *body = json_pack("{s:s, s:i, s:s, s:s, s:o}", "httpStatus", ok ? "OK" : "Conflict",
	                         "httpStatusCode", res->status, "status", ok ? "OK" : "ERROR", "message",
	                         ok ? "Import was successful." : res->message, "response", summary);
	http_reply_json(r, res->status, body, NULL);
}

static void on_ingested(const struct ingest_result *res, void *arg)
{
	struct api_job *j = arg;
	metrics_submission(j->kind == K_DHIS2 ? "dhis2" : "native", fmt_name(j->format), res->status, res->counts);
	if (j->kind == K_DHIS2)
		reply_dhis2(j->r, res);
	else
		reply_native(j->r, res);
	free(j);
}

/* ---- GET /api/v1/submissions/{id} ---- */

static void on_submission_row(struct db_conn *c, PGresult *res, const char *err, void *arg)
{
	struct api_job *j = arg;
	if (err || !res) {
		db_release(c);
		reply_unavailable(j->r, "the database is unavailable");
		free(j);
		return;
	}
	if (PQntuples(res) != 1) {
		db_release(c);
		http_reply_error(j->r, 404, "no submission with this id was sent by this reporter");
		free(j);
		return;
	}
	json_error_t jerr;
	json_t *body = json_loads(PQgetvalue(res, 0, 0), 0, &jerr);
	db_release(c);
	if (!body)
		body = json_pack("{s:s}", "error", "the stored record cannot be read");
	http_reply_json(j->r, 200, body, NULL);
	free(j);
}

static void on_get_conn(struct db_conn *c, void *arg)
{
	struct api_job *j = arg;
	const char *p[2] = {j->target, j->id.reporter};
	db_query(c,
	         "SELECT json_build_object('submission_id', id, 'reporter', reporter, 'via', via,"
	         " 'source', source, 'format', format, 'received_at', received_at, 'sha256', sha256,"
	         " 'outcome', outcome, 'status', http_status, 'counts', counts, 'error', error_detail,"
	         " 'receipt', receipt::json)::text"
	         " FROM mestat.submission WHERE id = $1::bigint AND reporter = $2",
	         2, p, on_submission_row, j);
}

/* ---- authenticated entry ---- */

static void on_auth(int status, const struct auth_identity *id, const char *why, void *arg)
{
	struct api_job *j = arg;
	if (status != 0) {
		metrics_auth_failure(status);
		reply_auth_failure(j->r, status, why);
		free(j);
		return;
	}
	j->id = *id;
	if (id->evaluator[0]) { /* evaluators read the report views; they never submit */
		http_reply_error(j->r, 403,
		                 "this credential belongs to an evaluator; submissions and their receipts "
		                 "are for reporters (evaluators read /api/v1/report)");
		free(j);
		return;
	}
	if (!j->r->req) { /* the client left while we looked it up: store nothing */
		http_reply(j->r, 499, "text/plain", "", 0, NULL);
		free(j);
		return;
	}
	if (j->kind == K_GET_SUBMISSION) {
		if (db_acquire(api.db, on_get_conn, j) != 0) {
			reply_unavailable(j->r, "the database is unavailable");
			free(j);
		}
		return;
	}
	size_t len;
	const char *body = http_body(j->r, &len);
	struct ingest_request rq = {
		.reporter = j->id.reporter,
		.client_identity = j->id.client,
		.via = "push",
		.format = j->format,
		.content_type = j->content_type,
		.body = body,
		.len = len,
		.idempotency_key = http_header(j->r, "Idempotency-Key"),
		.dry_run = j->dry_run,
	};
	ingest_submit(api.db, receipt_key_current(), &rq, on_ingested, j);
}

static void start(struct http_req *r, enum kind kind, enum fmt format)
{
	struct api_job *j = calloc(1, sizeof(*j));
	if (!j) {
		http_reply_error(r, 503, "out of memory");
		return;
	}
	j->r = r;
	j->kind = kind;
	j->format = format;
	j->dry_run = query_flag(r, "dryRun") || query_flag(r, "dry_run");
	fmt_media_type(http_header(r, "Content-Type"), j->content_type, sizeof(j->content_type));
	auth_resolve(api.db, api.subject_cn, &r->peer, http_header(r, "Authorization"), on_auth, j);
}

static void post_submission(struct http_req *r, void *arg)
{
	(void)arg;
	char ct[128];
	fmt_media_type(http_header(r, "Content-Type"), ct, sizeof(ct));
	enum fmt f;
	if (fmt_from_media(ct, false, &f) != 0) {
		http_reply_error(r, 415,
		                 "unsupported Content-Type; send application/json, text/csv or "
		                 "application/vnd.sdmx.data+csv (DHIS2 formats go to /api/dataValueSets)");
		return;
	}
	start(r, K_NATIVE, f);
}

static void post_data_value_sets(struct http_req *r, void *arg)
{
	(void)arg;
	char ct[128];
	fmt_media_type(http_header(r, "Content-Type"), ct, sizeof(ct));
	enum fmt f;
	if (fmt_from_media(ct, true, &f) != 0) {
		http_reply_error(r, 415, "unsupported Content-Type; send application/json or application/csv");
		return;
	}
	start(r, K_DHIS2, f);
}

static void get_submission(struct http_req *r, void *arg)
{
	(void)arg;
	const char *id = r->path + strlen("/api/v1/submissions/");
	size_t n = strspn(id, "0123456789");
	if (n == 0 || n > 18 || id[n] != '\0') {
		http_reply_error(r, 404, "a submission id is a number, e.g. /api/v1/submissions/42");
		return;
	}
	struct api_job *j = calloc(1, sizeof(*j));
	if (!j) {
		http_reply_error(r, 503, "out of memory");
		return;
	}
	j->r = r;
	j->kind = K_GET_SUBMISSION;
	snprintf(j->target, sizeof(j->target), "%s", id);
	auth_resolve(api.db, api.subject_cn, &r->peer, http_header(r, "Authorization"), on_auth, j);
}

/* ---- catalog ---- */

static const char catalog_sql[] =
	"SELECT json_build_object("
	" 'reporters', (SELECT coalesce(json_agg(json_build_object('code', code, 'name_zh', name_zh,"
	"   'name_en', name_en, 'kind', kind) ORDER BY code), '[]') FROM mestat.reporter WHERE active),"
	" 'indicators', (SELECT coalesce(json_agg(json_build_object('code', code, 'name_zh', name_zh,"
	"   'name_en', name_en, 'unit', unit, 'value_type', value_type, 'measure', measure,"
	"   'periodicity', periodicity, 'scope', scope, 'min_value', min_value, 'max_value', max_value,"
	"   'clause', clause) ORDER BY code), '[]') FROM mestat.indicator WHERE active),"
	" 'periods', (SELECT coalesce(json_agg(json_build_object('code', code, 'kind', kind,"
	"   'start_date', start_date, 'end_date', end_date, 'due_date', due_date) ORDER BY start_date, kind),"
	"   '[]') FROM mestat.period WHERE NOT closed AND start_date <= current_date))::text";

static void on_catalog(struct db_conn *c, PGresult *res, const char *err, void *arg)
{
	struct http_req *r = arg;
	if (err || !res || PQntuples(res) != 1) {
		db_release(c);
		reply_unavailable(r, "the catalog cannot be read now");
		return;
	}
	const char *text = PQgetvalue(res, 0, 0);
	http_reply(r, 200, "application/json", text, strlen(text), NULL);
	db_release(c);
}

static void on_catalog_conn(struct db_conn *c, void *arg) { db_query(c, catalog_sql, 0, NULL, on_catalog, arg); }

static void get_catalog(struct http_req *r, void *arg)
{
	(void)arg;
	if (db_acquire(api.db, on_catalog_conn, r) != 0)
		reply_unavailable(r, "the database is unavailable");
}

static void get_receipt_key(struct http_req *r, void *arg)
{
	(void)arg;
	const char *pem = receipt_key_public_pem(receipt_key_current());
	http_reply(r, 200, "application/x-pem-file", pem, strlen(pem), NULL);
}

void api_register(struct http *h, struct db *db, const struct config *cf)
{
	api.db = db;
	api_reconfigure(cf);
	http_route(h, false, "POST", "/api/v1/submissions", post_submission, NULL);
	http_route(h, false, "GET", "/api/v1/submissions/", get_submission, NULL);
	http_route(h, false, "POST", "/api/dataValueSets", post_data_value_sets, NULL);
	http_route(h, false, "POST", "/api/dataValueSets.json", post_data_value_sets, NULL);
	http_route(h, false, "GET", "/api/v1/catalog", get_catalog, NULL);
	http_route(h, false, "GET", "/api/v1/receipt-key", get_receipt_key, NULL);
	http_route(h, false, "GET", "/api/v1/report", report_api_list, NULL);
	http_route(h, false, "GET", "/api/v1/report/", report_api_view, NULL);
	http_route(h, false, "GET", "/api/v1/data", report_api_data, NULL);
	http_route(h, false, "POST", "/api/v1/completions", completion_post, NULL);
	http_route(h, false, "DELETE", "/api/v1/completions", completion_delete, NULL);
	http_route(h, false, "POST", "/api/completeDataSetRegistrations", completion_post_dhis2, NULL);
	http_route(h, false, "POST", "/api/completeDataSetRegistrations.json", completion_post_dhis2, NULL);
	http_route(h, false, "DELETE", "/api/completeDataSetRegistrations", completion_delete_dhis2, NULL);
}

void api_reconfigure(const struct config *cf)
{
	api.subject_cn = strcmp(cf->client_identity, "subject") == 0;
	completion_configure(api.db, cf);
}
