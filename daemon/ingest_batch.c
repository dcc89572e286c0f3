/* ingest_batch.c - submissions that wait for a connection share it: when
 * one is handed out, the native submissions waiting (of mestat's own codes,
 * not partial, not dry runs), up to BATCH_MAX of different reporters,
 * BATCH_ROWS rows and BATCH_BYTES, go in one transaction, in two round
 * trips:
 *
 *   BEGIN, mestat.ingest_batch_open() (067: each opened, or its earlier
 *   receipt found), every row of the batch staged by one statement, each
 *   taking the id opened in its place; mestat.ingest_batch_check(), the
 *   validation of them all
 *   (065_ingest_batch_check.sql: each judged as alone; a refusal keeps
 *   nothing of it), then mestat.ingest_batch_apply(): the rows kept stored,
 *   scored and counted by shared statements (064_ingest_batch.sql); then
 *   every receipt signed, and written with the refusals' outcomes by
 *   mestat.ingest_batch_close() (066), and COMMIT.
 *
 * Each is answered after the COMMIT, as alone. Any statement's error rolls
 * the batch back, and each submission goes again alone, so that its own
 * answer (a 23505 replay, a 409) is what it would have been; a lost
 * connection answers 503 for each, nothing committed. Every submission
 * asks the pool for a connection of its own as it arrives; a connection
 * that finds nobody waiting any more goes back at once.
 *
 * Pulled submissions (nobody waits for their answer) too few to fill a
 * batch do not take the pool's last connection while all the others are
 * at work on batches: they wait for more, or for a batch to end, when they
 * ask for a connection again. A batch's own statements cost about as much
 * as 6 of its submissions (8 in the replays of "Batches of 32"), and in a
 * bench/pull round of 3,000 sources 125 of its 302 transactions stored 1
 * to 8 (docs/scale.md, "Pulled submissions held for a full batch"). A push
 * never waits for this. */
#include "ingest_batch.h"

#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "log.h"
#include "scheduler.h"
#include "store_ingest.h"

#define BATCH_MAX   INGEST_BATCH_MAX
#define BATCH_ROWS  1000
#define BATCH_BYTES (4 << 20) /* of bodies as sent, hex: two bytes a byte */
#define OPEN_PARAMS 9         /* ingest_open's that name the submission */
#define FIRST_STEPS 5         /* BEGIN, the opening, the staging, the check, the storing */

_Static_assert(FIRST_STEPS <= DB_PIPELINE_MAX, "a batch's first round trip must fit one pipeline");

static struct job *waiting, *waiting_tail;
static int batches; /* in flight, sent and not yet ended (mestatd ingests through one pool) */
/* starts a submission alone on a connection (ingest.c) */
static db_acquire_cb alone;

struct batch {
	struct db *db;
	struct db_conn *conn;
	int n;
	bool closing;      /* the receipts and COMMIT sent */
	PGresult *opened;  /* ingest_batch_open's rows, one a submission */
	PGresult *checked; /* ingest_batch_check's rows: those refused */
	struct job *jobs[BATCH_MAX];
};

bool ingest_batch_fits(const struct job *j)
{
	return ingest_job_together(j) && !j->scheme && !j->dry_run && j->res.status == 0;
}

static void wait_add(struct job *j)
{
	j->next = NULL;
	if (waiting_tail)
		waiting_tail->next = j;
	else
		waiting = j;
	waiting_tail = j;
}

static void wait_remove(struct job *j)
{
	struct job **at = &waiting, *prev = NULL;
	while (*at && *at != j) {
		prev = *at;
		at = &(*at)->next;
	}
	if (!*at)
		return;
	*at = j->next;
	if (waiting_tail == j)
		waiting_tail = prev;
	j->next = NULL;
}

/* hold_back: whether the submissions waiting for DB should wait for more:
 * a batch is in flight, every other connection of the pool is at work on
 * one, and those waiting are all pulled and would not fill a batch
 * (BATCH_MAX submissions, BATCH_ROWS rows or BATCH_BYTES). */
static bool hold_back(const struct db *db)
{
	if (batches == 0 || batches + 1 < db_ready(db))
		return false;
	int n = 0;
	size_t rows = 0, bytes = 0;
	for (const struct job *j = waiting; j; j = j->next) {
		if (j->db != db)
			continue;
		if (strcmp(j->via, "pull") != 0)
			return false;
		n++;
		rows += j->fr.nrows;
		bytes += j->body_hex_len;
		if (n >= BATCH_MAX || rows >= BATCH_ROWS || bytes >= BATCH_BYTES)
			return false;
	}
	return true;
}

/* take_waiting: the first submission waiting for DB, and after it those of
 * other reporters, up to BATCH_MAX, BATCH_ROWS rows and BATCH_BYTES of
 * bodies. */
static int take_waiting(const struct db *db, struct job **out)
{
	int n = 0;
	size_t rows = 0, bytes = 0;
	for (struct job *j = waiting, *next; j && n < BATCH_MAX; j = next) {
		next = j->next;
		bool mate = j->db != db;
		for (int i = 0; i < n && !mate; i++)
			mate = strcmp(out[i]->reporter, j->reporter) == 0;
		size_t size = j->body_hex_len;
		if (mate || (n > 0 && (rows + j->fr.nrows > BATCH_ROWS || bytes + size > BATCH_BYTES)))
			continue;
		wait_remove(j);
		rows += j->fr.nrows;
		bytes += size;
		out[n++] = j;
	}
	return n;
}

static void batch_step(struct db_conn *c, PGresult *r, const char *err, void *arg);

static void on_turn(struct db_conn *c, void *arg);

/* batch_ended: a batch of DB is over; the submissions it left waiting ask
 * for a connection (503 for them when the pool can give none). */
static void batch_ended(struct db *db)
{
	batches--;
	const struct job *j = waiting;
	while (j && j->db != db)
		j = j->next;
	if (!j || db_acquire(db, on_turn, db) == 0)
		return;
	for (struct job *w = waiting, *next; w; w = next) {
		next = w->next;
		if (w->db == db) {
			wait_remove(w);
			ingest_job_fail_503(w, db_last_error(db));
		}
	}
}

static void batch_free(struct batch *b)
{
	struct db *db = b->db;
	if (b->conn)
		db_release(b->conn);
	PQclear(b->opened);
	PQclear(b->checked);
	free(b);
	batch_ended(db);
}

/* batch_alone: the batch was rolled back; each submission goes again on a
 * connection of its own. */
static void batch_alone(struct batch *b)
{
	struct db *db = b->db;
	int n = b->n;
	struct job *jobs[BATCH_MAX];
	memcpy(jobs, b->jobs, sizeof(jobs));
	batch_free(b);
	for (int i = 0; i < n; i++) {
		struct job *j = jobs[i];
		ingest_job_forget_outcome(j);
		if (db_acquire(db, alone, j) != 0)
			ingest_job_fail_503(j, db_last_error(db));
	}
}

/* batch_send: the first round trip; -1 when its parameters cannot be
 * made (out of memory). */
static int batch_send(struct batch *b)
{
	const char *open_p[BATCH_MAX][11];
	const char *const *open_rows[BATCH_MAX];
	char *const *stages[BATCH_MAX];
	int rows[BATCH_MAX];
	for (int i = 0; i < b->n; i++) {
		ingest_job_open_params(b->jobs[i], open_p[i]);
		open_rows[i] = open_p[i];
		stages[i] = b->jobs[i]->stage;
		rows[i] = b->jobs[i]->stage_rows;
	}
	/* NULL where not made: each maker leaves its outputs NULL when it fails */
	char *open_a[OPEN_PARAMS] = {0}, *stage_a[STORE_STAGE_COLUMNS + 1] = {0};
	int rc = -1;
	if (store_columns(b->n, OPEN_PARAMS, open_rows, open_a) == 0 &&
	    store_stage_join(b->n, stages, rows, stage_a) == 0) {
		const struct db_step steps[FIRST_STEPS] = {
			{store_ingest_begin_sql, 0, NULL, false, NULL},
			{store_ingest_batch_open_sql, OPEN_PARAMS, (const char *const *)open_a, true, &b->opened},
			{store_stage_batch_rows_sql, STORE_STAGE_COLUMNS + 1, (const char *const *)stage_a, true, NULL},
			{store_ingest_batch_check_sql, 0, NULL, true, &b->checked},
			{store_ingest_batch_apply_sql, 0, NULL, true, NULL}};
		db_pipeline(b->conn, steps, FIRST_STEPS, batch_step, b);
		rc = 0;
	}
	for (int c = 0; c < OPEN_PARAMS; c++)
		free(open_a[c]);
	for (int c = 0; c <= STORE_STAGE_COLUMNS; c++)
		free(stage_a[c]);
	return rc;
}

/* rows_of: the rows of answer C (in the order of the ids, first column)
 * that name submission ID: [*from, *to). */
static void rows_of(const PGresult *c, long long id, int *from, int *to)
{
	int n = c ? PQntuples(c) : 0, k = 0;
	while (k < n && atoll(PQgetvalue(c, k, 0)) != id)
		k++;
	*from = k;
	while (k < n && atoll(PQgetvalue(c, k, 0)) == id)
		k++;
	*to = k;
}

/* batch_close: each submission's outcome from what the first round trip
 * returned (R: ingest_batch_apply's rows); the receipts and refusals
 * written with COMMIT. -1 when an answer is missing, or one cannot be
 * written (out of memory). */
static int batch_close(struct batch *b, const PGresult *r)
{
	json_t *entries = json_array();
	if (!entries || !b->checked || !b->opened || PQntuples(b->opened) != b->n)
		goto missing;
	for (int i = 0; i < b->n; i++) {
		struct job *j = b->jobs[i];
		if (ingest_job_take_opened(j, b->opened, i))
			continue;
		int from, to;
		rows_of(b->checked, j->res.submission_id, &from, &to);
		if (to > from) {
			ingest_job_add_error_rows(j, b->checked, from, to, 1);
			j->res.status = ingest_job_rows_verdict(j);
			ingest_job_refusal_detail(j);
			/* without its entry, the row would stay accepted: the batch goes back */
			if (json_array_append_new(entries, json_pack("{s:I, s:s, s:i, s:O}", "id",
			                                             (json_int_t)j->res.submission_id, "outcome",
			                                             "rejected", "http_status", j->res.status,
			                                             "error_detail", j->error_detail)) != 0)
				goto missing;
			continue;
		}
		rows_of(r, j->res.submission_id, &from, &to);
		if (to == from)
			goto missing;
		ingest_job_take_counts(j, r, from, 1);
		if (ingest_job_make_receipt(j) != 0)
			goto missing;
		char *receipt = json_dumps(j->res.receipt, JSON_COMPACT | JSON_SORT_KEYS);
		int added =
			receipt ? json_array_append_new(entries, json_pack("{s:I, s:O, s:s}", "id",
		                                                           (json_int_t)j->res.submission_id, "counts",
		                                                           json_object_get(j->res.receipt, "counts"),
		                                                           "receipt", receipt))
				: -1;
		free(receipt);
		if (added != 0)
			goto missing;
	}
	char *text = json_dumps(entries, JSON_COMPACT);
	json_decref(entries);
	if (!text)
		return -1;
	const char *p[1] = {text};
	const struct db_step steps[2] = {{store_ingest_batch_close_sql, 1, p, true, NULL},
	                                 {store_ingest_commit_sql, 0, NULL, false, NULL}};
	b->closing = true;
	db_pipeline(b->conn, steps, 2, batch_step, b);
	free(text);
	return 0;
missing:
	json_decref(entries);
	return -1;
}

static void batch_step(struct db_conn *c, PGresult *r, const char *err, void *arg)
{
	(void)c;
	struct batch *b = arg;
	if (!r && err) { /* the connection is gone: nothing was committed */
		for (int i = 0; i < b->n; i++)
			ingest_job_fail_503(b->jobs[i], err);
		return batch_free(b);
	}
	if (err) {
		log_warn("a batch of submissions was rolled back; each goes again alone", "submissions=%d error=\"%s\"",
		         b->n, err);
		return batch_alone(b);
	}
	if (!b->closing) {
		if (batch_close(b, r) != 0) {
			log_error("a batch of submissions returned no answer for one", "submissions=%d", b->n);
			return batch_alone(b);
		}
		return;
	}
	struct db_conn *conn = b->conn;
	b->conn = NULL;
	db_release(conn);
	bool stored = false;
	for (int i = 0; i < b->n; i++) {
		struct job *j = b->jobs[i];
		if (j->res.replay)
			continue; /* the earlier receipt */
		if (j->res.status >= 400) {
			ingest_job_refused_log(j, b->n);
			continue;
		}
		ingest_job_committed(j, b->n);
		stored = true;
	}
	if (stored)
		sched_poke(); /* new values: progress is recomputed soon */
	for (int i = 0; i < b->n; i++)
		ingest_job_finish(b->jobs[i]);
	batch_free(b);
}

/* on_turn: a connection for the submissions waiting: the first of them
 * alone, or several as a batch. */
static void on_turn(struct db_conn *c, void *arg)
{
	struct job *jobs[BATCH_MAX];
	if (hold_back(arg))
		return db_release(c);
	int n = take_waiting(arg, jobs);
	if (n == 0)
		return db_release(c);
	if (n == 1)
		return alone(c, jobs[0]);
	struct batch *b = calloc(1, sizeof(*b));
	if (!b) {
		db_release(c);
		for (int i = 0; i < n; i++)
			ingest_job_fail_503(jobs[i], "out of memory");
		return;
	}
	b->db = arg;
	b->conn = c;
	b->n = n;
	batches++;
	memcpy(b->jobs, jobs, sizeof(*jobs) * n);
	if (batch_send(b) != 0) {
		log_error("a batch of submissions could not be sent; each goes alone", "submissions=%d", n);
		batch_alone(b);
	}
}

int ingest_batch_wait(struct job *j, db_acquire_cb start_alone)
{
	alone = start_alone;
	wait_add(j);
	if (db_acquire(j->db, on_turn, j->db) != 0) {
		wait_remove(j);
		return -1;
	}
	return 0;
}
