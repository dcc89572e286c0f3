/* ingest.c - the submission pipeline as an explicit state machine on one
 * database connection:
 *
 *   OPEN    BEGIN and mestat.ingest_open(), in one round trip: has this
 *           reporter sent this body (or Idempotency-Key) before? (REPLAY:
 *           its receipt again); else the session's staging table and the
 *           submission row (the audit record) -> id, received_at. A native
 *           submission that is not partial sends VALIDATE and APPLY in the
 *           same round trip (mestat.ingest_validate_apply()).
 *   VALIDATE the decoded rows into pg_temp.ingest_row (one INSERT from an
 *           array per column) and mestat.ingest_validate() (DHIS2:
 *           mestat.dhis2_validate()), in one round trip: one row per
 *           refused value, values in a period accepted or locked for its
 *           reporter last (409, who and when)
 *   STRATEGY DHIS2 importStrategy CREATE or UPDATE: mestat.dhis2_strategy()
 *           sets aside the rows it leaves alone
 *   APPLY   mestat.ingest_apply(): new versions, counts, warnings
 *   COMMIT  sign; store the receipt and counts on the submission row and
 *           COMMIT in one round trip (the server skips the COMMIT if the
 *           UPDATE fails); only then answer 2xx
 *
 * Two round trips for a native submission (OPEN with VALIDATE and APPLY,
 * COMMIT), four for a DHIS2 or a partial one (OPEN, VALIDATE, APPLY,
 * COMMIT, and STRATEGY between for DHIS2: its strategy applies to the
 * rows validated; a partial one is validated again without the rows
 * refused); the statements that carry parameters are prepared once per
 * connection.
 * The SQL is in store_ingest.c.
 *
 * A refusal rolls everything back and then records the submission alone
 * (outcome rejected) so that nothing of it is stored but its audit record.
 *
 * A partial submission (DHIS2 atomicMode NONE) takes a SAVEPOINT before the
 * rows are staged, in the same round trip; when VALIDATE refuses rows it
 * goes back to it, stages the rows not refused yet and validates again,
 * again in one round trip, until what is left is valid
 * (rules comparing values of one submission may refuse more rows once
 * others are gone) or nothing is left (then it is refused as a whole).
 * The rows refused are named in the receipt and the audit record.
 * A lost connection at any step answers 503: nothing was committed. */
#include "ingest.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "log.h"
#include "receipt.h"
#include "scheduler.h"
#include "store.h"
#include "store_ingest.h"
#include "util.h"

enum state { S_OPEN, S_REPLAY, S_VALIDATE, S_STRATEGY, S_APPLY, S_COMMIT, S_ROLLBACK, S_AUDIT };

struct job {
	struct db *db;
	struct db_conn *conn;
	struct receipt_key *key; /* a reference: a reload may replace the key meanwhile */
	ingest_cb cb;
	void *arg;
	enum state state;
	bool retried_lookup; /* the same body was committed meanwhile: opened again */
	/* copies of the request */
	char *reporter, *client_identity, *via, *source, *content_type, *idem;
	const char *format_name;
	const char *scheme;
	char *body_hex; /* \x... for the bytea parameter */
	bool dry_run;
	bool dhis2;       /* validate with mestat.dhis2_validate() */
	bool partial;     /* store the valid rows, refuse the others */
	PGresult *opened; /* ingest_open's answer, when sent with VALIDATE and APPLY */
	enum ingest_strategy strategy;
	/* the decoded rows: conflicts name fields as the sender wrote them */
	struct fmt_result fr;
	bool *excluded; /* per row: refused in a partial submission */
	/* the rows still in play: one array literal per staged column */
	char *stage[STORE_STAGE_COLUMNS];
	/* outcome */
	struct ingest_result res;
	char message[512];
	char id_text[24];
	char received_at[40];
	json_t *error_detail; /* what the audit record stores */
};

static void step(struct db_conn *c, PGresult *r, const char *err, void *arg);

/* together: OPEN, VALIDATE and APPLY in one round trip (a native submission
 * that is not partial; see the top of this file). */
static bool together(const struct job *j)
{
	return !j->dhis2 && !j->partial;
}

static void job_free(struct job *j)
{
	free(j->reporter);
	free(j->client_identity);
	free(j->via);
	free(j->source);
	free(j->content_type);
	free(j->idem);
	free(j->body_hex);
	for (int c = 0; c < STORE_STAGE_COLUMNS; c++)
		free(j->stage[c]);
	free(j->excluded);
	fmt_result_free(&j->fr);
	json_decref(j->res.receipt);
	json_decref(j->res.errors);
	json_decref(j->res.warnings);
	json_decref(j->error_detail);
	PQclear(j->opened);
	receipt_key_free(j->key);
	free(j);
}

/* finish: release the connection, tell the caller, free the job. */
static void finish(struct job *j)
{
	if (j->conn)
		db_release(j->conn);
	j->conn = NULL;
	j->res.message = j->message;
	j->cb(&j->res, j->arg);
	job_free(j);
}

static void refuse(struct job *j, int status);

/* sql_failed: a statement failed. Connection, resource and read-only
 * failures are the database's state: 503, try later. A period closed
 * between validation and storing (MS409) is 409. Anything else is a fault
 * of ours: 500, logged, nothing stored. */
static void sql_failed(struct job *j, PGresult *r, const char *err);

static void fail_503(struct job *j, const char *why)
{
	log_warn("submission not stored: database unavailable", "reporter=%s error=\"%s\"",
	         j->reporter ? j->reporter : "-", why);
	j->res.status = 503;
	j->res.submission_id = 0;
	json_decref(j->res.receipt);
	j->res.receipt = NULL;
	snprintf(j->message, sizeof(j->message),
	         "the database is unavailable; nothing was stored; send the same body again later");
	finish(j);
}

/* build_stage: the rows still in play, as the staging statement's arrays
 * (store.c). */
static int build_stage(struct job *j, const struct fmt_result *fr)
{
	for (int c = 0; c < STORE_STAGE_COLUMNS; c++)
		free(j->stage[c]);
	return store_stage_rows(fr, j->excluded, j->stage);
}

static char *hex_bytea(const char *data, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	char *out = malloc(2 * len + 3);
	if (!out)
		return NULL;
	out[0] = '\\';
	out[1] = 'x';
	for (size_t i = 0; i < len; i++) {
		out[2 + 2 * i] = digits[(unsigned char)data[i] >> 4];
		out[3 + 2 * i] = digits[(unsigned char)data[i] & 15];
	}
	out[2 + 2 * len] = '\0';
	return out;
}

static void sql_failed(struct job *j, PGresult *r, const char *err)
{
	const char *state = db_sqlstate(r);
	if (strcmp(state, "MS409") == 0) {
		snprintf(j->message, sizeof(j->message), "%s", PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY));
		return refuse(j, 409);
	}
	bool transient = !*state || strncmp(state, "08", 2) == 0 || strncmp(state, "53", 2) == 0 ||
	                 strncmp(state, "57", 2) == 0 || strncmp(state, "58", 2) == 0 || strcmp(state, "25006") == 0 ||
	                 strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0;
	if (transient)
		return fail_503(j, err);
	log_error("submission failed in the database", "reporter=%s sqlstate=%s error=\"%s\"", j->reporter, state, err);
	j->res.status = 500;
	j->res.submission_id = 0;
	snprintf(j->message, sizeof(j->message),
	         "the submission could not be stored because of an internal error (SQLSTATE %s); nothing was stored; "
	         "the operators have it in their log",
	         state);
	finish(j);
}

/* ---- the steps ---- */

static void do_open(struct job *j)
{
	j->state = S_OPEN;
	const char *p[11] = {j->reporter,
	                     j->via,
	                     j->source,
	                     j->format_name,
	                     j->content_type,
	                     j->res.sha256,
	                     j->body_hex,
	                     j->client_identity,
	                     j->idem,
	                     j->dry_run ? "dry_run" : "accepted",
	                     j->dry_run ? "f" : "t"};
	PQclear(j->opened);
	j->opened = NULL;
	if (!together(j)) {
		const struct db_step steps[2] = {{store_ingest_begin_sql, 0, NULL, false, NULL},
		                                 {store_ingest_open_sql, 11, p, true, NULL}};
		return db_pipeline(j->conn, steps, 2, step, j);
	}
	/* The rows are staged, validated and, if none is refused, stored
	 * before ingest_open's answer is read: after a replay (the answer is
	 * the earlier receipt) ingest_validate_apply finds nothing opened and
	 * does nothing, and all of it is rolled back. */
	const char *v[2] = {j->reporter, j->scheme};
	const struct db_step steps[4] = {
		{store_ingest_begin_sql, 0, NULL, false, NULL},
		{store_ingest_open_sql, 11, p, true, &j->opened},
		{store_stage_ingest_rows_sql, STORE_STAGE_COLUMNS, (const char *const *)j->stage, true, NULL},
		{store_ingest_validate_apply_sql, 2, v, true, NULL}};
	db_pipeline(j->conn, steps, 4, step, j);
}

/* run_prepared: one statement, prepared once per connection. */
static void run_prepared(struct job *j, const char *sql, int n, const char *const *p)
{
	db_query_prepared(j->conn, sql, n, p, step, j);
}

/* stage_and_validate: FIRST (the savepoint of a partial submission, or the
 * return to it), the rows still in play into the staging table, and their
 * validation, in one round trip; STEP gets the validation's rows, or the
 * first error. */
static void stage_and_validate(struct job *j, const char *first)
{
	const char *p[2] = {j->reporter, j->scheme};
	struct db_step steps[3];
	int n = 0;
	if (first)
		steps[n++] = (struct db_step){first, 0, NULL, false, NULL};
	steps[n++] = (struct db_step){store_stage_ingest_rows_sql, STORE_STAGE_COLUMNS, (const char *const *)j->stage,
	                              true, NULL};
	steps[n++] = j->dhis2 ? (struct db_step){store_ingest_validate_dhis2_sql, 1, p, true, NULL}
	                      : (struct db_step){store_ingest_validate_sql, 2, p, true, NULL};
	j->state = S_VALIDATE;
	db_pipeline(j->conn, steps, n, step, j);
}

/* do_insert: the audit record alone (a refusal), outside any transaction. */
static void do_insert(struct job *j, const char *outcome, int status)
{
	char st[8];
	snprintf(st, sizeof(st), "%d", status);
	char *detail = j->error_detail ? json_dumps(j->error_detail, JSON_COMPACT) : NULL;
	const char *p[12] = {j->reporter,     j->via,        j->source,   j->format_name,
	                     j->content_type, j->res.sha256, j->body_hex, j->client_identity,
	                     j->idem,         outcome,       st,          detail};
	db_query(j->conn, store_ingest_audit_sql, 12, p, step, j);
	free(detail);
}

/* refuse: everything is rolled back; record the audit row, then answer. */
static void refuse(struct job *j, int status)
{
	j->res.status = status;
	if (!j->error_detail)
		j->error_detail = json_pack("{s:s}", "error", j->message);
	if (j->res.errors)
		json_object_set(j->error_detail, "errors", j->res.errors);
	j->state = S_ROLLBACK;
	db_query(j->conn, store_ingest_rollback_sql, 0, NULL, step, j);
}

/* sent: field FIELD of row SEQ (1-based) as the sender wrote it, or NULL. */
static const char *sent(const struct job *j, int seq, const char *field)
{
	if (seq < 1 || (size_t)seq > j->fr.nrows)
		return NULL;
	const struct fmt_row *row = &j->fr.rows[seq - 1];
	if (strcmp(field, "reporter") == 0)
		return row->reporter;
	if (strcmp(field, "indicator") == 0 || strcmp(field, "row") == 0)
		return row->indicator;
	if (strcmp(field, "period") == 0)
		return row->period;
	if (strcmp(field, "value") == 0)
		return row->value;
	if (strcmp(field, "comment") == 0)
		return row->comment;
	if (strcmp(field, "coc") == 0)
		return row->coc;
	if (strcmp(field, "aoc") == 0)
		return row->aoc;
	if (strcmp(field, "status") == 0)
		return row->status;
	if (strcmp(field, "unit_mult") == 0)
		return row->unit_mult;
	return NULL;
}

/* add_errors: append the refused rows of R to j->res.errors, marking them
 * excluded when the submission is partial. */
static void add_errors(struct job *j, PGresult *r)
{
	if (!j->res.errors)
		j->res.errors = json_array();
	for (int i = 0; i < PQntuples(r); i++) {
		int seq = atoi(PQgetvalue(r, i, 0));
		const char *field = PQgetvalue(r, i, 2);
		const char *as_sent = sent(j, seq, field);
		json_array_append_new(
			j->res.errors,
			json_pack("{s:i, s:s, s:s, s:i, s:s, s:s, s:s?}", "row", seq, "loc", PQgetvalue(r, i, 1),
		                  "field", field, "status", atoi(PQgetvalue(r, i, 3)), "reason", PQgetvalue(r, i, 4),
		                  "indicator",
		                  seq >= 1 && (size_t)seq <= j->fr.nrows ? j->fr.rows[seq - 1].indicator : "", "sent",
		                  as_sent));
		if (j->excluded && seq >= 1 && (size_t)seq <= j->fr.nrows && !j->excluded[seq - 1]) {
			j->excluded[seq - 1] = true;
			j->res.refused++;
		}
	}
}

/* refuse_rows: the submission refused for the rows in j->res.errors, with
 * the status and message of the worst of them. */
static void refuse_rows(struct job *j)
{
	int n = 0, worst = 422, n403 = 0, n409 = 0;
	const char *first409 = "";
	size_t i;
	json_t *e;
	json_array_foreach(j->res.errors, i, e)
	{
		int status = (int)json_integer_value(json_object_get(e, "status"));
		n++;
		if (status == 403)
			n403++;
		else if (status == 409 && n409++ == 0 && json_is_string(json_object_get(e, "reason")))
			first409 = json_string_value(json_object_get(e, "reason"));
	}
	/* One foreign row makes the whole submission 403; a closed period 409. */
	if (n403)
		worst = 403;
	else if (n409)
		worst = 409;
	if (worst == 403)
		snprintf(j->message, sizeof(j->message),
		         "%d row%s may not be written by reporter %s; nothing was stored", n403, n403 == 1 ? "" : "s",
		         j->reporter);
	else if (worst == 409)
		snprintf(j->message, sizeof(j->message), "%d row%s cannot be changed; nothing was stored: %s", n409,
		         n409 == 1 ? "" : "s", first409);
	else
		snprintf(j->message, sizeof(j->message), "%d row%s refused; nothing was stored; fix %s and send again",
		         n, n == 1 ? " was" : "s were", n == 1 ? "it" : "them");
	refuse(j, worst);
}

static int make_receipt(struct job *j)
{
	j->res.receipt = json_pack("{s:I, s:s, s:s, s:s, s:{s:I, s:I, s:I, s:I}}", "submission_id",
	                           (json_int_t)j->res.submission_id, "reporter", j->reporter, "received_at",
	                           j->received_at, "sha256", j->res.sha256, "counts", "new",
	                           (json_int_t)j->res.counts[0], "revised", (json_int_t)j->res.counts[1], "unchanged",
	                           (json_int_t)j->res.counts[2], "deleted", (json_int_t)j->res.counts[3]);
	/* Warnings are part of what was accepted: inside the signature. */
	if (j->res.receipt)
		json_object_set(j->res.receipt, "warnings", j->res.warnings);
	if (j->res.receipt && j->res.notes)
		json_object_set_new(j->res.receipt, "comments", json_integer(j->res.notes));
	/* A partial submission: the receipt names what it does not cover. */
	if (j->res.receipt && j->res.refused)
		json_object_set(j->res.receipt, "refused", j->res.errors);
	if (!j->res.receipt || receipt_sign(j->key, j->res.receipt) != 0) {
		log_error("cannot sign a receipt", "submission=%lld", j->res.submission_id);
		return -1;
	}
	return 0;
}

/* applied: the rows stored (R: new, revised, unchanged and deleted from
 * column AT, the warnings after them): a dry run rolls back; else the
 * receipt is signed, and written with COMMIT. */
static void applied(struct job *j, PGresult *r, int at)
{
	for (int i = 0; i < 4 && at + i < PQnfields(r); i++)
		j->res.counts[i] = atol(PQgetvalue(r, 0, at + i));
	if (PQnfields(r) > at + 4 && !PQgetisnull(r, 0, at + 4))
		j->res.warnings = json_loads(PQgetvalue(r, 0, at + 4), 0, NULL);
	if (!j->res.warnings)
		j->res.warnings = json_array();
	if (j->dry_run) {
		j->res.status = 200;
		if (j->res.refused)
			snprintf(j->message, sizeof(j->message),
			         "dry run: %zu row%s would be refused, the others stored; nothing was stored",
			         j->res.refused, j->res.refused == 1 ? "" : "s");
		else
			snprintf(j->message, sizeof(j->message), "dry run: every row is valid; nothing was stored");
		j->state = S_ROLLBACK;
		return db_query(j->conn, store_ingest_rollback_sql, 0, NULL, step, j);
	}
	if (make_receipt(j) != 0)
		return fail_503(j, "cannot sign the receipt");
	j->state = S_COMMIT;
	char *receipt = json_dumps(j->res.receipt, JSON_COMPACT | JSON_SORT_KEYS);
	char *counts = json_dumps(json_object_get(j->res.receipt, "counts"), JSON_COMPACT);
	/* The audit record keeps the rows a partial submission refused. */
	json_t *detail = j->res.refused ? json_pack("{s:O}", "refused", j->res.errors) : NULL;
	char *detail_text = detail ? json_dumps(detail, JSON_COMPACT) : NULL;
	const char *p[4] = {counts, receipt, j->id_text, detail_text};
	const struct db_step steps[2] = {{store_ingest_receipt_sql, 4, p, true, NULL},
	                                 {store_ingest_commit_sql, 0, NULL, false, NULL}};
	db_pipeline(j->conn, steps, 2, step, j);
	json_decref(detail);
	free(detail_text);
	free(receipt);
	free(counts);
}

static void step(struct db_conn *c, PGresult *r, const char *err, void *arg)
{
	(void)c;
	struct job *j = arg;
	if (j->state == S_REPLAY) /* the answer is the earlier receipt, whatever the rollback did */
		return finish(j);
	if (!r && err) /* the connection is gone: nothing was committed */
		return fail_503(j, err);
	switch (j->state) {
	case S_REPLAY: return finish(j); /* handled above, before the connection check */
	case S_OPEN: {
		/* ingest_open's answer: R, or kept apart when VALIDATE and APPLY
		 * came with it (then an error with no answer kept is its own) */
		const PGresult *o = together(j) ? j->opened : r;
		if (err && !j->opened && strcmp(db_sqlstate(r), "23505") == 0 && !j->retried_lookup) {
			/* The same body was committed meanwhile by another request. */
			j->retried_lookup = true;
			j->state = S_ROLLBACK;
			j->res.status = -1; /* marks: open again after the rollback */
			return db_query(j->conn, store_ingest_rollback_sql, 0, NULL, step, j);
		}
		if (err)
			return sql_failed(j, r, err);
		if (!o || PQntuples(o) != 1)
			return sql_failed(j, r, "opening the submission returned no row");
		if (!PQgetisnull(o, 0, 2)) {
			j->res.replay = true;
			j->res.status = 200;
			j->res.submission_id = atoll(PQgetvalue(o, 0, 0));
			j->res.receipt = json_loads(PQgetvalue(o, 0, 2), 0, NULL);
			snprintf(j->message, sizeof(j->message),
			         "this submission was accepted before as %lld; nothing new was stored",
			         j->res.submission_id);
			j->state = S_REPLAY;
			return db_query(j->conn, store_ingest_rollback_sql, 0, NULL, step, j);
		}
		j->res.submission_id = atoll(PQgetvalue(o, 0, 0));
		snprintf(j->received_at, sizeof(j->received_at), "%s", PQgetvalue(o, 0, 1));
		snprintf(j->id_text, sizeof(j->id_text), "%lld", j->res.submission_id);
		if (!together(j))
			return stage_and_validate(j, j->partial ? store_ingest_savepoint_sql : NULL);
		/* the validation's refusals (no counts), or the rows stored and scored */
		if (PQntuples(r) == 0)
			return sql_failed(j, r, "validating and storing the submission returned no row");
		if (PQgetisnull(r, 0, 5)) {
			add_errors(j, r);
			return refuse_rows(j);
		}
		return applied(j, r, 5);
	}
	case S_VALIDATE:
		if (err)
			return sql_failed(j, r, err);
		if (PQntuples(r) > 0) {
			size_t before = j->res.refused;
			add_errors(j, r);
			/* go round again only if this pass set more rows aside */
			if (j->partial && j->res.refused > before && j->res.refused < j->fr.nrows) {
				if (build_stage(j, &j->fr) != 0)
					return fail_503(j, "out of memory");
				return stage_and_validate(j, store_ingest_rewind_sql);
			}
			j->res.refused = 0;
			return refuse_rows(j);
		}
		if (j->dhis2) {
			/* comments without a value first, then the strategy on the values */
			const char *p[2] = {j->strategy == INGEST_CREATE   ? store_ingest_strategy_create
			                    : j->strategy == INGEST_UPDATE ? store_ingest_strategy_update
			                                                   : NULL,
			                    j->id_text};
			j->state = S_STRATEGY;
			return db_query(j->conn, store_ingest_strategy_sql, 2, p, step, j);
		}
		/* fall through */
	case S_STRATEGY:
		if (err)
			return sql_failed(j, r, err);
		if (j->state == S_STRATEGY) {
			j->res.notes = atol(PQgetvalue(r, 0, 0));
			j->res.set_aside = atol(PQgetvalue(r, 0, 1));
		}
		j->state = S_APPLY;
		{
			const char *p[1] = {j->id_text};
			return run_prepared(j, store_ingest_apply_sql, 1, p);
		}
	case S_APPLY:
		if (err)
			return sql_failed(j, r, err);
		return applied(j, r, 0);
	case S_COMMIT:
		if (err)
			return sql_failed(j, r, err);
		j->res.status = 201;
		snprintf(j->message, sizeof(j->message), "accepted");
		sched_poke(); /* new values: progress is recomputed soon */
		log_info(
			"submission accepted",
			"submission=%lld reporter=%s via=%s format=%s rows=%zu new=%ld revised=%ld unchanged=%ld deleted=%ld",
			j->res.submission_id, j->reporter, j->via, j->format_name, j->res.rows, j->res.counts[0],
			j->res.counts[1], j->res.counts[2], j->res.counts[3]);
		return finish(j);
	case S_ROLLBACK:
		if (err)
			return sql_failed(j, r, err);
		if (j->res.status == -1) { /* unique violation: the first receipt wins */
			j->res.status = 0;
			return do_open(j);
		}
		if (j->dry_run) { /* a dry run stores nothing, not even a refusal */
			j->res.submission_id = 0;
			return finish(j);
		}
		j->state = S_AUDIT;
		return do_insert(j, "rejected", j->res.status);
	case S_AUDIT:
		if (err)
			log_error("cannot record a refused submission", "reporter=%s error=\"%s\"", j->reporter, err);
		else
			j->res.submission_id = atoll(PQgetvalue(r, 0, 0));
		log_info("submission refused", "submission=%lld reporter=%s via=%s status=%d reason=\"%s\"",
		         j->res.submission_id, j->reporter, j->via, j->res.status, j->message);
		return finish(j);
	}
}

static void on_conn(struct db_conn *c, void *arg)
{
	struct job *j = arg;
	j->conn = c;
	if (j->res.status >= 400) { /* decode error: only the audit record */
		j->state = S_AUDIT;
		return do_insert(j, "rejected", j->res.status);
	}
	do_open(j);
}

void ingest_submit(struct db *db, struct receipt_key *key, const struct ingest_request *rq, ingest_cb cb, void *arg)
{
	struct job *j = calloc(1, sizeof(*j));
	if (!j) {
		struct ingest_result res = {.status = 503, .message = "out of memory"};
		cb(&res, arg);
		return;
	}
	j->db = db;
	j->key = receipt_key_ref(key);
	j->cb = cb;
	j->arg = arg;
	j->reporter = util_strdup(rq->reporter);
	j->client_identity = util_strdup(rq->client_identity);
	j->via = util_strdup(rq->via);
	j->source = util_strdup(rq->source);
	j->content_type = util_strdup(rq->content_type);
	j->idem = rq->idempotency_key && *rq->idempotency_key ? util_strdup(rq->idempotency_key) : NULL;
	j->format_name = fmt_name(rq->format);
	j->scheme = rq->format == FMT_DHIS2_JSON || rq->format == FMT_DHIS2_CSV || rq->format == FMT_ADX ? "dhis2"
	            : rq->format == FMT_SDMX_CSV                                                         ? "sdmx"
	                                                                                                 : NULL;
	j->dry_run = rq->dry_run;
	j->dhis2 = j->scheme && strcmp(j->scheme, "dhis2") == 0;
	j->partial = rq->partial;
	j->strategy = rq->strategy;
	util_sha256_hex(rq->body, rq->len, j->res.sha256);
	j->body_hex = hex_bytea(rq->body, rq->len);

	struct fmt_result *fr = &j->fr;
	char derr[512];
	int decoded = rq->format == FMT_DHIS2_CSV && rq->csv_no_header
	                      ? fmt_decode_dhis2_csv(rq->body, rq->len, false, fr, derr, sizeof(derr))
	                      : fmt_decode(rq->format, rq->body, rq->len, rq->sdmx, fr, derr, sizeof(derr));
	if (decoded != 0) {
		j->res.status = 400;
		snprintf(j->message, sizeof(j->message), "%s", derr);
		j->error_detail = json_pack("{s:s}", "error", derr);
	} else if (fr->nrows == 0) {
		j->res.status = 422;
		snprintf(j->message, sizeof(j->message), "the submission holds no values");
		j->error_detail = json_pack("{s:s}", "error", j->message);
	} else {
		if (j->strategy == INGEST_DELETE)
			for (size_t i = 0; i < fr->nrows; i++)
				fr->rows[i].deleted = true;
		if ((j->partial && !(j->excluded = calloc(fr->nrows, sizeof(*j->excluded)))) ||
		    build_stage(j, fr) != 0 || !j->body_hex) {
			j->res.status = 503;
			snprintf(j->message, sizeof(j->message), "out of memory; send again later");
		}
	}
	j->res.rows = fr->nrows;
	if (j->res.status == 503)
		return finish(j);
	if (j->res.status >= 400 && j->dry_run)
		return finish(j);
	if (db_acquire(db, on_conn, j) != 0) {
		if (j->res.status >= 400) { /* refuse what is wrong even without the audit */
			log_warn("a refused submission could not be recorded: database unavailable", "reporter=%s",
			         j->reporter);
			return finish(j);
		}
		return fail_503(j, db_last_error(db));
	}
}
