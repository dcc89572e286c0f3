/* completion.c - a reporter says its period is complete, or takes that back:
 * POST and DELETE /api/v1/completions, and DHIS2's
 * POST/DELETE /api/completeDataSetRegistrations. The rules (what is
 * expected, what is missing, who accepted and locked a period) live in SQL
 * (027_reporting_cycle.sql), called through the store (store_notify.c);
 * each function answers with its HTTP status in
 * its JSON, which is relayed as it is. */
#include "completion.h"

#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "config.h"
#include "db.h"
#include "http.h"
#include "log.h"
#include "store_notify.h"

static struct {
	struct db *db;
	bool subject_cn;
} cp;

enum op { OP_COMPLETE, OP_UNCOMPLETE, OP_DHIS2 };

struct cp_job {
	struct http_req *r;
	enum op op;
	bool dhis2_reply; /* answer in DHIS2's web message shape */
	char reporter[16];
	char period[16];
	char *payload; /* DHIS2: the registrations as JSON text (owned) */
	struct auth_identity id;
};

static void job_free(struct cp_job *j)
{
	free(j->payload);
	free(j);
}

static void reply_unavailable(struct cp_job *j)
{
	if (j->dhis2_reply)
		http_reply_json(j->r, 503,
		                json_pack("{s:s, s:i, s:s, s:s}", "httpStatus", "Service Unavailable", "httpStatusCode",
		                          503, "status", "ERROR", "message",
		                          "the database is unavailable; send it again later"),
		                "Retry-After: 10\n");
	else
		http_reply_json(j->r, 503,
		                json_pack("{s:i, s:s}", "status", 503, "error",
		                          "the database is unavailable; nothing was changed; send it again later"),
		                "Retry-After: 10\n");
	job_free(j);
}

static void on_answer(struct db_conn *c, PGresult *res, const char *err, void *arg)
{
	struct cp_job *j = arg;
	if (err || !res || PQntuples(res) != 1) {
		if (err && res && *db_sqlstate(res) && strncmp(db_sqlstate(res), "08", 2) != 0)
			log_error("completion failed in the database", "reporter=%s sqlstate=%s error=\"%s\"",
			          j->reporter, db_sqlstate(res), err);
		db_release(c);
		return reply_unavailable(j);
	}
	json_t *body = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
	db_release(c);
	if (!body)
		return reply_unavailable(j);
	int status = (int)json_integer_value(json_object_get(body, j->op == OP_DHIS2 ? "httpStatusCode" : "status"));
	if (status < 200 || status > 599)
		status = 500;
	log_info("completion", "reporter=%s period=%s op=%s status=%d", j->reporter, j->period[0] ? j->period : "-",
	         j->op == OP_UNCOMPLETE ? "undo"
	         : j->op == OP_DHIS2    ? "dhis2"
	                                : "complete",
	         status);
	http_reply_json(j->r, status, body, NULL);
	job_free(j);
}

static void on_conn(struct db_conn *c, void *arg)
{
	struct cp_job *j = arg;
	if (j->op == OP_DHIS2)
		store_complete_dhis2(c, j->reporter, j->payload, j->id.client, on_answer, j);
	else
		store_complete_quarter(c, j->op == OP_COMPLETE, j->reporter, j->period, j->id.client, on_answer, j);
}

static void reply_problem(struct cp_job *j, int status, const char *why)
{
	if (j->dhis2_reply)
		http_reply_json(j->r, status,
		                json_pack("{s:s, s:i, s:s, s:s}", "httpStatus",
		                          status == 403 ? "Forbidden" : "Conflict", "httpStatusCode", status, "status",
		                          "ERROR", "message", why),
		                NULL);
	else
		http_reply_error(j->r, status, why);
	job_free(j);
}

static void on_auth(int status, const struct auth_identity *id, const char *why, void *arg)
{
	struct cp_job *j = arg;
	if (status == 401) {
		http_reply_json(j->r, 401, json_pack("{s:i, s:s}", "status", 401, "error", why),
		                "WWW-Authenticate: Bearer realm=\"mestat\"\n");
		return job_free(j);
	}
	if (status != 0)
		return reply_unavailable(j);
	j->id = *id;
	if (id->evaluator[0])
		return reply_problem(j, 403,
		                     "this credential belongs to an evaluator; only a reporter completes its periods");
	if (!j->r->req) {
		http_reply(j->r, 499, "text/plain", "", 0, NULL);
		return job_free(j);
	}
	if (j->op != OP_DHIS2) {
		if (!j->reporter[0])
			snprintf(j->reporter, sizeof(j->reporter), "%s", id->reporter);
		if (strcmp(j->reporter, id->reporter) != 0) {
			char msg[160];
			snprintf(msg, sizeof(msg), "this credential is reporter %s's; it cannot complete periods of %s",
			         id->reporter, j->reporter);
			return reply_problem(j, 403, msg);
		}
	} else {
		snprintf(j->reporter, sizeof(j->reporter), "%s", id->reporter);
	}
	if (db_acquire(cp.db, on_conn, j) != 0)
		reply_unavailable(j);
}

/* take: copy a request field into DST; false when it is too long. */
static bool take(char *dst, size_t size, const char *v)
{
	if (!v)
		return true;
	if (strlen(v) >= size)
		return false;
	snprintf(dst, size, "%s", v);
	return true;
}

static struct cp_job *job_new(struct http_req *r, enum op op, bool dhis2)
{
	struct cp_job *j = calloc(1, sizeof(*j));
	if (!j) {
		http_reply_error(r, 503, "out of memory");
		return NULL;
	}
	j->r = r;
	j->op = op;
	j->dhis2_reply = dhis2;
	return j;
}

static void start(struct cp_job *j)
{
	auth_resolve(cp.db, cp.subject_cn, &j->r->peer, http_header(j->r, "Authorization"), on_auth, j);
}

/* native: {"reporter": "110000", "period": "2018Q3"} in the body (POST), or
 * ?reporter=&period= in the query (DELETE, or a POST without a body). */
static void native(struct http_req *r, enum op op)
{
	struct cp_job *j = job_new(r, op, false);
	if (!j)
		return;
	size_t len = 0;
	const char *body = http_body(r, &len);
	bool ok = true;
	if (body && len > 0) {
		json_error_t jerr;
		json_t *doc = json_loadb(body, len, 0, &jerr);
		if (!doc || !json_is_object(doc)) {
			char msg[300];
			snprintf(msg, sizeof(msg),
			         "the body is not a JSON object (line %d, column %d: %s); send "
			         "{\"reporter\": \"110000\", \"period\": \"2018Q3\"}",
			         jerr.line, jerr.column, doc ? "not an object" : jerr.text);
			json_decref(doc);
			http_reply_error(r, 400, msg);
			return job_free(j);
		}
		json_t *rep = json_object_get(doc, "reporter"), *per = json_object_get(doc, "period");
		ok = (!rep || json_is_string(rep)) && json_is_string(per) &&
		     take(j->reporter, sizeof(j->reporter), json_string_value(rep)) &&
		     take(j->period, sizeof(j->period), json_string_value(per));
		json_decref(doc);
	} else if (r->query) {
		struct evkeyvalq q;
		if (evhttp_parse_query_str(r->query, &q) == 0) {
			ok = take(j->reporter, sizeof(j->reporter), evhttp_find_header(&q, "reporter")) &&
			     take(j->period, sizeof(j->period), evhttp_find_header(&q, "period"));
			evhttp_clear_headers(&q);
		}
	}
	if (!ok || !j->period[0]) {
		http_reply_error(r, 400,
		                 "say which period: {\"reporter\": \"110000\", \"period\": \"2018Q3\"} "
		                 "(DELETE: ?reporter=110000&period=2018Q3)");
		return job_free(j);
	}
	start(j);
}

void completion_post(struct http_req *r, void *arg)
{
	(void)arg;
	native(r, OP_COMPLETE);
}

void completion_delete(struct http_req *r, void *arg)
{
	(void)arg;
	native(r, OP_UNCOMPLETE);
}

void completion_post_dhis2(struct http_req *r, void *arg)
{
	(void)arg;
	struct cp_job *j = job_new(r, OP_DHIS2, true);
	if (!j)
		return;
	size_t len = 0;
	const char *body = http_body(r, &len);
	json_error_t jerr;
	json_t *doc = body ? json_loadb(body, len, 0, &jerr) : NULL;
	if (!doc || !json_is_object(doc) || !json_is_array(json_object_get(doc, "completeDataSetRegistrations"))) {
		json_decref(doc);
		char msg[300];
		snprintf(msg, sizeof(msg),
		         "send JSON {\"completeDataSetRegistrations\": [{\"dataSet\": …, \"period\": "
		         "\"2018Q3\", \"organisationUnit\": …, \"completed\": true}]}");
		http_reply_json(r, 400,
		                json_pack("{s:s, s:i, s:s, s:s}", "httpStatus", "Bad Request", "httpStatusCode", 400,
		                          "status", "ERROR", "message", msg),
		                NULL);
		return job_free(j);
	}
	j->payload = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
	if (!j->payload) {
		http_reply_error(r, 503, "out of memory");
		return job_free(j);
	}
	start(j);
}

/* DHIS2's DELETE /api/completeDataSetRegistrations?ds=&pe=&ou=: one
 * registration undone, told as a registration with "completed": false. */
void completion_delete_dhis2(struct http_req *r, void *arg)
{
	(void)arg;
	struct cp_job *j = job_new(r, OP_DHIS2, true);
	if (!j)
		return;
	struct evkeyvalq q;
	json_t *reg = NULL;
	if (r->query && evhttp_parse_query_str(r->query, &q) == 0) {
		const char *pe = evhttp_find_header(&q, "pe"), *ou = evhttp_find_header(&q, "ou"),
			   *ds = evhttp_find_header(&q, "ds");
		if (pe)
			reg = json_pack("{s:s, s:s?, s:s?, s:b}", "period", pe, "organisationUnit", ou, "dataSet", ds,
			                "completed", 0);
		evhttp_clear_headers(&q);
	}
	if (!reg) {
		http_reply_json(r, 400,
		                json_pack("{s:s, s:i, s:s, s:s}", "httpStatus", "Bad Request", "httpStatusCode", 400,
		                          "status", "ERROR", "message",
		                          "say which registration: ?ds=DATASET&pe=2018Q3&ou=ORGUNIT"),
		                NULL);
		return job_free(j);
	}
	json_t *doc = json_pack("{s:[o]}", "completeDataSetRegistrations", reg);
	j->payload = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
	json_decref(doc);
	if (!j->payload) {
		http_reply_error(r, 503, "out of memory");
		return job_free(j);
	}
	start(j);
}

void completion_configure(struct db *db, const struct config *cf)
{
	cp.db = db;
	cp.subject_cn = strcmp(cf->client_identity, "subject") == 0;
}
