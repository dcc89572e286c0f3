/* scheduler.c - runs SELECT mestat.recompute_progress() from libevent timers
 * through the database pool, never blocking the loop.
 *
 * A run takes one pooled connection for five statements (store_schedule.c):
 *   SELECT pg_try_advisory_lock(KEY)      -- false: another daemon is at it
 *   SELECT mestat.lock_expired()          -- lock periods past lock_days
 *   SELECT mestat.recompute_progress()    -- the snapshot id
 *   SELECT mestat.quality_refresh()       -- report.data_quality as fresh
 *          , mestat.analyze_report_tables() -- and the new rows' statistics
 *   SELECT pg_advisory_unlock(KEY)
 * The lock is a session lock, so it must be released on the same connection
 * before the connection goes back to the pool; if the connection breaks the
 * server releases it with the session. With several mestatd instances on one
 * database, the ones that find the lock taken skip that round (logged at
 * debug): they would only recompute the same thing again.
 *
 * Triggers: a persistent timer every recompute_interval, a one-shot timer
 * that sched_poke() (re)arms recompute_delay ahead, so a burst of
 * submissions ends in one run (an incremental one,
 * mestat.recompute_progress_incremental(): the submissions queued what they
 * changed in mestat.progress_pending), and one run at start when no snapshot exists
 * yet, so that evaluators do not find report.progress empty for the first
 * recompute_interval after an installation. That start run asks
 *   SELECT CASE WHEN EXISTS (snapshot) THEN NULL ELSE recompute_progress() END
 * under the same lock, and is tried again every SCHED_START_RETRY seconds
 * while the database cannot be reached. A trigger that fires while a run
 * is in flight asks for one more run after it, since the run in flight may
 * have read the data before the last submission committed.
 *
 * Apart from that, every session_purge_interval one pooled connection runs
 *   SELECT mestat.console_session_purge()
 * which deletes the console sessions that ended more than 30 days ago. It
 * takes no lock: two daemons deleting the same rows do no harm. */
#include "scheduler.h"

#include <event2/event.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "context.h"
#include "db.h"
#include "log.h"
#include "metrics.h"
#include "store_schedule.h"
#include "util.h"

/* How long a stream of pokes may postpone a run, in recompute_delays. */
#define SCHED_MAX_POSTPONE 6

/* Seconds between tries of the start run while no connection is up. */
#define SCHED_START_RETRY 0.5

static struct {
	struct daemon *d;
	struct event *tick;  /* every interval */
	struct event *soon;  /* delay after the last poke */
	struct event *start; /* the start run, until it has run */
	bool start_pending;  /* the start run has not been done */
	double interval, delay;
	bool running;        /* a run holds a connection */
	bool again;          /* a trigger came during the run */
	bool poke_pending;   /* soon is armed */
	double first_poke;   /* when the pending pokes began */
	double started;      /* when recompute_progress() was sent */
	const char *trigger; /* "interval", "submission" or "start" */
	struct event *purge; /* every purge_interval */
	double purge_interval;
	bool purging; /* a purge holds a connection */
} sched;

static struct timeval tv_of(double s)
{
	struct timeval tv;
	if (s < 0)
		s = 0;
	tv.tv_sec = (long)s;
	tv.tv_usec = (long)((s - (double)tv.tv_sec) * 1e6);
	return tv;
}

/* finish: the run is over; give the connection back and honour a trigger
 * that came meanwhile. */
static void finish(struct db_conn *c)
{
	db_release(c);
	sched.running = false;
	if (sched.start_pending && sched.start) { /* the start run did not get its answer */
		struct timeval tv = tv_of(SCHED_START_RETRY);
		evtimer_add(sched.start, &tv);
	}
	if (sched.again && sched.soon) {
		sched.again = false;
		struct timeval tv = tv_of(sched.delay);
		sched.poke_pending = true;
		sched.first_poke = util_now_mono();
		evtimer_add(sched.soon, &tv);
	}
}

static void on_unlocked(struct db_conn *c, PGresult *res, const char *err, void *arg)
{
	(void)res, (void)arg;
	if (err)
		log_warn("could not release the recompute lock; the connection is reset", "error=\"%s\"", err);
	finish(c);
}

/* on_quality: the data quality statistics caught up with the run (and
 * with what changed before it). */
static void on_quality(struct db_conn *c, PGresult *res, const char *err, void *arg)
{
	(void)arg;
	if (!res) { /* the connection broke: the server dropped the lock with it */
		finish(c);
		return;
	}
	if (err || PQntuples(res) != 1 || PQnfields(res) != 2)
		log_warn("data quality statistics not refreshed", "error=\"%s\"", err ? err : "no result");
	else if (strcmp(PQgetvalue(res, 0, 0), "0") != 0 || strcmp(PQgetvalue(res, 0, 1), "0") != 0)
		log_info("data quality statistics refreshed", "pairs=%s analyzed=%s", PQgetvalue(res, 0, 0),
		         PQgetvalue(res, 0, 1));
	store_recompute_unlock(c, on_unlocked, NULL);
}

static void on_recomputed(struct db_conn *c, PGresult *res, const char *err, void *arg)
{
	(void)arg;
	double secs = util_now_mono() - sched.started;
	bool start = strcmp(sched.trigger, "start") == 0;
	if (start && !err && res && PQntuples(res) == 1 && PQgetisnull(res, 0, 0)) {
		log_debug("progress snapshots exist; no recomputation at start");
	} else if (!err && res && PQntuples(res) == 1 && PQgetisnull(res, 0, 0)) {
		log_debug("no change queued since the last progress run", "trigger=%s", sched.trigger);
	} else if (err || !res || PQntuples(res) != 1) {
		log_error("progress recomputation failed", "error=\"%s\" seconds=%.3f trigger=%s",
		          err ? err : "no result", secs, sched.trigger);
		metrics_recompute(0, secs);
	} else {
		log_info("progress recomputed", "snapshot=%s seconds=%.3f trigger=%s", PQgetvalue(res, 0, 0), secs,
		         sched.trigger);
		metrics_recompute(1, secs);
	}
	if (res)
		sched.start_pending = false; /* asked once, answered: no need to ask again */
	if (!res) {                          /* the connection broke: the server dropped the lock with it */
		finish(c);
		return;
	}
	store_quality_refresh(c, on_quality, NULL);
}

/* on_expired: periods past due_date + lock_days were locked (lock_days =
 * 0: none); then the recomputation, which they do not change. */
static void on_expired(struct db_conn *c, PGresult *res, const char *err, void *arg)
{
	(void)arg;
	if (!res) { /* the connection broke: the server dropped the lock with it */
		finish(c);
		return;
	}
	if (err)
		log_warn("periods past lock_days not locked", "error=\"%s\"", err);
	else if (PQntuples(res) == 1 && strcmp(PQgetvalue(res, 0, 0), "0") != 0)
		log_info("periods locked after lock_days", "count=%s", PQgetvalue(res, 0, 0));
	sched.started = util_now_mono();
	enum store_recompute_kind kind = STORE_RECOMPUTE_FULL;
	if (strcmp(sched.trigger, "start") == 0)
		kind = STORE_RECOMPUTE_IF_EMPTY;
	else if (strcmp(sched.trigger, "submission") == 0)
		kind = STORE_RECOMPUTE_INCREMENTAL; /* only what the queued changes can alter */
	store_recompute(c, kind, on_recomputed, NULL);
}

static void on_locked(struct db_conn *c, PGresult *res, const char *err, void *arg)
{
	(void)arg;
	if (err || !res || PQntuples(res) != 1) {
		log_warn("progress not recomputed: cannot take the recompute lock", "error=\"%s\"",
		         err ? err : "no result");
		finish(c);
		return;
	}
	if (strcmp(PQgetvalue(res, 0, 0), "t") != 0) {
		log_debug("another mestatd is recomputing progress; skipping this round", "trigger=%s", sched.trigger);
		sched.start_pending = false; /* the other one fills the snapshot table */
		finish(c);
		return;
	}
	store_lock_expired(c, on_expired, NULL);
}

static void on_conn(struct db_conn *c, void *arg)
{
	(void)arg;
	store_recompute_lock(c, on_locked, NULL);
}

/* run: start a run for TRIGGER. Returns 0 when it started (or is asked for
 * after the run in flight), -1 when no database connection is up. */
static int run(const char *trigger)
{
	if (sched.d->stopping)
		return 0;
	if (sched.running) {
		sched.again = true;
		return 0;
	}
	sched.running = true;
	sched.trigger = trigger;
	if (db_acquire(sched.d->db, on_conn, NULL) != 0) {
		sched.running = false;
		return -1;
	}
	return 0;
}

static void on_tick(evutil_socket_t fd, short what, void *arg)
{
	(void)fd, (void)what, (void)arg;
	if (run("interval") != 0)
		log_warn("progress not recomputed: the database is unavailable", "trigger=interval");
}

static void on_soon(evutil_socket_t fd, short what, void *arg)
{
	(void)fd, (void)what, (void)arg;
	sched.poke_pending = false;
	if (run("submission") != 0)
		log_warn("progress not recomputed: the database is unavailable", "trigger=submission");
}

/* on_start: the start run, tried until a connection is up and free; quiet
 * meanwhile (the pool logs why the database cannot be reached). A run in
 * flight is waited for too: it may be the one that fills the table. */
static void on_start(evutil_socket_t fd, short what, void *arg)
{
	(void)fd, (void)what, (void)arg;
	if (!sched.start_pending || sched.d->stopping)
		return;
	if (sched.running || run("start") != 0) {
		struct timeval tv = tv_of(SCHED_START_RETRY);
		evtimer_add(sched.start, &tv);
	}
}

/* ---- console sessions ---- */

static void on_purged(struct db_conn *c, PGresult *res, const char *err, void *arg)
{
	(void)arg;
	if (err || !res || PQntuples(res) != 1)
		log_warn("ended console sessions not purged", "error=\"%s\"", err ? err : "no result");
	else if (strcmp(PQgetvalue(res, 0, 0), "0") != 0)
		log_info("ended console sessions purged", "sessions=%s", PQgetvalue(res, 0, 0));
	db_release(c);
	sched.purging = false;
}

static void on_purge_conn(struct db_conn *c, void *arg)
{
	(void)arg;
	store_session_purge(c, on_purged, NULL);
}

static void on_purge(evutil_socket_t fd, short what, void *arg)
{
	(void)fd, (void)what, (void)arg;
	if (sched.purging || sched.d->stopping)
		return;
	sched.purging = true;
	if (db_acquire(sched.d->db, on_purge_conn, NULL) != 0) {
		sched.purging = false;
		log_warn("ended console sessions not purged: the database is unavailable");
	}
}

static void arm_purge(void)
{
	event_del(sched.purge);
	if (sched.purge_interval > 0) {
		struct timeval tv = tv_of(sched.purge_interval);
		event_add(sched.purge, &tv);
	}
}

static void arm_tick(void)
{
	event_del(sched.tick);
	if (sched.interval > 0) {
		struct timeval tv = tv_of(sched.interval);
		event_add(sched.tick, &tv);
	}
}

void sched_start(struct daemon *d)
{
	sched.d = d;
	sched.interval = d->cf->recompute_interval;
	sched.delay = d->cf->recompute_delay;
	sched.tick = event_new(d->base, -1, EV_PERSIST, on_tick, NULL);
	sched.soon = evtimer_new(d->base, on_soon, NULL);
	sched.start = evtimer_new(d->base, on_start, NULL);
	sched.purge = event_new(d->base, -1, EV_PERSIST, on_purge, NULL);
	sched.purge_interval = d->cf->session_purge_interval;
	if (!sched.tick || !sched.soon || !sched.start || !sched.purge) {
		log_error("cannot arm the progress recomputation timers; progress will not be recomputed");
		sched_stop();
		return;
	}
	arm_tick();
	arm_purge();
	sched.start_pending = true;
	struct timeval now = {0, 0};
	evtimer_add(sched.start, &now);
	log_info("progress recomputation scheduled", "interval=%.0fs delay=%.0fs", sched.interval, sched.delay);
}

void sched_reconfigure(const struct config *cf)
{
	bool changed = cf->recompute_interval != sched.interval;
	sched.interval = cf->recompute_interval;
	sched.delay = cf->recompute_delay;
	if (changed && sched.tick)
		arm_tick();
	if (cf->session_purge_interval != sched.purge_interval && sched.purge) {
		sched.purge_interval = cf->session_purge_interval;
		arm_purge();
	}
}

void sched_poke(void)
{
	if (!sched.soon)
		return;
	double now = util_now_mono();
	if (!sched.poke_pending) {
		sched.poke_pending = true;
		sched.first_poke = now;
	} else if (now - sched.first_poke + sched.delay > SCHED_MAX_POSTPONE * sched.delay) {
		return; /* leave the run where it is: a steady stream must not postpone it forever */
	}
	struct timeval tv = tv_of(sched.delay);
	evtimer_add(sched.soon, &tv);
}

void sched_stop(void)
{
	if (sched.tick)
		event_free(sched.tick);
	if (sched.soon)
		event_free(sched.soon);
	if (sched.start)
		event_free(sched.start);
	if (sched.purge)
		event_free(sched.purge);
	sched.purge = NULL;
	sched.purging = false;
	sched.tick = NULL;
	sched.soon = NULL;
	sched.start = NULL;
	sched.start_pending = false;
	sched.poke_pending = false;
	sched.again = false;
}
