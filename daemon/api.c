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
#include "console.h"
#include "db.h"
#include "dhis2_task.h"
#include "formats/media.h"
#include "http.h"
#include "ingest.h"
#include "log.h"
#include "metrics.h"
#include "receipt.h"
#include "report_api.h"
#include "store_api.h"

/* The API's state: set at start and on reload, used only on the loop. */
static struct {
	struct db *db;
	bool subject_cn;
	bool dhis2_atomic_all; /* dhis2_atomic_mode = ALL */
} api;

enum kind { K_NATIVE, K_DHIS2, K_GET_SUBMISSION, K_TASK, K_TASK_SUMMARY };

struct api_job {
	struct http_req *r;
	enum kind kind;
	enum fmt format;
	bool dry_run;
	char content_type[128];
	struct auth_identity id;
	char target[32]; /* submission id or DHIS2 job id for GET */
	/* DHIS2 import options (query parameters) */
	bool partial;                  /* atomicMode NONE */
	bool async;                    /* async=true: answer with a job id at once */
	bool csv_no_header;            /* firstRowIsHeader=false */
	enum ingest_strategy strategy; /* importStrategy */
	char param_error[256];         /* a parameter mestatd cannot honour */
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

/* query_value: parameter NAME of R's query string into OUT ("" when absent). */
static void query_value(const struct http_req *r, const char *name, char *out, size_t outlen)
{
	out[0] = '\0';
	if (!r->query)
		return;
	struct evkeyvalq q;
	if (evhttp_parse_query_str(r->query, &q) == 0) {
		const char *v = evhttp_find_header(&q, name);
		if (v)
			snprintf(out, outlen, "%s", v);
		evhttp_clear_headers(&q);
	}
}

/* dhis2_options: DHIS2's import parameters (dhis2-docs developer/web-api
 * data.md, "Import parameters") that change what is stored. A value
 * mestatd cannot honour is said in J->param_error rather than ignored. */
static void dhis2_options(struct api_job *j)
{
	char v[64];
	query_value(j->r, "atomicMode", v, sizeof(v));
	if (!v[0])
		j->partial = !api.dhis2_atomic_all;
	else if (strcasecmp(v, "NONE") == 0)
		j->partial = true;
	else if (strcasecmp(v, "ALL") == 0)
		j->partial = false;
	else
		snprintf(j->param_error, sizeof(j->param_error), "atomicMode \"%s\" is not understood; use NONE or ALL",
		         v);

	query_value(j->r, "importStrategy", v, sizeof(v));
	/* NEW, UPDATES, NEW_AND_UPDATES, DELETES: the names of older DHIS2 versions */
	if (!v[0] || strcasecmp(v, "CREATE_AND_UPDATE") == 0 || strcasecmp(v, "NEW_AND_UPDATES") == 0)
		j->strategy = INGEST_CREATE_AND_UPDATE;
	else if (strcasecmp(v, "CREATE") == 0 || strcasecmp(v, "NEW") == 0)
		j->strategy = INGEST_CREATE;
	else if (strcasecmp(v, "UPDATE") == 0 || strcasecmp(v, "UPDATES") == 0)
		j->strategy = INGEST_UPDATE;
	else if (strcasecmp(v, "DELETE") == 0 || strcasecmp(v, "DELETES") == 0)
		j->strategy = INGEST_DELETE;
	else
		snprintf(j->param_error, sizeof(j->param_error),
		         "importStrategy \"%s\" is not understood; use CREATE, UPDATE, CREATE_AND_UPDATE or DELETE", v);

	/* Identifiers: UIDs and codes are both looked up in the reporter's
	 * code mapping, then read as mestat codes; names and attributes are
	 * not kept by mestat. */
	static const char *const schemes[] = {"idScheme", "dataElementIdScheme", "orgUnitIdScheme",
	                                      "categoryOptionComboIdScheme", "dataSetIdScheme"};
	for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
		query_value(j->r, schemes[i], v, sizeof(v));
		if (v[0] && strcasecmp(v, "UID") != 0 && strcasecmp(v, "CODE") != 0)
			snprintf(j->param_error, sizeof(j->param_error),
			         "%s \"%s\" is not supported; send UIDs or codes (idScheme UID or CODE): mestat reads "
			         "both through the code mapping the plan office keeps for your province",
			         schemes[i], v);
	}
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

/* ---- DHIS2 import summary ----
 *
 * Answered as DHIS2 2.38+ answers POST /api/dataValueSets (dhis2-core
 * WebMessageUtils.importSummary, DefaultDataValueSetService,
 * DataValueImportConflict): a WebMessage {httpStatus, httpStatusCode,
 * status, message, response} whose response is an ImportSummary
 * {responseType, status, description, importCount, conflicts}. SUCCESS is
 * HTTP 200; WARNING (some values ignored) and ERROR (nothing stored) are
 * HTTP 409, the only error status whose body DHIS2's own clients read, so
 * data problems are never 4xx of another kind. Each conflict is
 * {object, objects, value, errorCode, property, indexes} with the object as
 * the client sent it, the E76xx code of DHIS2 2.38's ErrorCode where one
 * fits, and the positions in dataValues; conflicts with the same code,
 * and object are merged into one with all their indexes (the first
 * message kept), as ImportSummary.addConflict does. */

struct dhis2_code {
	const char *code, *property, *object_field, *object_type;
};

/* dhis2_code: DHIS2's error code for a refusal of FIELD (mestat's field
 * name) with STATUS and REASON. */
static struct dhis2_code dhis2_code_of(const char *field, int status, const char *reason)
{
	struct dhis2_code c = {NULL, NULL, "indicator", "dataElement"};
	if (strcmp(field, "reporter") == 0) {
		/* E7617: not in the hierarchy of the current user (another
		 * province); E7612: no such organisation unit. */
		c.code = status == 403 ? "E7617" : "E7612";
		c.property = "orgUnit";
		c.object_field = "reporter";
		c.object_type = "organisationUnit";
	} else if (strcmp(field, "indicator") == 0) {
		c.code = "E7610";
		c.property = "dataElement";
	} else if (strcmp(field, "period") == 0) {
		/* E7643: period not open for data entry; E7632: period type
		 * not valid for the data element; E7611: period not valid. */
		c.code = status == 409 ? "E7643" : strstr(reason, "is reported ") ? "E7632" : "E7611";
		c.property = "period";
		c.object_field = "period";
		c.object_type = "period";
	} else if (strcmp(field, "value") == 0) {
		c.code = strncmp(reason, "value is missing", 16) == 0 ? "E7618" : "E7619";
		c.property = "value";
	} else if (strcmp(field, "comment") == 0) {
		c.code = "E7620";
		c.property = "comment";
	} else if (strcmp(field, "coc") == 0) {
		c.code = "E7613";
		c.property = "categoryOptionCombo";
		c.object_field = "coc";
		c.object_type = "categoryOptionCombo";
	} else if (strcmp(field, "aoc") == 0) {
		c.code = "E7615";
		c.property = "attributeOptionCombo";
		c.object_field = "aoc";
		c.object_type = "categoryOptionCombo";
	}
	return c;
}

/* dhis2_conflicts: refused rows ({row, field, status, reason, indicator,
 * sent}) as DHIS2 conflicts. */
static json_t *dhis2_conflicts(json_t *errors)
{
	json_t *conflicts = json_array();
	size_t i;
	json_t *e;
	if (!errors)
		return conflicts;
	json_array_foreach(errors, i, e)
	{
		const char *field = json_string_value(json_object_get(e, "field"));
		const char *reason = json_string_value(json_object_get(e, "reason"));
		int row = (int)json_integer_value(json_object_get(e, "row"));
		struct dhis2_code c =
			dhis2_code_of(field ? field : "", (int)json_integer_value(json_object_get(e, "status")),
		                      reason ? reason : "");
		const char *object = strcmp(c.object_field, "indicator") == 0
		                             ? json_string_value(json_object_get(e, "indicator"))
		                             : json_string_value(json_object_get(e, "sent"));
		if (!object)
			object = "";
		/* the same problem with the same object: one conflict, more indexes */
		json_t *same = NULL, *c2;
		size_t k;
		json_array_foreach(conflicts, k, c2)
		{
			const char *o2 = json_string_value(json_object_get(c2, "object"));
			const char *v2 = json_string_value(json_object_get(c2, "value"));
			const char *e2 = json_string_value(json_object_get(c2, "errorCode"));
			/* DHIS2 groups by error code and object; without a code
			 * the message must be the same too */
			if (o2 && strcmp(o2, object) == 0 &&
			    (e2 ? c.code && strcmp(e2, c.code) == 0
			        : !c.code && v2 && strcmp(v2, reason ? reason : "") == 0)) {
				same = c2;
				break;
			}
		}
		if (same) {
			json_array_append_new(json_object_get(same, "indexes"), json_integer(row - 1));
			continue;
		}
		json_t *one = json_pack("{s:s, s:{s:s}, s:s, s:[i]}", "object", object, "objects", c.object_type,
		                        object, "value", reason ? reason : "", "indexes", row - 1);
		json_object_set_new(one, "errorCode", c.code ? json_string(c.code) : json_null());
		json_object_set_new(one, "property", c.property ? json_string(c.property) : json_null());
		json_array_append_new(conflicts, one);
	}
	return conflicts;
}

/* reply_dhis2_message: a WebMessage of STATUS ("OK", "WARNING", "ERROR")
 * with HTTP CODE around SUMMARY (may be NULL). */
static void reply_dhis2_message(struct http_req *r, int code, const char *status, const char *message, json_t *summary,
                                const char *headers)
{
	const char *reason = code == 200   ? "OK"
	                     : code == 404 ? "Not Found"
	                     : code == 409 ? "Conflict"
	                     : code == 503 ? "Service Unavailable"
	                                   : "Internal Server Error";
	json_t *body = json_pack("{s:s, s:i, s:s, s:s}", "httpStatus", reason, "httpStatusCode", code, "status", status,
	                         "message", message);
	if (summary)
		json_object_set_new(body, "response", summary);
	http_reply_json(r, code, body, headers);
}

/* dhis2_summary: the ImportSummary of RES; *STATUS becomes its status
 * (SUCCESS, WARNING, ERROR). PARTIAL is atomicMode NONE: refused values
 * make a WARNING even when none was left to store. */
static json_t *dhis2_summary(const struct ingest_result *res, bool partial, const char **status)
{
	/* An empty data value set imports nothing, successfully, in DHIS2. */
	bool empty = res->status == 422 && res->rows == 0 && !res->errors;
	bool stored = res->status == 200 || res->status == 201 || empty;
	/* A body sent again is answered as before, refused values included
	 * (its receipt names them). */
	json_t *refused_before = res->replay && res->receipt ? json_object_get(res->receipt, "refused") : NULL;
	json_t *conflicts = dhis2_conflicts(refused_before ? refused_before : res->errors);
	long ignored;
	const char *description;
	char desc[600];
	if (res->status == 503 || res->status == 500) {
		*status = "ERROR";
		json_decref(conflicts);
		return json_pack("{s:s, s:s, s:s, s:{s:i, s:i, s:i, s:i}, s:[]}", "responseType", "ImportSummary",
		                 "status", "ERROR", "description", res->message, "importCount", "imported", 0,
		                 "updated", 0, "ignored", 0, "deleted", 0, "conflicts");
	}
	if (stored) {
		/* DHIS2 counts unchanged values, values its strategy leaves
		 * alone and refused values all as ignored. */
		ignored = res->counts[INGEST_UNCHANGED] + res->set_aside + (long)res->refused;
		*status = res->refused || json_array_size(conflicts) ? "WARNING" : "SUCCESS";
		if (res->replay)
			ignored = (long)res->rows;
		description = res->replay ? res->message : "Import process completed successfully";
	} else {
		ignored = (long)res->rows;
		if (res->status == 400) { /* the body cannot be read: as DHIS2, "The import process failed" */
			snprintf(desc, sizeof(desc), "The import process failed: %s", res->message);
			description = desc;
		} else {
			description = res->message;
		}
		*status = partial && res->errors && json_array_size(res->errors) ? "WARNING" : "ERROR";
	}
	json_t *summary = json_pack("{s:s, s:s, s:s, s:{s:i, s:i, s:i, s:i}, s:o, s:s}", "responseType",
	                            "ImportSummary", "status", *status, "description", description, "importCount",
	                            "imported", (int)(stored ? res->counts[INGEST_NEW] + res->notes : 0), "updated",
	                            (int)(stored ? res->counts[INGEST_REVISED] : 0), "ignored", (int)ignored, "deleted",
	                            (int)(stored ? res->counts[INGEST_DELETED] : 0), "conflicts", conflicts,
	                            "dataSetComplete", "false");
	/* mestat's own additions: the signed receipt and the quality warnings
	 * (outliers held for follow-up ignore no value: they do not make a
	 * WARNING). */
	if (res->receipt)
		json_object_set(summary, "receipt", res->receipt);
	if (stored && res->warnings)
		json_object_set(summary, "warnings", res->warnings);
	if (res->submission_id)
		json_object_set_new(summary, "reference", json_sprintf("%lld", res->submission_id));
	return summary;
}

static void reply_dhis2(struct http_req *r, const struct ingest_result *res, bool partial)
{
	if (res->status == 503 || res->status == 500) {
		reply_dhis2_message(r, res->status, "ERROR", res->message, NULL,
		                    res->status == 503 ? retry_after : NULL);
		return;
	}
	const char *status;
	json_t *summary = dhis2_summary(res, partial, &status);
	if (strcmp(status, "SUCCESS") == 0)
		reply_dhis2_message(r, 200, "OK", "Import was successful.", summary, NULL);
	else if (strcmp(status, "WARNING") == 0)
		reply_dhis2_message(r, 409, "WARNING", "One more conflicts encountered, please check import summary.",
		                    summary, NULL);
	else
		reply_dhis2_message(r, 409, "ERROR", "An error occurred, please check import summary.", summary, NULL);
}

/* ---- DHIS2 asynchronous imports (async=true) ----
 *
 * Answered as DHIS2 answers (dhis2-docs developer/web-api/data.md, "Async
 * data value import"): 200, "Initiated dataValueImport", with the job's id
 * and relativeNotifierEndpoint; the client polls
 * /api/system/tasks/DATAVALUE_IMPORT/{id} until a notification says
 * completed, then reads /api/system/taskSummaries/DATAVALUE_IMPORT/{id}. */

struct async_job {
	char id[12];
	bool partial;
	enum fmt format;
};

static void on_async_ingested(const struct ingest_result *res, void *arg)
{
	struct async_job *a = arg;
	const char *status;
	metrics_submission("dhis2", fmt_name(a->format), res->status, res->counts);
	dhis2_task_finish(a->id, dhis2_summary(res, a->partial, &status));
	free(a);
}

static void reply_task_started(struct http_req *r, const struct dhis2_task *t)
{
	char endpoint[96];
	snprintf(endpoint, sizeof(endpoint), "/api/system/tasks/DATAVALUE_IMPORT/%s", t->id);
	json_t *job = json_pack("{s:s, s:s, s:s, s:s, s:s}", "name", "dataValueImport", "id", t->id, "created",
	                        t->created, "jobType", "DATAVALUE_IMPORT", "relativeNotifierEndpoint", endpoint);
	reply_dhis2_message(r, 200, "OK", "Initiated dataValueImport", job, NULL);
}

/* reply_task: the notifications of job T, newest first, or its summary. */
static void reply_task(struct http_req *r, const struct dhis2_task *t, bool summary)
{
	if (summary) {
		if (t->done)
			http_reply_json(r, 200, json_incref(t->summary), NULL);
		else
			http_reply(r, 200, "application/json", "null", 4, NULL);
		return;
	}
	json_t *list = json_array();
	if (t->done)
		json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:s}", "uid", t->id, "level",
		                                      "INFO", "category", "DATAVALUE_IMPORT", "time", t->finished,
		                                      "message", "Import done", "completed", 1, "id", t->id));
	json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:s}", "uid", t->id, "level", "INFO",
	                                      "category", "DATAVALUE_IMPORT", "time", t->created, "message",
	                                      "Process started", "completed", 0, "id", t->id));
	http_reply_json(r, 200, list, NULL);
}

static void on_ingested(const struct ingest_result *res, void *arg)
{
	struct api_job *j = arg;
	metrics_submission(j->kind == K_DHIS2 ? "dhis2" : "native", fmt_name(j->format), res->status, res->counts);
	if (j->kind == K_DHIS2)
		reply_dhis2(j->r, res, j->partial);
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
	if (PQntuples(res) != 1) { /* missing or another reporter's: the same answer */
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
	/* A reporter reads its own submissions; an evaluator reads every one. */
	store_submission_record(c, j->target, j->id.evaluator[0] ? NULL : j->id.reporter, on_submission_row, j);
}

/* on_get_auth: the caller of GET /api/v1/submissions/{id}, by console session,
 * token or certificate. */
static void on_get_auth(int status, const struct console_caller *who, const char *why, void *arg)
{
	struct api_job *j = arg;
	if (status != 0) {
		metrics_auth_failure(status);
		reply_auth_failure(j->r, status, why);
		free(j);
		return;
	}
	j->id = who->id;
	if (db_acquire(api.db, on_get_conn, j) != 0) {
		reply_unavailable(j->r, "the database is unavailable");
		free(j);
	}
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
	if (j->kind == K_TASK || j->kind == K_TASK_SUMMARY) {
		const struct dhis2_task *t = dhis2_task_find(j->target, j->id.reporter);
		if (t)
			reply_task(j->r, t, j->kind == K_TASK_SUMMARY);
		else
			reply_dhis2_message(j->r, 404, "ERROR",
			                    "no import job with this id was started by this reporter", NULL, NULL);
		free(j);
		return;
	}
	if (j->param_error[0]) {
		/* as DHIS2 answers an import it cannot start: 409, status ERROR */
		json_t *summary =
			json_pack("{s:s, s:s, s:s, s:{s:i, s:i, s:i, s:i}, s:[]}", "responseType", "ImportSummary",
		                  "status", "ERROR", "description", j->param_error, "importCount", "imported", 0,
		                  "updated", 0, "ignored", 0, "deleted", 0, "conflicts");
		reply_dhis2_message(j->r, 409, "ERROR", j->param_error, summary, NULL);
		free(j);
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
		.partial = j->partial,
		.strategy = j->strategy,
		.csv_no_header = j->csv_no_header,
	};
	if (j->async) {
		struct dhis2_task *t = dhis2_task_new(j->id.reporter);
		struct async_job *a = t ? calloc(1, sizeof(*a)) : NULL;
		if (!a) {
			reply_dhis2_message(j->r, 503, "ERROR", "out of memory; send again later", NULL, retry_after);
			free(j);
			return;
		}
		snprintf(a->id, sizeof(a->id), "%s", t->id);
		a->partial = j->partial;
		a->format = j->format;
		/* the ingest copies what it keeps before it returns */
		ingest_submit(api.db, receipt_key_current(), &rq, on_async_ingested, a);
		reply_task_started(j->r, t);
		free(j);
		return;
	}
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
	if (kind == K_DHIS2) {
		dhis2_options(j);
		j->async = query_flag(r, "async");
		char v[16];
		query_value(r, "firstRowIsHeader", v, sizeof(v));
		j->csv_no_header = strcasecmp(v, "false") == 0;
	}
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
		http_reply_error(
			r, 415,
			"unsupported Content-Type; send application/json, application/csv or application/adx+xml");
		return;
	}
	start(r, K_DHIS2, f);
}

/* GET /api/system/tasks/DATAVALUE_IMPORT/{id} and
 * /api/system/taskSummaries/DATAVALUE_IMPORT/{id} */
/* target_job: a job of KIND for the object TARGET of a GET; NULL (answered
 * 503) when out of memory. */
static struct api_job *target_job(struct http_req *r, enum kind kind, const char *target)
{
	struct api_job *j = calloc(1, sizeof(*j));
	if (!j) {
		http_reply_error(r, 503, "out of memory");
		return NULL;
	}
	j->r = r;
	j->kind = kind;
	snprintf(j->target, sizeof(j->target), "%s", target);
	return j;
}

static void get_task(struct http_req *r, void *arg)
{
	bool summary = arg != NULL;
	const char *prefix =
		summary ? "/api/system/taskSummaries/DATAVALUE_IMPORT/" : "/api/system/tasks/DATAVALUE_IMPORT/";
	size_t plen = strlen(prefix);
	const char *id = strncmp(r->path, prefix, plen) == 0 ? r->path + plen : "";
	size_t n = strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
	if (n != 11 || id[n] != '\0') {
		http_reply_error(r, 404, "a DHIS2 import job id is 11 letters or digits");
		return;
	}
	struct api_job *j = target_job(r, summary ? K_TASK_SUMMARY : K_TASK, id);
	if (!j)
		return;
	auth_resolve(api.db, api.subject_cn, &r->peer, http_header(r, "Authorization"), on_auth, j);
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
	struct api_job *j = target_job(r, K_GET_SUBMISSION, id);
	if (!j)
		return;
	console_authenticate(r, on_get_auth, j);
}

/* ---- catalog ---- */

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

static void on_catalog_conn(struct db_conn *c, void *arg)
{
	store_catalog(c, on_catalog, arg);
}

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
	http_route(h, false, "GET", "/api/system/tasks/DATAVALUE_IMPORT/", get_task, NULL);
	http_route(h, false, "GET", "/api/system/taskSummaries/DATAVALUE_IMPORT/", get_task, (void *)1);
	/* /api/{version}/dataValueSets: the versions DHIS2 2.28 to 2.43 serve */
	for (int v = 28; v <= 43; v++) {
		char path[64];
		snprintf(path, sizeof(path), "/api/%d/dataValueSets", v);
		http_route(h, false, "POST", path, post_data_value_sets, NULL);
		snprintf(path, sizeof(path), "/api/%d/dataValueSets.json", v);
		http_route(h, false, "POST", path, post_data_value_sets, NULL);
	}
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
	api.dhis2_atomic_all = strcmp(cf->dhis2_atomic_mode, "ALL") == 0;
	completion_configure(api.db, cf);
}
