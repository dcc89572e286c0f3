/* ingest_job.c - one submission on its way to the database: what it keeps,
 * how its outcome is read from the database's answers (the opening, the
 * rows refused, the counts), its receipt and its answer. The steps that
 * send its statements are in ingest.c (alone) and ingest_batch.c (with
 * others). */
#include "ingest_job.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "log.h"
#include "receipt.h"

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

/* ingest_job_together: OPEN, VALIDATE and APPLY in one round trip (a
 * native submission that is not partial; see the top of ingest.c). */
bool ingest_job_together(const struct job *j)
{
	return !j->dhis2 && !j->partial;
}

void ingest_job_forget_outcome(struct job *j)
{
	PQclear(j->opened);
	j->opened = NULL;
	json_decref(j->res.errors);
	json_decref(j->res.receipt);
	json_decref(j->res.warnings);
	json_decref(j->error_detail);
	j->res.errors = j->res.receipt = j->res.warnings = j->error_detail = NULL;
	j->res.status = 0;
	j->res.replay = false;
	j->res.submission_id = 0;
	j->message[0] = '\0';
}

void ingest_job_free(struct job *j)
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
	ingest_job_forget_outcome(j);
	receipt_key_free(j->key);
	free(j);
}

/* ingest_job_finish: release the connection, tell the caller, free the job. */
void ingest_job_finish(struct job *j)
{
	if (j->conn)
		db_release(j->conn);
	j->conn = NULL;
	j->res.message = j->message;
	j->cb(&j->res, j->arg);
	ingest_job_free(j);
}

void ingest_job_fail_503(struct job *j, const char *why)
{
	log_warn("submission not stored: database unavailable", "reporter=%s error=\"%s\"",
	         j->reporter ? j->reporter : "-", why);
	j->res.status = 503;
	j->res.submission_id = 0;
	json_decref(j->res.receipt);
	j->res.receipt = NULL;
	snprintf(j->message, sizeof(j->message),
	         "the database is unavailable; nothing was stored; send the same body again later");
	ingest_job_finish(j);
}

/* ingest_job_open_params: ingest_open's parameters (store_ingest.h). */
void ingest_job_open_params(const struct job *j, const char *p[11])
{
	const char *v[11] = {j->reporter,
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
	memcpy(p, v, sizeof(v));
}

/* ingest_job_take_opened: row ROW of ingest_open's answer O: true for a replay
 * (the earlier receipt is the answer), else the submission's id and time. */
bool ingest_job_take_opened(struct job *j, const PGresult *o, int row)
{
	j->res.submission_id = atoll(PQgetvalue(o, row, 0));
	if (!PQgetisnull(o, row, 2)) {
		j->res.replay = true;
		j->res.status = 200;
		j->res.receipt = json_loads(PQgetvalue(o, row, 2), 0, NULL);
		snprintf(j->message, sizeof(j->message),
		         "this submission was accepted before as %lld; nothing new was stored", j->res.submission_id);
		return true;
	}
	snprintf(j->received_at, sizeof(j->received_at), "%s", PQgetvalue(o, row, 1));
	snprintf(j->id_text, sizeof(j->id_text), "%lld", j->res.submission_id);
	return false;
}

/* ingest_job_refusal_detail: what the audit record of a refusal keeps. */
void ingest_job_refusal_detail(struct job *j)
{
	if (!j->error_detail)
		j->error_detail = json_pack("{s:s}", "error", j->message);
	if (j->res.errors)
		json_object_set(j->error_detail, "errors", j->res.errors);
}

/* ingest_job_add_errors: append the refused rows of R to j->res.errors, marking them
 * excluded when the submission is partial. */
void ingest_job_add_errors(struct job *j, const PGresult *r)
{
	ingest_job_add_error_rows(j, r, 0, PQntuples(r), 0);
}

void ingest_job_add_error_rows(struct job *j, const PGresult *r, int from, int to, int at)
{
	if (!j->res.errors)
		j->res.errors = json_array();
	for (int i = from; i < to; i++) {
		int seq = atoi(PQgetvalue(r, i, at));
		const char *field = PQgetvalue(r, i, at + 2);
		const char *as_sent = sent(j, seq, field);
		json_array_append_new(
			j->res.errors,
			json_pack("{s:i, s:s, s:s, s:i, s:s, s:s, s:s?}", "row", seq, "loc", PQgetvalue(r, i, at + 1),
		                  "field", field, "status", atoi(PQgetvalue(r, i, at + 3)), "reason",
		                  PQgetvalue(r, i, at + 4), "indicator",
		                  seq >= 1 && (size_t)seq <= j->fr.nrows ? j->fr.rows[seq - 1].indicator : "", "sent",
		                  as_sent));
		if (j->excluded && seq >= 1 && (size_t)seq <= j->fr.nrows && !j->excluded[seq - 1]) {
			j->excluded[seq - 1] = true;
			j->res.refused++;
		}
	}
}

/* ingest_job_rows_verdict: the status of a refusal for the rows in j->res.errors, the
 * worst of them, and its message in j->message. */
int ingest_job_rows_verdict(struct job *j)
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
	return worst;
}

/* ingest_job_take_counts: new, revised, unchanged and deleted from column AT of row ROW
 * of R, the warnings after them. */
void ingest_job_take_counts(struct job *j, const PGresult *r, int row, int at)
{
	for (int i = 0; i < 4 && at + i < PQnfields(r); i++)
		j->res.counts[i] = atol(PQgetvalue(r, row, at + i));
	if (PQnfields(r) > at + 4 && !PQgetisnull(r, row, at + 4))
		j->res.warnings = json_loads(PQgetvalue(r, row, at + 4), 0, NULL);
	if (!j->res.warnings)
		j->res.warnings = json_array();
}

int ingest_job_make_receipt(struct job *j)
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

/* ingest_job_committed: the submission's transaction committed (in a batch of
 * BATCH): 201, and the log line. */
void ingest_job_committed(struct job *j, int batch)
{
	j->res.status = 201;
	snprintf(j->message, sizeof(j->message), "accepted");
	log_info("submission accepted",
	         "submission=%lld reporter=%s via=%s format=%s rows=%zu new=%ld revised=%ld unchanged=%ld deleted=%ld "
	         "batch=%d",
	         j->res.submission_id, j->reporter, j->via, j->format_name, j->res.rows, j->res.counts[0],
	         j->res.counts[1], j->res.counts[2], j->res.counts[3], batch);
}

void ingest_job_refused_log(const struct job *j, int batch)
{
	log_info("submission refused", "submission=%lld reporter=%s via=%s status=%d reason=\"%s\" batch=%d",
	         j->res.submission_id, j->reporter, j->via, j->res.status, j->message, batch);
}
