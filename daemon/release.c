/* release.c - publishes the quarterly releases: at each quarter's release
 * time, and when the plan office asks (mestat.publish_release), mestatd
 * builds the document in SQL, canonicalizes, hashes and signs it here (the
 * receipt key never leaves the daemon) and stores it chained to the last one.
 *
 * A round, on one pooled connection, every RELEASE_TICK seconds (the
 * statements are store_release.c's):
 *   store_release_lock          false: another daemon is at it
 *   loop:
 *     store_release_due         nothing due: end the round
 *     store_recompute           once per round: fresh numbers (a full run)
 *     store_release_content     mestat.release_content(period, reason)
 *       canonical text (release_canonical) of document + signing_key
 *       signature = Ed25519(canonical text)
 *     store_release_record      mestat.record_release checks the chain under a lock
 *   store_release_unlock
 * Two daemons on one database: the advisory lock keeps the second one out,
 * and should it ever get in, record_release refuses a document that does not
 * follow the chain's last release (SQLSTATE 40001), so nothing is published
 * twice. */
#include "release.h"

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "context.h"
#include "db.h"
#include "log.h"
#include "receipt.h"
#include "store_release.h"
#include "store_schedule.h"

/* How often mestatd looks for a release to publish, in seconds. */
#define RELEASE_TICK 5

/* A round publishes at most this many releases (a backlog, e.g. a calendar
 * started in the past, goes out over several rounds). */
#define RELEASE_MAX_PER_ROUND 64

static struct {
	struct daemon *d;
	struct event *tick;
	bool running;
	bool recomputed;
	int published;
	char period[16];
	char *reason;
	char request[24];
	struct receipt_key *key;
} rel;

static void round_end(struct db_conn *c);

static void on_unlocked(struct db_conn *c, PGresult *res, const char *err, void *arg)
{
	(void)res, (void)arg;
	if (err)
		log_warn("could not release the release lock; the connection is reset", "error=\"%s\"", err);
	db_release(c);
	rel.running = false;
}

/* round_end: forget the release in hand and give the lock back. */
static void round_end(struct db_conn *c)
{
	free(rel.reason);
	rel.reason = NULL;
	receipt_key_free(rel.key);
	rel.key = NULL;
	store_release_unlock(c, on_unlocked, NULL);
}

/* broken: the connection died; the server released the lock with it. */
static void broken(struct db_conn *c)
{
	free(rel.reason);
	rel.reason = NULL;
	receipt_key_free(rel.key);
	rel.key = NULL;
	db_release(c);
	rel.running = false;
}

static void next_due(struct db_conn *c);

static void on_recorded(struct db_conn *c, PGresult *res, const char *err, void *arg)
{
	(void)arg;
	if (!res)
		return broken(c);
	if (err) {
		log_error("release not published", "period=%s error=\"%s\"", rel.period, err);
		return round_end(c);
	}
	log_info("release published", "period=%s id=%s", rel.period, PQgetvalue(res, 0, 0));
	rel.published++;
	next_due(c);
}

/* sign_and_record: add the signing key's fingerprint to DOC (stolen),
 * canonicalize and sign it, and store the bytes (the database computes their
 * SHA-256 itself). */
static void sign_and_record(struct db_conn *c, json_t *doc)
{
	char fp[65], sig[96];
	if (!rel.key || receipt_key_fingerprint(rel.key, fp) != 0) {
		json_decref(doc);
		log_error("release not published: no receipt key to sign it", "period=%s", rel.period);
		return round_end(c);
	}
	json_object_set_new(doc, "signing_key", json_pack("{s:s, s:s}", "algorithm", "Ed25519", "sha256", fp));
	char *text = release_canonical(doc);
	json_decref(doc);
	if (!text || receipt_sign_bytes(rel.key, text, strlen(text), sig) != 0) {
		free(text);
		log_error("release not published: cannot sign it", "period=%s", rel.period);
		return round_end(c);
	}
	store_release_record(c, rel.period, text, sig, fp, receipt_key_public_pem(rel.key),
	                     rel.request[0] ? rel.request : NULL, on_recorded, NULL);
	free(text);
}

static void on_content(struct db_conn *c, PGresult *res, const char *err, void *arg)
{
	(void)arg;
	if (!res)
		return broken(c);
	if (err || PQntuples(res) != 1) {
		log_error("release not published: its content cannot be built", "period=%s error=\"%s\"", rel.period,
		          err ? err : "no result");
		return round_end(c);
	}
	json_error_t jerr;
	json_t *doc = json_loads(PQgetvalue(res, 0, 0), 0, &jerr);
	if (!json_is_object(doc)) {
		json_decref(doc);
		log_error("release not published: its content is not a JSON object", "period=%s error=\"%s\"",
		          rel.period, jerr.text);
		return round_end(c);
	}
	sign_and_record(c, doc);
}

static void build(struct db_conn *c)
{
	store_release_content(c, rel.period, rel.reason, on_content, NULL);
}

static void on_recomputed(struct db_conn *c, PGresult *res, const char *err, void *arg)
{
	(void)arg;
	if (!res)
		return broken(c);
	if (err)
		log_warn("progress not recomputed before the release; the last assessment is used", "error=\"%s\"",
		         err);
	rel.recomputed = true;
	build(c);
}

static void on_due(struct db_conn *c, PGresult *res, const char *err, void *arg)
{
	(void)arg;
	if (!res)
		return broken(c);
	if (err) {
		log_warn("cannot ask which release is due", "error=\"%s\"", err);
		return round_end(c);
	}
	if (PQntuples(res) == 0 || rel.d->stopping)
		return round_end(c);
	snprintf(rel.period, sizeof(rel.period), "%s", PQgetvalue(res, 0, 0));
	free(rel.reason);
	rel.reason = PQgetisnull(res, 0, 1) ? NULL : strdup(PQgetvalue(res, 0, 1));
	snprintf(rel.request, sizeof(rel.request), "%s", PQgetisnull(res, 0, 2) ? "" : PQgetvalue(res, 0, 2));
	if (!rel.key)
		rel.key = receipt_key_ref(receipt_key_current());
	log_info("publishing a release", "period=%s request=%s", rel.period, rel.request[0] ? rel.request : "calendar");
	if (!rel.recomputed)
		store_recompute(c, STORE_RECOMPUTE_FULL, on_recomputed, NULL);
	else
		build(c);
}

static void next_due(struct db_conn *c)
{
	if (rel.published >= RELEASE_MAX_PER_ROUND || rel.d->stopping)
		return round_end(c);
	store_release_due(c, on_due, NULL);
}

static void on_locked(struct db_conn *c, PGresult *res, const char *err, void *arg)
{
	(void)arg;
	if (err || !res || PQntuples(res) != 1) {
		log_warn("releases not checked: cannot take the release lock", "error=\"%s\"", err ? err : "no result");
		db_release(c);
		rel.running = false;
		return;
	}
	if (strcmp(PQgetvalue(res, 0, 0), "t") != 0) {
		log_debug("another mestatd is publishing releases; skipping this round");
		db_release(c);
		rel.running = false;
		return;
	}
	rel.recomputed = false;
	rel.published = 0;
	next_due(c);
}

static void on_conn(struct db_conn *c, void *arg)
{
	(void)arg;
	store_release_lock(c, on_locked, NULL);
}

static void on_tick(evutil_socket_t fd, short what, void *arg)
{
	(void)fd, (void)what, (void)arg;
	if (rel.running || rel.d->stopping)
		return;
	rel.running = true;
	if (db_acquire(rel.d->db, on_conn, NULL) != 0)
		rel.running = false; /* the database is down: the next tick tries again */
}

void release_start(struct daemon *d)
{
	rel.d = d;
	rel.tick = event_new(d->base, -1, EV_PERSIST, on_tick, NULL);
	struct timeval tv = {RELEASE_TICK, 0};
	if (!rel.tick || event_add(rel.tick, &tv) != 0) {
		log_error("cannot arm the release timer; releases will not be published");
		release_stop();
	}
}

void release_stop(void)
{
	if (rel.tick)
		event_free(rel.tick);
	rel.tick = NULL;
	free(rel.reason);
	rel.reason = NULL;
	receipt_key_free(rel.key);
	rel.key = NULL;
}
