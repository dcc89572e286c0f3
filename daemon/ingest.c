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
 * Native submissions that wait for a connection together share it: a
 * batch, in one transaction of two round trips, each still validated,
 * refused and answered on its own (ingest_batch.c).
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
#include "ingest_batch.h"
#include "ingest_job.h"
#include "log.h"
#include "receipt.h"
#include "scheduler.h"
#include "store.h"
#include "store_ingest.h"
#include "util.h"

static void step(struct db_conn *c, PGresult *r, const char *err, void *arg);

static void refuse(struct job *j, int status);

/* sql_failed: a statement failed. Connection, resource and read-only
 * failures are the database's state: 503, try later. A period closed
 * between validation and storing (MS409) is 409. Anything else is a fault
 * of ours: 500, logged, nothing stored. */
static void sql_failed(struct job *j, PGresult *r, const char *err);

/* build_stage: the rows still in play, as the staging statement's arrays
 * (store.c). */
static int build_stage(struct job *j, const struct fmt_result *fr)
{
	for (int c = 0; c < STORE_STAGE_COLUMNS; c++)
		free(j->stage[c]);
	j->stage_rows = store_stage_rows(fr, j->excluded, j->stage);
	return j->stage_rows < 0 ? -1 : 0;
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
		return ingest_job_fail_503(j, err);
	log_error("submission failed in the database", "reporter=%s sqlstate=%s error=\"%s\"", j->reporter, state, err);
	j->res.status = 500;
	j->res.submission_id = 0;
	snprintf(j->message, sizeof(j->message),
	         "the submission could not be stored because of an internal error (SQLSTATE %s); nothing was stored; "
	         "the operators have it in their log",
	         state);
	ingest_job_finish(j);
}

/* ---- the steps ---- */

static void do_open(struct job *j)
{
	j->state = S_OPEN;
	const char *p[11];
	ingest_job_open_params(j, p);
	PQclear(j->opened);
	j->opened = NULL;
	if (!ingest_job_together(j)) {
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
	ingest_job_refusal_detail(j);
	j->state = S_ROLLBACK;
	db_query(j->conn, store_ingest_rollback_sql, 0, NULL, step, j);
}

/* refuse_rows: the submission refused for the rows in j->res.errors. */
static void refuse_rows(struct job *j)
{
	refuse(j, ingest_job_rows_verdict(j));
}

/* applied: the rows stored (R: new, revised, unchanged and deleted from
 * column AT, the warnings after them): a dry run rolls back; else the
 * receipt is signed, and written with COMMIT. */
static void applied(struct job *j, PGresult *r, int at)
{
	ingest_job_take_counts(j, r, 0, at);
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
	if (ingest_job_make_receipt(j) != 0)
		return ingest_job_fail_503(j, "cannot sign the receipt");
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
		return ingest_job_finish(j);
	if (!r && err) /* the connection is gone: nothing was committed */
		return ingest_job_fail_503(j, err);
	switch (j->state) {
	case S_REPLAY: return ingest_job_finish(j); /* handled above, before the connection check */
	case S_OPEN: {
		/* ingest_open's answer: R, or kept apart when VALIDATE and APPLY
		 * came with it (then an error with no answer kept is its own) */
		const PGresult *o = ingest_job_together(j) ? j->opened : r;
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
		if (ingest_job_take_opened(j, o, 0)) {
			j->state = S_REPLAY;
			return db_query(j->conn, store_ingest_rollback_sql, 0, NULL, step, j);
		}
		if (!ingest_job_together(j))
			return stage_and_validate(j, j->partial ? store_ingest_savepoint_sql : NULL);
		/* the validation's refusals (no counts), or the rows stored and scored */
		if (PQntuples(r) == 0)
			return sql_failed(j, r, "validating and storing the submission returned no row");
		if (PQgetisnull(r, 0, 5)) {
			ingest_job_add_errors(j, r);
			return refuse_rows(j);
		}
		return applied(j, r, 5);
	}
	case S_VALIDATE:
		if (err)
			return sql_failed(j, r, err);
		if (PQntuples(r) > 0) {
			size_t before = j->res.refused;
			ingest_job_add_errors(j, r);
			/* go round again only if this pass set more rows aside */
			if (j->partial && j->res.refused > before && j->res.refused < j->fr.nrows) {
				if (build_stage(j, &j->fr) != 0)
					return ingest_job_fail_503(j, "out of memory");
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
		sched_poke(); /* new values: progress is recomputed soon */
		ingest_job_committed(j, 1);
		return ingest_job_finish(j);
	case S_ROLLBACK:
		if (err)
			return sql_failed(j, r, err);
		if (j->res.status == -1) { /* unique violation: the first receipt wins */
			j->res.status = 0;
			return do_open(j);
		}
		if (j->dry_run) { /* a dry run stores nothing, not even a refusal */
			j->res.submission_id = 0;
			return ingest_job_finish(j);
		}
		j->state = S_AUDIT;
		return do_insert(j, "rejected", j->res.status);
	case S_AUDIT:
		if (err)
			log_error("cannot record a refused submission", "reporter=%s error=\"%s\"", j->reporter, err);
		else
			j->res.submission_id = atoll(PQgetvalue(r, 0, 0));
		ingest_job_refused_log(j, 1);
		return ingest_job_finish(j);
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
	j->body_hex_len = 2 * rq->len + 2;

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
		return ingest_job_finish(j);
	if (j->res.status >= 400 && j->dry_run)
		return ingest_job_finish(j);
	if (ingest_batch_fits(j)) {
		if (ingest_batch_wait(j, on_conn) != 0)
			return ingest_job_fail_503(j, db_last_error(db));
		return;
	}
	if (db_acquire(db, on_conn, j) != 0) {
		if (j->res.status >= 400) { /* refuse what is wrong even without the audit */
			log_warn("a refused submission could not be recorded: database unavailable", "reporter=%s",
			         j->reporter);
			return ingest_job_finish(j);
		}
		return ingest_job_fail_503(j, db_last_error(db));
	}
}
