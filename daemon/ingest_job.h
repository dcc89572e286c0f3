/* ingest_job.h - one submission on its way to the database (ingest.c sends
 * it alone, ingest_batch.c with others): what it keeps, how its outcome is
 * read from the database's answers, its receipt and its answer. Internal
 * to the ingest: the rest of the daemon uses ingest.h. */
#ifndef MESTAT_INGEST_JOB_H
#define MESTAT_INGEST_JOB_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>

#include "ingest_types.h"
#include "store.h"

struct db;
struct db_conn;
struct receipt_key;

/* Where a submission alone is in ingest.c's steps. */
enum ingest_state { S_OPEN, S_REPLAY, S_VALIDATE, S_STRATEGY, S_APPLY, S_COMMIT, S_ROLLBACK, S_AUDIT };

/* One submission, from its decoded body to its answer. */
struct job {
	struct db *db;
	struct db_conn *conn;
	struct receipt_key *key; /* a reference: a reload may replace the key meanwhile */
	ingest_cb cb;
	void *arg;
	enum ingest_state state;
	bool retried_lookup; /* the same body was committed meanwhile: opened again */
	/* copies of the request */
	char *reporter, *client_identity, *via, *source, *content_type, *idem;
	const char *format_name;
	const char *scheme;
	char *body_hex; /* \x... for the bytea parameter */
	size_t body_hex_len;
	bool dry_run;
	bool dhis2;       /* validate with mestat.dhis2_validate() */
	bool partial;     /* store the valid rows, refuse the others */
	PGresult *opened; /* ingest_open's answer, when sent with VALIDATE and APPLY */
	struct job *next; /* waiting for a connection, with others it may share it with */
	enum ingest_strategy strategy;
	/* the decoded rows: conflicts name fields as the sender wrote them */
	struct fmt_result fr;
	bool *excluded; /* per row: refused in a partial submission */
	/* the rows still in play: one array literal per staged column */
	char *stage[STORE_STAGE_COLUMNS];
	int stage_rows;
	/* outcome */
	struct ingest_result res;
	char message[512];
	char id_text[24];
	char received_at[40];
	json_t *error_detail; /* what the audit record stores */
};

/* ingest_job_together: whether J's opening, validation and storing go in
 * one round trip (a native submission that is not partial). */
bool ingest_job_together(const struct job *j);

/* ingest_job_free: J and everything it holds. */
void ingest_job_free(struct job *j);

/* ingest_job_forget_outcome: J as before it was sent: no answer, outcome
 * or id read yet (its batch was rolled back; it goes again alone). */
void ingest_job_forget_outcome(struct job *j);

/* ingest_job_finish: release J's connection, tell the caller, free J. */
void ingest_job_finish(struct job *j);

/* ingest_job_fail_503: nothing stored, the database unavailable (WHY
 * logged); finish J. */
void ingest_job_fail_503(struct job *j, const char *why);

/* ingest_job_open_params: mestat.ingest_open's eleven parameters for J
 * (store_ingest.h). */
void ingest_job_open_params(const struct job *j, const char *p[11]);

/* ingest_job_take_opened: row ROW of ingest_open's answer O (or of
 * ingest_batch_open's): true for a replay (its receipt is the answer), else
 * J's id and time of receipt. */
bool ingest_job_take_opened(struct job *j, const PGresult *o, int row);

/* ingest_job_refusal_detail: what J's audit record keeps of its refusal. */
void ingest_job_refusal_detail(struct job *j);

/* ingest_job_add_errors: the refused rows of R (seq, loc, field, status,
 * reason) appended to J's errors, marked excluded in a partial submission. */
void ingest_job_add_errors(struct job *j, const PGresult *r);

/* ingest_job_add_error_rows: the same from rows FROM to TO (excluded) of
 * R, whose columns seq, loc... begin at column AT. */
void ingest_job_add_error_rows(struct job *j, const PGresult *r, int from, int to, int at);

/* ingest_job_rows_verdict: the status of a refusal for J's errors (the
 * worst of them), its message in j->message. */
int ingest_job_rows_verdict(struct job *j);

/* ingest_job_take_counts: new, revised, unchanged, deleted from column AT
 * of row ROW of R, the warnings after them. */
void ingest_job_take_counts(struct job *j, const PGresult *r, int row, int at);

/* ingest_job_make_receipt: J's receipt, signed; -1 when it cannot be. */
int ingest_job_make_receipt(struct job *j);

/* ingest_job_committed: J's transaction committed (in a batch of BATCH):
 * 201, and the log line. */
void ingest_job_committed(struct job *j, int batch);

/* ingest_job_refused_log: the log line of J's refusal (in a batch of BATCH). */
void ingest_job_refused_log(const struct job *j, int batch);

#endif
