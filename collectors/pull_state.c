/* pull_state.c - the collectors' rows in mestat.source_state: claiming a
 * round, storing its outcome, and reading the schedule at start.
 *
 * Several mestatd may share one database. Each round of a source is claimed
 * with one statement before anything is fetched:
 *
 *   INSERT INTO mestat.source_state ... ON CONFLICT (name) DO UPDATE
 *      SET next_run = now() + lease ... WHERE next_run IS NULL OR next_run <= now()
 *   RETURNING <validators>
 *
 * (The WHERE clause also lets a changed URL, or a next_run further out than
 * this configuration's interval allows, be claimed at once.)
 *
 * The row lock taken by the upsert serialises competing instances, and in
 * READ COMMITTED the loser re-evaluates the WHERE clause on the winner's
 * committed row, finds next_run in the future and gets no row back: exactly
 * one instance pulls per round. This was preferred to pg_try_advisory_lock,
 * which would pin one of the few pool connections for the whole transfer
 * and, once released, would not stop a slower instance from pulling the same
 * round again. The lease (timeout + 60 s) lets another instance take over
 * when the winner dies mid-pull; the winner overwrites next_run when it
 * stores the outcome. The claim also returns the ETag, Last-Modified, body
 * hash and last success, so validators are shared by all instances and
 * survive restarts. The statements are the store's (store_pull.c); a batch
 * of sources claims, or stores its outcomes, in one (pull_batch.c). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "context.h"
#include "db.h"
#include "log.h"
#include "pull_internal.h"
#include "store_pull.h"
#include "util.h"

/* ---- claim ---- */

/* claim_failed: the database could not be asked (or REFUSED the state row,
 * e.g. for a reporter it does not know); nothing was fetched and nothing can
 * be recorded. Try again later, backing off. */
void claim_failed(struct source *s, const char *why, bool refused)
{
	if (s->conn)
		db_release(s->conn);
	s->conn = NULL;
	s->claim_failures++;
	double delay = util_backoff(s->pc->retry_min, s->pc->retry_max, s->claim_failures) * util_jitter();
	if (refused)
		log_error("cannot pull: the database refuses the source's state row",
		          "source=%s reporter=%s error=\"%s\"", s->name, s->pc->reporter, why);
	else if (s->claim_failures == 1)
		log_warn("cannot pull: the database is unavailable", "source=%s error=\"%s\" retry_in=%.1fs", s->name,
		         why, delay);
	round_end(s, delay);
}

static char *get_or_null(PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? NULL : strdup(PQgetvalue(r, row, col));
}

static void on_next_run(struct db_conn *c, PGresult *r, const char *err, void *arg)
{
	struct source *s = arg;
	double delay = s->pc->interval * util_jitter();
	if (!err && r && PQntuples(r) == 1 && !PQgetisnull(r, 0, 0)) {
		double until = atof(PQgetvalue(r, 0, 0)) + util_rand(0.05, 0.25);
		if (until < delay)
			delay = until;
	}
	db_release(c);
	s->conn = NULL;
	log_debug("pull not due: another mestatd has this round", "source=%s next_in=%.1fs", s->name, delay);
	round_end(s, delay);
}

static void on_lost_conn(struct db_conn *c, void *arg)
{
	struct source *s = arg;
	s->conn = c;
	store_pull_next_run(c, s->name, on_next_run, s);
}

/* claim_lost: another mestatd has this round; ask when it ends. */
static void claim_lost(struct source *s)
{
	if (db_acquire(pulls.d->db, on_lost_conn, s) != 0)
		round_end(s, s->pc->interval * util_jitter());
}

/* claim_won: S is claimed, its state is row I of R; it waits for a slot. */
static void claim_won(struct source *s, PGresult *r, int i)
{
	s->url_same = strcmp(PQgetvalue(r, i, 1), "t") == 0;
	s->old_etag = get_or_null(r, i, 2);
	s->old_lm = get_or_null(r, i, 3);
	s->old_sha = get_or_null(r, i, 4);
	s->since = get_or_null(r, i, 5);
	s->failures = atoi(PQgetvalue(r, i, 6));
}

static void on_claimed(struct db_conn *c, PGresult *r, const char *err, void *arg)
{
	struct batch *b = arg;
	stage_landed(b);
	if (err) {
		batch_error(b, c, r, err);
		return;
	}
	bool *won = calloc((size_t)b->n, sizeof(*won));
	for (int i = 0; won && i < PQntuples(r); i++) {
		int k = batch_find(b, PQgetvalue(r, i, 0), i);
		if (k >= 0 && !won[k]) {
			won[k] = true;
			claim_won(b->v[k], r, i);
		}
	}
	db_release(c);
	for (int k = 0; k < b->n; k++) {
		struct source *s = b->v[k];
		s->claim_failures = 0;
		if (!won) /* out of memory: nothing fetched; the lease runs out by itself */
			round_end(s, s->pc->interval * util_jitter());
		else if (!won[k])
			claim_lost(s);
		else if (s->removed || pulls.d->stopping) /* nothing fetched; the lease runs out by itself */
			round_end(s, s->pc->interval);
		else
			ready_push(s);
	}
	free(won);
	free(b);
	pump();
}

static void claim_params(struct source *s, const char **p, char num[5][32])
{
	snprintf(num[0], 32, "%.3f", lease_of(s->pc));
	snprintf(num[1], 32, "%.3f", horizon_of(s->pc));
	const char *v[6] = {s->name, s->pc->reporter, s->pc->url, s->pc->format_name, num[0], num[1]};
	memcpy(p, v, sizeof(v));
}

const struct stage_ops claim_ops = {store_pull_claim, STORE_PULL_CLAIM_ARRAYS, claim_params, on_claimed, claim_failed};

/* ---- outcome ---- */

/* local_delay: when S's next round is due: an interval after a success;
 * after a failure, the backoff for the failures in a row including this one
 * (those the claim read, plus one), jittered. */
double local_delay(const struct source *s)
{
	if (is_success(s->outcome))
		return s->pc->interval * util_jitter();
	return util_backoff(s->pc->retry_min, s->pc->retry_max, s->failures + 1) * util_jitter();
}

/* save_params: the values of S's outcome in store_pull_save()'s order, into
 * P; NUM holds the numbers. */
static void save_params(struct source *s, const char **p, char num[5][32])
{
	bool ok = is_success(s->outcome);
	/* A 304 may refresh the validators; a new accepted (or already known)
	 * body replaces them. */
	bool validators = s->set_validators || strcmp(s->outcome, "not_modified") == 0;
	if (s->submission)
		snprintf(num[0], 32, "%lld", s->submission);
	snprintf(num[1], 32, "%.3f", local_delay(s));
	const char *v[12] = {
		s->name,
		s->pc->reporter,
		s->pc->url,
		s->pc->format_name,
		ok ? NULL : s->outcome,
		ok ? NULL : s->message,
		validators ? s->new_etag : NULL,
		validators ? s->new_lm : NULL,
		s->set_validators && s->sha[0] ? s->sha : NULL,
		s->submission ? num[0] : NULL,
		num[1],
		s->set_validators ? "true" : "false",
	};
	memcpy(p, v, sizeof(v));
}

/* save_failed: S's outcome could not be written (whether the database
 * refused it or could not be asked); its next round is scheduled from what
 * this daemon knows. */
static void save_failed(struct source *s, const char *why, bool refused)
{
	(void)refused;
	log_warn("cannot store the outcome of a pull", "source=%s error=\"%s\"", s->name, why);
	round_end(s, local_delay(s));
}

static void on_saved(struct db_conn *c, PGresult *r, const char *err, void *arg)
{
	struct batch *b = arg;
	stage_landed(b);
	if (err) {
		batch_error(b, c, r, err);
		return;
	}
	double *delay = malloc((size_t)b->n * sizeof(*delay));
	bool *done = calloc((size_t)b->n, sizeof(*done));
	for (int i = 0; delay && done && i < PQntuples(r); i++) {
		int k = batch_find(b, PQgetvalue(r, i, 0), i);
		if (k >= 0) {
			done[k] = true;
			delay[k] = atof(PQgetvalue(r, i, 2));
		}
	}
	db_release(c);
	for (int k = 0; k < b->n; k++) {
		struct source *s = b->v[k];
		if (done && delay && done[k])
			round_end(s, delay[k]);
		else
			save_failed(s, done && delay ? "its state row was written meanwhile" : "out of memory", false);
	}
	free(delay);
	free(done);
	free(b);
	stage_flush(&pulls.saves);
}

const struct stage_ops save_ops = {store_pull_save, STORE_PULL_SAVE_ARRAYS, save_params, on_saved, save_failed};

/* ---- start: the schedule as the database has it ---- */

static void on_load_timer(evutil_socket_t fd, short what, void *arg);

static void retry_load(void)
{
	struct timeval tv = {0, (long)(PULL_LOAD_RETRY * 1e6)};
	evtimer_add(pulls.load_timer, &tv);
}

static void on_loaded(struct db_conn *c, PGresult *r, const char *err, void *arg)
{
	(void)arg;
	if (err) {
		db_release(c);
		log_warn("cannot read the pull sources' state; trying again", "error=\"%s\"", err);
		retry_load();
		return;
	}
	int n = PQntuples(r), due = 0;
	struct name_ix *rows = malloc((size_t)(n ? n : 1) * sizeof(*rows));
	if (!rows) {
		db_release(c);
		log_warn("cannot read the pull sources' state: out of memory; trying again");
		retry_load();
		return;
	}
	for (int i = 0; i < n; i++)
		rows[i] = (struct name_ix){PQgetvalue(r, i, 0), (void *)(intptr_t)(i + 1)};
	ix_sort(rows, (size_t)n);
	pulls.loaded = true;
	for (struct source *s = pulls.sources; s; s = s->next) {
		if (s->scheduled || s->removed)
			continue;
		double delay = first_delay(s->conf);
		int i = (int)(intptr_t)ix_find(rows, (size_t)n, s->name) - 1;
		/* Same URL and a schedule: keep it. Overdue sources are due now
		 * (they queue behind max_parallel_pulls); a changed URL or no
		 * schedule yet counts as a new source. */
		if (i >= 0 && !PQgetisnull(r, i, 2) && strcmp(PQgetvalue(r, i, 1), s->conf->url) == 0) {
			double until = atof(PQgetvalue(r, i, 2));
			if (until <= 0)
				delay = 0;
			else if (until <= horizon_of(s->conf) || until <= lease_of(s->conf))
				delay = until + util_rand(0, 0.25);
		}
		if (delay == 0)
			due++;
		arm(s, delay);
	}
	free(rows);
	db_release(c);
	log_info("pull collectors scheduled", "known=%d overdue=%d max_parallel_pulls=%ld", n, due, pulls.max_parallel);
}

static void on_load_conn(struct db_conn *c, void *arg)
{
	(void)arg;
	store_pull_schedule(c, on_loaded, NULL);
}

static void on_load_timer(evutil_socket_t fd, short what, void *arg)
{
	(void)fd, (void)what, (void)arg;
	if (pulls.d->stopping)
		return;
	if (db_acquire(pulls.d->db, on_load_conn, NULL) != 0) {
		if (!pulls.waiting_logged)
			log_info("pull collectors wait for the database", "error=\"%s\"",
			         db_last_error(pulls.d->db)[0] ? db_last_error(pulls.d->db) : "still connecting");
		pulls.waiting_logged = true;
		retry_load();
	}
}

void state_load(void)
{
	if (!pulls.load_timer)
		pulls.load_timer = evtimer_new(pulls.d->base, on_load_timer, NULL);
	if (!pulls.load_timer) {
		log_error("cannot read the pull sources' state: out of memory; they are not scheduled");
		return;
	}
	on_load_timer(-1, 0, NULL);
}
