/* pull.c - the pull collectors' round state machine and public face: a timer
 * per source, a FIFO of due sources capped by max_parallel_pulls, and per
 * source the round
 *
 *   IDLE ─timer─▶ QUEUED ─slot─▶ CLAIM ─won─▶ FETCH ─200─▶ INGEST ─▶ SAVE ─▶ IDLE
 *                                  │ lost           └─304, same body, error─▶ SAVE
 *                                  └──────────────▶ IDLE (at the row's next_run)
 *
 * A round holds its slot from FETCH until its body is fetched, so at most
 * max_parallel_pulls transfers run at once. A fetched body then waits for
 * the database without a slot, so that the next transfers run meanwhile and
 * the bodies waiting share transactions (batches, daemon/ingest_batch.c): a
 * pool of db_connections takes INGEST_BATCH_MAX on each connection at a
 * time. New transfers wait while that many bodies, or max_parallel_pulls
 * bodies of max_body_size in bytes, wait for the database. Every round ends
 * in round_end(), which also frees a source removed by a reload.
 *
 * The rest lives next door: pull_conf.c (configuration snapshots, reload),
 * pull_fetch.c (URL, transfer, failure classes; libcurl runs on the loop
 * through daemon/curl_ev.c), pull_state.c (claims and outcomes in the
 * database), pull_batch.c (their batched writer), pull_queue.c (the FIFO). */
#include "pull.h"

#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "context.h"
#include "curl_ev.h"
#include "ingest.h"
#include "log.h"
#include "metrics.h"
#include "pull_internal.h"
#include "receipt.h"
#include "util.h"

struct pulls pulls;

static void save(struct source *s);

/* ---- timing ---- */

/* first_delay: a source new to this process is first pulled a few seconds
 * after it appears, spread so they do not all fire together. */
double first_delay(const struct src_conf *c)
{
	double spread = c->interval * 0.1 < 2.0 ? c->interval * 0.1 : 2.0;
	return 1.0 + util_rand(0, spread);
}

/* horizon_of: the furthest a next_run written under C can lie ahead (the
 * longest wait, jittered); one further out was written under an older
 * configuration (a longer interval) and no longer holds. */
double horizon_of(const struct src_conf *c)
{
	return (c->interval > c->retry_max ? c->interval : c->retry_max) * 1.1 + 1.0;
}

/* lease_of: how long a claim under C keeps other daemons off the source: it
 * may wait for a slot while the transfers in them run out (at most the
 * longest timeout), then runs its own transfer and ingest. */
double lease_of(const struct src_conf *c)
{
	return c->timeout + pulls.max_timeout + PULL_LEASE_MARGIN;
}

void arm(struct source *s, double delay)
{
	if (delay < 0)
		delay = 0;
	struct timeval tv = {(long)delay, (long)((delay - floor(delay)) * 1e6)};
	evtimer_add(s->timer, &tv);
	s->scheduled = true;
}

/* ---- sources ---- */

static void on_due(evutil_socket_t fd, short what, void *arg);

struct source *source_new(struct src_conf *c)
{
	struct source *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->name = strdup(c->name);
	s->timer = evtimer_new(pulls.d->base, on_due, s);
	if (!s->name || !s->timer) {
		free(s->name);
		if (s->timer)
			event_free(s->timer);
		free(s);
		return NULL;
	}
	s->conf = c;
	s->next = pulls.sources;
	pulls.sources = s;
	return s;
}

/* transfer_clear: the transfer's handle and body go. */
void transfer_clear(struct source *s)
{
	curl_ev_remove(pulls.ce, s->easy);
	s->easy = NULL;
	curl_slist_free_all(s->headers);
	s->headers = NULL;
	free(s->body);
	s->body = NULL;
	s->len = s->cap = 0;
}

/* round_clear: forget what the round in flight held. */
static void round_clear(struct source *s)
{
	transfer_clear(s);
	s->too_big = false;
	s->errbuf[0] = '\0';
	free(s->old_etag);
	free(s->old_lm);
	free(s->old_sha);
	free(s->since);
	free(s->new_etag);
	free(s->new_lm);
	free(s->content_type);
	s->old_etag = s->old_lm = s->old_sha = s->since = s->new_etag = s->new_lm = s->content_type = NULL;
	s->outcome = NULL;
	s->message[0] = '\0';
	s->sha[0] = '\0';
	s->submission = 0;
	s->set_validators = false;
	conf_unref(s->pc);
	s->pc = NULL;
}

void source_free(struct source *s)
{
	for (struct source **pp = &pulls.sources; *pp; pp = &(*pp)->next)
		if (*pp == s) {
			*pp = s->next;
			break;
		}
	round_clear(s);
	event_free(s->timer);
	conf_unref(s->conf);
	free(s->name);
	free(s);
}

/* ---- the queues ---- */

static void enqueue(struct source *s)
{
	s->state = ST_QUEUED;
	fifo_push(&pulls.queued, &s->qlink);
}

void dequeue(struct source *s)
{
	fifo_remove(&pulls.queued, &s->qlink);
}

void ready_push(struct source *s)
{
	s->state = ST_READY;
	fifo_push(&pulls.ready, &s->qlink);
}

static void on_due(evutil_socket_t fd, short what, void *arg)
{
	(void)fd, (void)what;
	struct source *s = arg;
	if (s->state != ST_IDLE || pulls.d->stopping)
		return;
	enqueue(s);
	pump();
}

/* ---- the round: claim ---- */

static void claim(struct source *s)
{
	s->state = ST_CLAIM;
	s->pc = s->conf;
	s->pc->refs++;
	s->started = util_now_mono();
	if (stage_add(&pulls.claims, s) != 0)
		claim_failed(s, "out of memory", false);
}

/* ingest_room: whether the bodies waiting for the database leave room for
 * another transfer's: fewer than the pool takes in one turn, and fewer bytes
 * than max_parallel_pulls bodies of max_body_size. */
static bool ingest_room(void)
{
	return pulls.ingesting < pulls.max_ingesting && pulls.ingest_bytes < pulls.ingest_budget;
}

/* slot_free: S gives back its slot, if it holds one (true then). */
static bool slot_free(struct source *s)
{
	if (!s->slot)
		return false;
	s->slot = false;
	pulls.active--;
	return true;
}

/* ingest_done: S's body is answered; its place goes to the next transfer. */
static void ingest_done(struct source *s)
{
	if (!s->ingesting)
		return;
	s->ingesting = false;
	pulls.ingesting--;
	pulls.ingest_bytes -= s->ingest_len;
	s->ingest_len = 0;
}

/* pump: start claimed sources while slots are free, and claim due sources
 * ahead, up to max_parallel_pulls of them, so that a freed slot starts its
 * next transfer at once instead of after a round trip to the database. A slot
 * is held for the transfer; the body fetched waits for the database without
 * one, and transfers start only while ingest_room() says the bodies waiting
 * leave room, so memory and the ingests queued on the pool stay bounded;
 * writing the outcome (a few short strings) needs neither. */
void pump(void)
{
	if (pulls.pumping) /* a round ended synchronously inside claim(): the loop below goes on */
		return;
	pulls.pumping = true;
	while (!pulls.d->stopping) {
		if (!fifo_empty(&pulls.ready) && pulls.active < pulls.max_parallel && ingest_room()) {
			struct source *s = FIFO_ITEM(fifo_pop(&pulls.ready), struct source, qlink);
			s->ahead = false;
			pulls.ahead--;
			s->slot = true;
			pulls.active++;
			if (s->removed)
				round_end(s, s->pc->interval);
			else
				fetch_start(s);
		} else if (!fifo_empty(&pulls.queued) && pulls.ahead < pulls.max_parallel) {
			struct source *s = FIFO_ITEM(fifo_pop(&pulls.queued), struct source, qlink);
			s->state = ST_IDLE;
			if (s->removed) {
				source_free(s);
				continue;
			}
			s->ahead = true;
			pulls.ahead++;
			claim(s);
		} else {
			break;
		}
	}
	pulls.pumping = false;
	stage_flush(&pulls.claims);
}

/* ---- the round: ingest ---- */

static void on_ingested(const struct ingest_result *res, void *arg);

void round_ingest(struct source *s)
{
	s->state = ST_INGEST;
	/* The transfer is over: its slot starts the next one (pump, below)
	 * while this body waits for the database among the others. */
	s->ingesting = true;
	s->ingest_len = s->len;
	pulls.ingesting++;
	pulls.ingest_bytes += s->len;
	slot_free(s);
	char identity[300];
	snprintf(identity, sizeof(identity), "source:%s", s->name);
	struct ingest_request rq = {
		.reporter = s->pc->reporter,
		.client_identity = identity,
		.via = "pull",
		.source = s->name,
		.format = s->pc->format,
		.content_type = s->content_type,
		.body = s->body ? s->body : "",
		.len = s->len,
		.sdmx = &s->pc->sdmx,
	};
	/* The callback may run before ingest_submit returns and end the round
	 * (even free a removed source): keep the body apart until then. */
	char *body = s->body;
	s->body = NULL;
	s->len = s->cap = 0;
	ingest_submit(pulls.d->db, receipt_key_current(), &rq, on_ingested, s);
	free(body);
	pump();
}

static const char *jstr(json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));
	return v ? v : "";
}

static void on_ingested(const struct ingest_result *res, void *arg)
{
	struct source *s = arg;
	switch (res->status) {
	case 201:
	case 200:
		s->set_validators = true;
		s->submission = res->submission_id;
		s->rejected_sha[0] = '\0';
		if (res->status == 201) {
			/* Warnings (values held for follow-up, warn rules) go with
			 * the outcome, so the operator sees them where the pull is. */
			size_t nw = res->warnings ? json_array_size(res->warnings) : 0;
			char warned[160] = "";
			if (nw) {
				const char *m =
					json_string_value(json_object_get(json_array_get(res->warnings, 0), "message"));
				snprintf(warned, sizeof(warned), "; %zu warning%s, the first: %s", nw,
				         nw == 1 ? "" : "s", m ? m : "");
			}
			conclude(s, "ok",
			         "accepted as submission %lld: %ld new, %ld revised, %ld unchanged, %ld deleted%s",
			         res->submission_id, res->counts[0], res->counts[1], res->counts[2], res->counts[3],
			         warned);
		} else
			conclude(s, "unchanged", "the body was accepted before as submission %lld", res->submission_id);
		return;
	case 422:
		if (s->pc->sdmx_rest && res->rows == 0 && !res->errors) {
			/* an SDMX REST answer with a header and no observation */
			s->set_validators = true;
			conclude(s, "unchanged", "no observation updated since the last pull");
			return;
		}
		/* fall through */
	case 400:
	case 403:
	case 409: {
		const char *cls = res->status == 400 ? "decode" : "validation";
		char first[200] = "";
		json_t *e0 = res->errors ? json_array_get(res->errors, 0) : NULL;
		if (e0)
			snprintf(first, sizeof(first), "; first: %s %s: %s", jstr(e0, "loc"), jstr(e0, "field"),
			         jstr(e0, "reason"));
		snprintf(s->rejected_sha, sizeof(s->rejected_sha), "%s", res->sha256);
		snprintf(s->rejected_class, sizeof(s->rejected_class), "%s", cls);
		snprintf(s->rejected_msg, sizeof(s->rejected_msg), "HTTP %d: %s%s (submission %lld)", res->status,
		         res->message, first, res->submission_id);
		s->sha[0] = '\0';
		conclude(s, cls, "%s", s->rejected_msg);
		return;
	}
	default: /* 503, 500: not acknowledged; fetch it again on the next try */
		s->sha[0] = '\0';
		conclude(s, "database", "HTTP %d: %s", res->status, res->message ? res->message : "");
		return;
	}
}

/* ---- the round: outcome ---- */

bool is_success(const char *outcome)
{
	return strcmp(outcome, "ok") == 0 || strcmp(outcome, "not_modified") == 0 || strcmp(outcome, "unchanged") == 0;
}

/* conclude: the outcome of the round is known; count it, log it, store it. */
void conclude(struct source *s, const char *outcome, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->message, sizeof(s->message), fmt, ap);
	va_end(ap);
	s->outcome = outcome;
	double took = util_now_mono() - s->started;
	metrics_pull(s->name, outcome, took);
	if (strcmp(outcome, "ok") == 0)
		log_info("pulled", "source=%s outcome=ok seconds=%.3f detail=\"%s\"", s->name, took, s->message);
	else if (is_success(outcome))
		log_debug("pulled", "source=%s outcome=%s seconds=%.3f", s->name, outcome, took);
	else
		log_warn("pull failed", "source=%s class=%s seconds=%.3f failures=%d error=\"%s\"", s->name, outcome,
		         took, s->failures + 1, s->message);
	save(s);
}

static void save(struct source *s)
{
	s->state = ST_SAVE;
	/* The transfer and the ingest are over: the body and the handle can go
	 * and the slot can start the next due source while the outcome, a few
	 * short strings, is written. */
	transfer_clear(s);
	ingest_done(s);
	if (slot_free(s))
		pump();
	if (stage_add(&pulls.saves, s) != 0)
		save_ops.failed(s, "out of memory", false);
	else
		stage_flush(&pulls.saves);
}

/* round_end: the round is over: free its slot, then free a removed source
 * or wait DELAY for the next round. */
void round_end(struct source *s, double delay)
{
	round_clear(s);
	s->state = ST_IDLE;
	ingest_done(s);
	slot_free(s);
	if (s->ahead) {
		s->ahead = false;
		pulls.ahead--;
	}
	if (s->removed) {
		log_info("source removed", "source=%s", s->name);
		source_free(s);
	} else {
		if (s->changed) { /* reconfigured meanwhile: its new settings apply soon */
			s->changed = false;
			delay = first_delay(s->conf);
		}
		arm(s, delay);
	}
	pump();
}

/* ---- the public face ---- */

/* limits_apply: the bounds CF sets that a reload may change: the slots, the
 * bytes of bodies waiting for the database, and the idle connections kept:
 * enough for every slot to find its server's open. libcurl's own default
 * follows the handles added at the moment, which drops to a few while
 * transfers wait for the bodies before them to be stored, and each
 * connection closed then costs a TLS handshake on the province's side in
 * the next round. */
static void limits_apply(const struct config *cf)
{
	pulls.max_parallel = cf->max_parallel_pulls;
	pulls.ingest_budget = (size_t)pulls.max_parallel * cf->max_body_size;
	curl_ev_max_connects(pulls.ce, (long)(4 * pulls.max_parallel));
}

int pull_start(struct daemon *d)
{
	memset(&pulls, 0, sizeof(pulls));
	pulls.d = d;
	pulls.max_ingesting = (int)d->cf->db_connections * INGEST_BATCH_MAX;
	pulls.claims.ops = &claim_ops;
	pulls.saves.ops = &save_ops;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		log_error("cannot initialise libcurl");
		return -1;
	}
	pulls.ce = curl_ev_new(d->base, fetch_done, NULL);
	if (!pulls.ce) {
		log_error("cannot set up the pull collectors: out of memory");
		pull_stop();
		return -1;
	}
	limits_apply(d->cf);
	conf_apply(d->cf);
	if (pulls.sources)
		state_load();
	else
		pulls.loaded = true;
	return 0;
}

void pull_reconfigure(const struct config *cf)
{
	if (!pulls.ce)
		return;
	limits_apply(cf);
	pull_conf_reload(cf);
	pump();
}

void pull_stop(void)
{
	/* The loop has ended: nothing more will call back into the rounds in
	 * flight (the database pool drops its pending callbacks), so everything
	 * can go. Transfers are aborted by removing their handles. A round cut
	 * off in its fetch or its ingest has no outcome to log: say that it was
	 * abandoned, since its request may have reached the province. */
	double now = util_now_mono();
	for (struct source *s = pulls.sources; s; s = s->next)
		if (s->state == ST_FETCH || s->state == ST_INGEST)
			log_info("pull abandoned", "source=%s stage=%s seconds=%.3f reason=stopping", s->name,
			         s->state == ST_FETCH ? "fetch" : "ingest", now - s->started);
	while (pulls.sources)
		source_free(pulls.sources);
	pulls.queued = pulls.ready = (struct fifo){0};
	stage_free(&pulls.claims);
	stage_free(&pulls.saves);
	curl_ev_free(pulls.ce); /* before event_base_free (main.c) */
	pulls.ce = NULL;
	if (pulls.load_timer)
		event_free(pulls.load_timer);
	pulls.load_timer = NULL;
	if (pulls.d)
		curl_global_cleanup();
	pulls.d = NULL;
}
