/* pull.c - the pull collectors: one libcurl multi handle driven by the
 * daemon's libevent loop (CURLMOPT_SOCKETFUNCTION / CURLMOPT_TIMERFUNCTION and
 * curl_multi_socket_action; never curl_easy_perform, no threads of ours),
 * a timer per source, a FIFO of due sources capped by max_parallel_pulls,
 * and per source the round
 *
 *   IDLE ─timer─▶ QUEUED ─slot─▶ CLAIM ─won─▶ FETCH ─200─▶ INGEST ─▶ SAVE ─▶ IDLE
 *                                  │ lost           └─304, same body, error─▶ SAVE
 *                                  └──────────────▶ IDLE (at the row's next_run)
 *
 * A round holds its slot from CLAIM to the end, so at most max_parallel_pulls
 * bodies are in memory or waiting for the database at any time. Every round
 * ends in round_end(), which also frees a source removed by a reload.
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
 * survive restarts. */
#include "pull.h"

#include <curl/curl.h>
#include <event2/event.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api.h"
#include "config.h"
#include "daemon.h"
#include "db.h"
#include "ingest.h"
#include "log.h"
#include "metrics.h"
#include "scheduler.h"

#define PULL_LEASE_MARGIN 60.0 /* seconds a claim outlives its transfers (see lease_of) */
#define PULL_LOW_SPEED 64L     /* bytes/s below which a transfer counts as stalled... */
#define PULL_LOW_SPEED_TIME 30 /* ...for this long (at most; half the timeout when shorter) */
#define PULL_LOAD_RETRY 0.5    /* seconds between attempts to read the state at start */

/* A snapshot of one [source NAME]: shared by the source and the pull in
 * flight, so a reload never changes a transfer under way. */
struct src_conf {
	int refs;
	char *name, *reporter, *url, *format_name;
	enum fmt format;
	double interval, timeout, retry_min, retry_max;
	char *client_cert, *client_key, *token, *ca_file;
	size_t max_body_size;
	char *sdmx_cols[4];
	struct fmt_sdmx_map sdmx;
};

enum src_state { ST_IDLE, ST_QUEUED, ST_CLAIM, ST_READY, ST_FETCH, ST_INGEST, ST_SAVE };

struct source {
	char *name;
	struct src_conf *conf;  /* the configuration in force */
	struct event *timer;    /* when the source is due */
	enum src_state state;
	bool removed;           /* gone from the configuration: freed when its round ends */
	bool changed;           /* reconfigured during a round: pull again soon after it */
	bool scheduled;         /* the timer has been armed once */
	bool slot;              /* holds one of the max_parallel_pulls slots */
	bool ahead;             /* claimed (or being claimed) ahead of a slot */
	int claim_failures;     /* claims that could not reach the database, in a row */
	struct source *next;    /* all sources */
	struct source *qnext;   /* the queue of due sources */
	/* The body ingest refused last time, so the same bytes are not offered
	 * again (and again logged as a refused submission) every retry. */
	char rejected_sha[65];
	char rejected_class[16];
	char rejected_msg[400];

	/* The round in flight (state CLAIM to SAVE). */
	struct src_conf *pc;    /* the configuration this round runs with */
	struct db_conn *conn;
	CURL *easy;
	struct curl_slist *headers;
	char *body;
	size_t len, cap;
	bool too_big;
	char errbuf[CURL_ERROR_SIZE];
	double started;         /* monotonic seconds */
	/* from the claim */
	bool url_same;          /* the stored validators belong to this URL */
	char *old_etag, *old_lm, *old_sha, *since;
	int failures;           /* consecutive failures before this round */
	/* the outcome */
	const char *outcome;    /* ok, not_modified, unchanged, or a failure class */
	char message[512];
	char *new_etag, *new_lm, *content_type;
	bool set_validators;    /* the body of this round is the accepted one */
	char sha[65];           /* body hash to store, "" to keep */
	long long submission;   /* submission to store, 0 to keep */
};

/* Claims and outcomes are written in batches, one statement for many
 * sources: while one statement is in flight, the next ones gather. At the
 * county scale this turns thousands of statements per round into a few
 * hundred, and PostgreSQL's per-statement cost was most of a round's CPU. */
struct stage;

struct batch {
	struct stage *st;
	int n;
	struct source *v[];
};

/* What a stage writes, and what becomes of a source it cannot write. */
struct stage_ops {
	const char *sql;  /* $1..$ncol: one array per parameter, one element per source */
	int ncol;
	void (*params)(struct source *s, const char **p, char num[5][32]); /* NUM: room for numbers */
	void (*done)(struct db_conn *c, PGresult *r, const char *err, void *batch); /* calls stage_landed */
	void (*failed)(struct source *s, const char *why);
};

struct stage {
	const struct stage_ops *ops;
	struct source **wait; /* gathered while a statement is in flight */
	int n, cap;
	struct batch *fly;    /* the statement in flight, NULL if none */
};

/* A socket libcurl asked us to watch. */
struct sock {
	curl_socket_t fd;
	struct event *ev;
	struct sock *prev, *next;
};

/* The collectors' state: one per daemon. */
static struct {
	struct daemon *d;
	CURLM *multi;
	CURLSH *share;
	struct event *curl_timer;
	struct event *load_timer;
	struct sock *socks;
	struct source *sources;
	struct source *qhead, *qtail; /* due, not yet claimed */
	struct source *rhead, *rtail; /* claimed, waiting for a slot */
	int active;                   /* transfers and ingests under way, each holding a slot */
	int ahead;                    /* claims in flight or claimed, waiting for a slot */
	double max_timeout;           /* the longest transfer timeout of any source */
	struct stage claims, saves;   /* claims and outcomes, written in batches */
	bool pumping;
	long max_parallel;
	bool loaded; /* the schedule was read from the database */
	bool waiting_logged;
	/* Jitter needs no cryptographic randomness, only instances that differ:
	 * erand48 seeded once from the kernel (arc4random costs a syscall each). */
	unsigned short rnd[3];
} P;

static void pump(void);
static void save(struct source *s);
static void round_end(struct source *s, double delay);

/* ---- small helpers ---- */

static double now_mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* uniform in [lo, hi) */
static double rnd(double lo, double hi) { return lo + (hi - lo) * erand48(P.rnd); }

/* jitter: ±10 %, so sources configured alike drift apart. */
static double jitter(void) { return rnd(0.9, 1.1); }

/* first_delay: a source new to this process is first pulled a few seconds
 * after it appears, spread so they do not all fire together. */
static double first_delay(const struct src_conf *c)
{
	double spread = c->interval * 0.1 < 2.0 ? c->interval * 0.1 : 2.0;
	return 1.0 + rnd(0, spread);
}

/* horizon_of: the furthest a next_run written under C can lie ahead (the
 * longest wait, jittered); one further out was written under an older
 * configuration (a longer interval) and no longer holds. */
static double horizon_of(const struct src_conf *c)
{
	return (c->interval > c->retry_max ? c->interval : c->retry_max) * 1.1 + 1.0;
}

/* lease_of: how long a claim under C keeps other daemons off the source: it
 * may wait for a slot while the transfers in them run out (at most the
 * longest timeout), then runs its own transfer and ingest. */
static double lease_of(const struct src_conf *c)
{
	return c->timeout + P.max_timeout + PULL_LEASE_MARGIN;
}

static void arm(struct source *s, double delay)
{
	if (delay < 0)
		delay = 0;
	struct timeval tv = {(long)delay, (long)((delay - floor(delay)) * 1e6)};
	evtimer_add(s->timer, &tv);
	s->scheduled = true;
}

static char *xstrdup(const char *s) { return s ? strdup(s) : NULL; }

static bool same_str(const char *a, const char *b) { return strcmp(a ? a : "", b ? b : "") == 0; }

/* ---- configuration snapshots ---- */

static struct src_conf *conf_new(const struct source_conf *sc)
{
	struct src_conf *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->refs = 1;
	c->name = xstrdup(sc->name);
	c->reporter = xstrdup(sc->reporter);
	c->url = xstrdup(sc->url);
	c->format_name = xstrdup(sc->format_name);
	c->format = sc->format;
	c->interval = sc->interval;
	c->timeout = sc->timeout;
	c->retry_min = sc->retry_min;
	c->retry_max = sc->retry_max > 0 ? sc->retry_max : sc->interval;
	c->client_cert = xstrdup(sc->client_cert);
	c->client_key = xstrdup(sc->client_key);
	c->token = xstrdup(sc->token);
	c->ca_file = xstrdup(sc->ca_file);
	c->max_body_size = sc->max_body_size;
	c->sdmx_cols[0] = xstrdup(sc->sdmx.reporter_col);
	c->sdmx_cols[1] = xstrdup(sc->sdmx.indicator_col);
	c->sdmx_cols[2] = xstrdup(sc->sdmx.period_col);
	c->sdmx_cols[3] = xstrdup(sc->sdmx.value_col);
	c->sdmx.reporter_col = c->sdmx_cols[0];
	c->sdmx.indicator_col = c->sdmx_cols[1];
	c->sdmx.period_col = c->sdmx_cols[2];
	c->sdmx.value_col = c->sdmx_cols[3];
	c->sdmx.comment_col = sc->sdmx.comment_col;
	if (!c->name || !c->reporter || !c->url || !c->format_name) {
		free(c->name);
		free(c->reporter);
		free(c->url);
		free(c->format_name);
		free(c);
		return NULL;
	}
	return c;
}

static void conf_unref(struct src_conf *c)
{
	if (!c || --c->refs > 0)
		return;
	free(c->name);
	free(c->reporter);
	free(c->url);
	free(c->format_name);
	free(c->client_cert);
	free(c->client_key);
	free(c->token);
	free(c->ca_file);
	for (int i = 0; i < 4; i++)
		free(c->sdmx_cols[i]);
	free(c);
}

static bool conf_equal(const struct src_conf *a, const struct src_conf *b)
{
	bool same = same_str(a->reporter, b->reporter) && same_str(a->url, b->url) &&
	            a->format == b->format && a->interval == b->interval && a->timeout == b->timeout &&
	            a->retry_min == b->retry_min && a->retry_max == b->retry_max &&
	            same_str(a->client_cert, b->client_cert) && same_str(a->client_key, b->client_key) &&
	            same_str(a->token, b->token) && same_str(a->ca_file, b->ca_file) &&
	            a->max_body_size == b->max_body_size;
	for (int i = 0; same && i < 4; i++)
		same = same_str(a->sdmx_cols[i], b->sdmx_cols[i]);
	return same;
}

/* ---- sources ---- */

static void on_due(evutil_socket_t fd, short what, void *arg);

static struct source *source_new(struct src_conf *c)
{
	struct source *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->name = strdup(c->name);
	s->timer = evtimer_new(P.d->base, on_due, s);
	if (!s->name || !s->timer) {
		free(s->name);
		if (s->timer)
			event_free(s->timer);
		free(s);
		return NULL;
	}
	s->conf = c;
	s->next = P.sources;
	P.sources = s;
	return s;
}

/* round_clear: forget what the round in flight held. */
/* transfer_clear: the transfer's handle and body go. */
static void transfer_clear(struct source *s)
{
	if (s->easy) {
		curl_multi_remove_handle(P.multi, s->easy);
		curl_easy_cleanup(s->easy);
		s->easy = NULL;
	}
	curl_slist_free_all(s->headers);
	s->headers = NULL;
	free(s->body);
	s->body = NULL;
	s->len = s->cap = 0;
}

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

static void source_free(struct source *s)
{
	for (struct source **pp = &P.sources; *pp; pp = &(*pp)->next)
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

/* A sorted index by name, so that matching thousands of sources against
 * the configuration or the database rows stays N log N. */
struct name_ix {
	const char *name;
	void *item;
};

static int ix_cmp(const void *a, const void *b)
{
	return strcmp(((const struct name_ix *)a)->name, ((const struct name_ix *)b)->name);
}

static void ix_sort(struct name_ix *ix, size_t n) { qsort(ix, n, sizeof(*ix), ix_cmp); }

static void *ix_find(const struct name_ix *ix, size_t n, const char *name)
{
	struct name_ix key = {name, NULL};
	const struct name_ix *hit = bsearch(&key, ix, n, sizeof(*ix), ix_cmp);
	return hit ? hit->item : NULL;
}

/* sources_ix: the sources by name (*N of them); NULL when out of memory. */
static struct name_ix *sources_ix(size_t *n)
{
	size_t k = 0;
	for (struct source *s = P.sources; s; s = s->next)
		k++;
	struct name_ix *ix = malloc((k ? k : 1) * sizeof(*ix));
	if (!ix)
		return NULL;
	k = 0;
	for (struct source *s = P.sources; s; s = s->next)
		ix[k++] = (struct name_ix){s->name, s};
	ix_sort(ix, k);
	*n = k;
	return ix;
}

static void enqueue(struct source *s)
{
	s->state = ST_QUEUED;
	s->qnext = NULL;
	if (P.qtail)
		P.qtail->qnext = s;
	else
		P.qhead = s;
	P.qtail = s;
}

static void dequeue(struct source *s)
{
	struct source *prev = NULL;
	for (struct source *q = P.qhead; q; prev = q, q = q->qnext) {
		if (q != s)
			continue;
		if (prev)
			prev->qnext = q->qnext;
		else
			P.qhead = q->qnext;
		if (P.qtail == q)
			P.qtail = prev;
		s->qnext = NULL;
		return;
	}
}

static void ready_push(struct source *s)
{
	s->state = ST_READY;
	s->qnext = NULL;
	if (P.rtail)
		P.rtail->qnext = s;
	else
		P.rhead = s;
	P.rtail = s;
}

static struct source *ready_pop(void)
{
	struct source *s = P.rhead;
	P.rhead = s->qnext;
	if (!P.rhead)
		P.rtail = NULL;
	s->qnext = NULL;
	return s;
}

static void on_due(evutil_socket_t fd, short what, void *arg)
{
	(void)fd, (void)what;
	struct source *s = arg;
	if (s->state != ST_IDLE || P.d->stopping)
		return;
	enqueue(s);
	pump();
}

/* ---- URL templates ---- */

/* latest_quarter: the latest quarter that has ended, in the machine's time
 * zone (the ministry's): "2018Q3", or "2018-Q3" for SDMX. */
static void latest_quarter(enum fmt f, char *out, size_t len)
{
	time_t t = time(NULL);
	struct tm tm;
	localtime_r(&t, &tm);
	int year = tm.tm_year + 1900, q = tm.tm_mon / 3; /* 0..3: quarters ended this year */
	if (q == 0) {
		year--;
		q = 4;
	}
	snprintf(out, len, f == FMT_SDMX_CSV ? "%d-Q%d" : "%dQ%d", year, q);
}

/* expand_url: TEMPLATE with {period} and {since} replaced; NULL on OOM. */
static char *expand_url(const struct source *s, CURL *easy)
{
	char period[16];
	latest_quarter(s->pc->format, period, sizeof(period));
	char *since = curl_easy_escape(easy, s->since ? s->since : "1970-01-01T00:00:00Z", 0);
	if (!since)
		return NULL;
	size_t cap = strlen(s->pc->url) + 1, n = 0;
	const char *p = s->pc->url;
	for (const char *q = p; (q = strchr(q, '{')); q++)
		cap += strlen(since) + sizeof(period);
	char *out = malloc(cap);
	if (!out) {
		curl_free(since);
		return NULL;
	}
	while (*p) {
		if (strncmp(p, "{period}", 8) == 0) {
			n += (size_t)snprintf(out + n, cap - n, "%s", period);
			p += 8;
		} else if (strncmp(p, "{since}", 7) == 0) {
			n += (size_t)snprintf(out + n, cap - n, "%s", since);
			p += 7;
		} else {
			out[n++] = *p++;
		}
	}
	out[n] = '\0';
	curl_free(since);
	return out;
}

/* ---- libcurl on the event loop ---- */

static void check_done(void);

static void on_sock_event(evutil_socket_t fd, short what, void *arg)
{
	(void)arg; /* the struct sock may be freed by the call below */
	int action = (what & EV_READ ? CURL_CSELECT_IN : 0) | (what & EV_WRITE ? CURL_CSELECT_OUT : 0);
	int running;
	curl_multi_socket_action(P.multi, fd, action, &running);
	check_done();
}

static void sock_free(struct sock *k)
{
	if (k->prev)
		k->prev->next = k->next;
	else
		P.socks = k->next;
	if (k->next)
		k->next->prev = k->prev;
	event_free(k->ev);
	free(k);
}

/* on_curl_socket: libcurl tells which socket to watch for what. It may
 * announce CURL_POLL_REMOVE for a socket it never asked us to watch (a
 * connection closed from its cache): there is then nothing to undo. */
static int on_curl_socket(CURL *easy, curl_socket_t fd, int what, void *userp, void *socketp)
{
	(void)easy, (void)userp;
	struct sock *k = socketp;
	if (what == CURL_POLL_REMOVE) {
		if (k) /* libcurl forgets the socket's pointer itself after this call */
			sock_free(k);
		return 0;
	}
	if (!k) {
		k = calloc(1, sizeof(*k));
		if (!k)
			return -1;
		k->fd = fd;
		k->ev = event_new(P.d->base, fd, 0, on_sock_event, NULL);
		if (!k->ev) {
			free(k);
			return -1;
		}
		k->next = P.socks;
		if (P.socks)
			P.socks->prev = k;
		P.socks = k;
		curl_multi_assign(P.multi, fd, k);
	}
	short ev = (short)((what & CURL_POLL_IN ? EV_READ : 0) | (what & CURL_POLL_OUT ? EV_WRITE : 0));
	event_del(k->ev);
	if (ev) {
		event_assign(k->ev, P.d->base, fd, (short)(ev | EV_PERSIST), on_sock_event, k);
		event_add(k->ev, NULL);
	}
	return 0;
}

static void on_curl_timeout(evutil_socket_t fd, short what, void *arg)
{
	(void)fd, (void)what, (void)arg;
	int running;
	curl_multi_socket_action(P.multi, CURL_SOCKET_TIMEOUT, 0, &running);
	check_done();
}

/* on_curl_timer: libcurl wants to be called after MS milliseconds (-1: no
 * timer). Never act from inside this callback: arm the loop's timer. */
static int on_curl_timer(CURLM *multi, long ms, void *userp)
{
	(void)multi, (void)userp;
	if (ms < 0) {
		evtimer_del(P.curl_timer);
		return 0;
	}
	struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
	evtimer_add(P.curl_timer, &tv);
	return 0;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *arg)
{
	struct source *s = arg;
	size_t n = size * nmemb;
	if (n > s->pc->max_body_size - s->len) {
		s->too_big = true;
		return 0; /* aborts the transfer with CURLE_WRITE_ERROR */
	}
	if (s->len + n + 1 > s->cap) {
		size_t cap = s->cap ? s->cap : 16384;
		while (cap < s->len + n + 1)
			cap *= 2;
		if (cap > s->pc->max_body_size + 1)
			cap = s->pc->max_body_size + 1;
		char *p = realloc(s->body, cap);
		if (!p)
			return 0;
		s->body = p;
		s->cap = cap;
	}
	memcpy(s->body + s->len, data, n);
	s->len += n;
	s->body[s->len] = '\0';
	return n;
}

/* ---- the round: claim ---- */

/* One statement claims a batch: $1..$6 are arrays of name, reporter, url,
 * format, lease and horizon. A source is claimed when its row is new, due,
 * for another URL, or holds a next_run further out than this daemon could
 * have written; the UPDATE rechecks that on the locked row, so of two daemons
 * claiming together one wins. Returned for each source claimed: whether the
 * stored validators belong to its URL, the validators, the last accepted
 * body's hash, the last success and the failures in a row. */
static const char claim_sql[] =
	"WITH c AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::float8[], $6::float8[])"
	"  AS c(name, reporter, url, format, lease, horizon)),"
	" upd AS (UPDATE mestat.source_state s SET last_attempt = now(),"
	"  next_run = now() + make_interval(secs => c.lease), updated_at = now() FROM c"
	"  WHERE s.name = c.name AND (s.next_run IS NULL OR s.next_run <= now() OR s.url IS DISTINCT FROM c.url"
	"   OR s.next_run > now() + make_interval(secs => greatest(c.lease, c.horizon)))"
	"  RETURNING s.name, s.url = c.url AS url_same, s.etag, s.last_modified, s.last_body_sha256, s.last_success,"
	"  s.consecutive_failures),"
	" ins AS (INSERT INTO mestat.source_state AS s (name, reporter, url, format, last_attempt, next_run, updated_at)"
	"  SELECT c.name, c.reporter, c.url, c.format, now(), now() + make_interval(secs => c.lease), now() FROM c"
	"  WHERE NOT EXISTS (SELECT 1 FROM mestat.source_state x WHERE x.name = c.name)"
	"  ON CONFLICT (name) DO NOTHING"
	"  RETURNING s.name, true AS url_same, s.etag, s.last_modified, s.last_body_sha256, s.last_success, s.consecutive_failures)"
	" SELECT name, url_same, etag, last_modified, last_body_sha256,"
	"  to_char(last_success AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), consecutive_failures"
	" FROM (SELECT * FROM upd UNION ALL SELECT * FROM ins) x";

static const char next_run_sql[] =
	"SELECT extract(epoch FROM next_run - now())::float8 FROM mestat.source_state WHERE name = $1";

static void start_transfer(struct source *s);

/* claim_failed: the database could not be asked (or REFUSED the state row,
 * e.g. for a reporter it does not know); nothing was fetched and nothing can
 * be recorded. Try again later, backing off. */
static void claim_failed(struct source *s, const char *why, bool refused)
{
	if (s->conn)
		db_release(s->conn);
	s->conn = NULL;
	s->claim_failures++;
	double delay = s->pc->retry_min * pow(2, s->claim_failures < 20 ? s->claim_failures - 1 : 19);
	if (delay > s->pc->retry_max)
		delay = s->pc->retry_max;
	delay *= jitter();
	if (refused)
		log_error("cannot pull: the database refuses the source's state row", "source=%s reporter=%s error=\"%s\"",
		          s->name, s->pc->reporter, why);
	else if (s->claim_failures == 1)
		log_warn("cannot pull: the database is unavailable", "source=%s error=\"%s\" retry_in=%.1fs", s->name,
		         why, delay);
	round_end(s, delay);
}

static char *get_or_null(PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? NULL : strdup(PQgetvalue(r, row, col));
}

/* ---- batches ---- */

/* stage_add: gather S for the next statement of ST; -1 when out of memory. */
static int stage_add(struct stage *st, struct source *s)
{
	if (st->n == st->cap) {
		int cap = st->cap ? 2 * st->cap : 64;
		struct source **w = realloc(st->wait, (size_t)cap * sizeof(*w));
		if (!w)
			return -1;
		st->wait = w;
		st->cap = cap;
	}
	st->wait[st->n++] = s;
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp((*(struct source *const *)a)->name, (*(struct source *const *)b)->name);
}

/* stage_take: what was gathered, as the batch now in flight; NULL when
 * nothing was, a statement is in flight already, or out of memory. The batch
 * is in name order, so two daemons whose batches share rows lock them in the
 * same order and do not deadlock (if a plan locks otherwise, PostgreSQL
 * breaks the deadlock and the refused batch is retried a source at a time). */
static struct batch *stage_take(struct stage *st)
{
	if (st->fly || st->n == 0)
		return NULL;
	struct batch *b = malloc(sizeof(*b) + (size_t)st->n * sizeof(b->v[0]));
	if (!b)
		return NULL;
	b->st = st;
	b->n = st->n;
	memcpy(b->v, st->wait, (size_t)st->n * sizeof(b->v[0]));
	qsort(b->v, (size_t)b->n, sizeof(b->v[0]), by_name);
	st->n = 0;
	st->fly = b;
	return b;
}

static void stage_free(struct stage *st)
{
	free(st->wait);
	free(st->fly);
	st->wait = NULL;
	st->n = st->cap = 0;
	st->fly = NULL;
}

struct abuf {
	char *p;
	size_t len, cap;
	bool oom;
};

static void ab_put(struct abuf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (b->len + n + 1 > cap)
			cap *= 2;
		char *p = realloc(b->p, cap);
		if (!p) {
			b->oom = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

/* pg_arrays: NCOL PostgreSQL array literals, column by column, of the N x
 * NCOL text values VALS (row-major; NULL entries are SQL NULL). Each element
 * is double-quoted with " and \ escaped, so any text goes through. Returns
 * NULL when out of memory; free with pg_arrays_free. */
static char **pg_arrays(int n, int ncol, const char *const *vals)
{
	char **out = calloc((size_t)ncol, sizeof(*out));
	if (!out)
		return NULL;
	for (int j = 0; j < ncol; j++) {
		struct abuf b = {0};
		for (int i = 0; i < n; i++) {
			const char *v = vals[i * ncol + j];
			ab_put(&b, i ? "," : "{", 1);
			if (!v) {
				ab_put(&b, "NULL", 4);
				continue;
			}
			ab_put(&b, "\"", 1);
			for (const char *q = v; *q; q++) {
				size_t run = strcspn(q, "\"\\");
				ab_put(&b, q, run);
				q += run;
				if (!*q)
					break;
				ab_put(&b, "\\", 1);
				ab_put(&b, q, 1);
			}
			ab_put(&b, "\"", 1);
		}
		ab_put(&b, "}", 1);
		if (b.oom) {
			free(b.p);
			for (int k = 0; k < j; k++)
				free(out[k]);
			free(out);
			return NULL;
		}
		out[j] = b.p;
	}
	return out;
}

static void pg_arrays_free(char **a, int ncol)
{
	if (!a)
		return;
	for (int j = 0; j < ncol; j++)
		free(a[j]);
	free(a);
}

/* batch_find: the index in batch B (in name order) of the source named
 * NAME, -1 if none. Results mostly come in the batch's order, so HINT is
 * tried first. */
static int batch_find(const struct batch *b, const char *name, int hint)
{
	if (hint >= 0 && hint < b->n && strcmp(b->v[hint]->name, name) == 0)
		return hint;
	int lo = 0, hi = b->n - 1;
	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2, c = strcmp(b->v[mid]->name, name);
		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

/* stage_landed: B's statement is over; the next one of its stage may go. */
static void stage_landed(struct batch *b)
{
	if (b->st->fly == b)
		b->st->fly = NULL;
}

static void batch_failed(struct batch *b, const char *why)
{
	for (int i = 0; i < b->n; i++)
		b->st->ops->failed(b->v[i], why);
	free(b);
}

static void on_batch_conn(struct db_conn *c, void *arg)
{
	struct batch *b = arg;
	const struct stage_ops *ops = b->st->ops;
	const char **vals = malloc((size_t)b->n * (size_t)ops->ncol * sizeof(*vals));
	char(*num)[5][32] = calloc((size_t)b->n, sizeof(*num));
	char **arrays = NULL;
	if (vals && num) {
		for (int i = 0; i < b->n; i++)
			ops->params(b->v[i], vals + i * ops->ncol, num[i]);
		arrays = pg_arrays(b->n, ops->ncol, vals);
	}
	free(vals);
	free(num);
	if (!arrays) {
		db_release(c);
		stage_landed(b);
		batch_failed(b, "out of memory");
		return;
	}
	db_query(c, ops->sql, ops->ncol, (const char *const *)arrays, ops->done, b);
	pg_arrays_free(arrays, ops->ncol);
}

static void batch_send(struct batch *b)
{
	if (db_acquire(P.d->db, on_batch_conn, b) == 0)
		return;
	stage_landed(b);
	batch_failed(b, db_last_error(P.d->db)[0] ? db_last_error(P.d->db) : "no database connection");
}

/* stage_flush: send what ST gathered, unless its statement is in flight
 * (whose end sends it). */
static void stage_flush(struct stage *st)
{
	struct batch *b = stage_take(st);
	if (b) {
		batch_send(b);
	} else if (!st->fly && st->n) { /* out of memory */
		/* failed() ends rounds, which may gather new sources: they go to
		 * a new array, not into the one read here. */
		struct source **w = st->wait;
		int n = st->n;
		st->wait = NULL;
		st->n = st->cap = 0;
		for (int i = 0; i < n; i++)
			st->ops->failed(w[i], "out of memory");
		free(w);
	}
}

/* batch_split: send a batch the database refused again, one source per
 * statement, so the source it refuses fails alone. False, doing nothing, for
 * a batch of one. */
static bool batch_split(struct batch *b)
{
	if (b->n < 2)
		return false;
	for (int i = 0; i < b->n; i++) {
		struct batch *one = malloc(sizeof(*one) + sizeof(one->v[0]));
		if (!one) {
			b->st->ops->failed(b->v[i], "out of memory");
			continue;
		}
		one->st = b->st;
		one->n = 1;
		one->v[0] = b->v[i];
		batch_send(one);
	}
	free(b);
	return true;
}

static void on_next_run(struct db_conn *c, PGresult *r, const char *err, void *arg)
{
	struct source *s = arg;
	double delay = s->pc->interval * jitter();
	if (!err && r && PQntuples(r) == 1 && !PQgetisnull(r, 0, 0)) {
		double until = atof(PQgetvalue(r, 0, 0)) + rnd(0.05, 0.25);
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
	const char *p[1] = {s->name};
	db_query(c, next_run_sql, 1, p, on_next_run, s);
}

/* claim_lost: another mestatd has this round; ask when it ends. */
static void claim_lost(struct source *s)
{
	if (db_acquire(P.d->db, on_lost_conn, s) != 0)
		round_end(s, s->pc->interval * jitter());
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
		bool refused = r != NULL && *db_sqlstate(r) && strncmp(db_sqlstate(r), "08", 2) != 0;
		char why[512];
		snprintf(why, sizeof(why), "%s", err);
		db_release(c);
		if (!refused || !batch_split(b)) {
			for (int i = 0; i < b->n; i++)
				claim_failed(b->v[i], why, refused);
			free(b);
		}
		stage_flush(&P.claims);
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
			round_end(s, s->pc->interval * jitter());
		else if (!won[k])
			claim_lost(s);
		else if (s->removed || P.d->stopping) /* nothing fetched; the lease runs out by itself */
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

/* claim_not_sent: the claim could not be sent; nothing was fetched. */
static void claim_not_sent(struct source *s, const char *why)
{
	claim_failed(s, why, false);
}

static const struct stage_ops claim_ops = {claim_sql, 6, claim_params, on_claimed, claim_not_sent};

static void claim(struct source *s)
{
	s->state = ST_CLAIM;
	s->pc = s->conf;
	s->pc->refs++;
	s->started = now_mono();
	if (stage_add(&P.claims, s) != 0)
		claim_failed(s, "out of memory", false);
}

/* pump: start claimed sources while slots are free, and claim due sources
 * ahead, up to max_parallel_pulls of them, so that a freed slot starts its
 * next transfer at once instead of after a round trip to the database. A slot
 * is held for the transfer and the ingest, so max_parallel_pulls bounds the
 * bodies held in memory and the ingests queued on the database pool; writing
 * the outcome (a few short strings) needs none. */
static void pump(void)
{
	if (P.pumping) /* a round ended synchronously inside claim(): the loop below goes on */
		return;
	P.pumping = true;
	while (!P.d->stopping) {
		if (P.rhead && P.active < P.max_parallel) {
			struct source *s = ready_pop();
			s->ahead = false;
			P.ahead--;
			s->slot = true;
			P.active++;
			if (s->removed)
				round_end(s, s->pc->interval);
			else
				start_transfer(s);
		} else if (P.qhead && P.ahead < P.max_parallel) {
			struct source *s = P.qhead;
			dequeue(s);
			s->state = ST_IDLE;
			if (s->removed) {
				source_free(s);
				continue;
			}
			s->ahead = true;
			P.ahead++;
			claim(s);
		} else {
			break;
		}
	}
	P.pumping = false;
	stage_flush(&P.claims);
}

/* ---- the round: fetch ---- */

static const char *accept_for(enum fmt f)
{
	switch (f) {
	case FMT_JSON:
	case FMT_DHIS2_JSON:
		return "Accept: application/json, */*;q=0.5";
	case FMT_CSV:
		return "Accept: text/csv, */*;q=0.5";
	case FMT_DHIS2_CSV:
		return "Accept: application/csv, text/csv;q=0.9, */*;q=0.5";
	case FMT_SDMX_CSV:
		return "Accept: application/vnd.sdmx.data+csv, text/csv;q=0.9, */*;q=0.5";
	}
	return "Accept: */*";
}

/* add_header: append "NAME: VALUE" to the request; VALUE NULL means the
 * bearer token of the round's configuration. */
static int add_header(struct source *s, const char *name, const char *value)
{
	char *line;
	int n = value ? asprintf(&line, "%s: %s", name, value) : asprintf(&line, "%s: Bearer %s", name, s->pc->token);
	if (n < 0)
		return -1;
	struct curl_slist *l = curl_slist_append(s->headers, line);
	free(line);
	if (!l)
		return -1;
	s->headers = l;
	return 0;
}

static void conclude(struct source *s, const char *outcome, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int setup_easy(struct source *s)
{
	const struct src_conf *c = s->pc;
	CURL *e = s->easy;
	char *url = expand_url(s, e);
	if (!url)
		return -1;
	CURLcode rc = curl_easy_setopt(e, CURLOPT_URL, url);
	free(url);
	long timeout_ms = (long)(c->timeout * 1000);
	long low_time = (long)(c->timeout / 2) < PULL_LOW_SPEED_TIME ? (long)(c->timeout / 2) : PULL_LOW_SPEED_TIME;
	if (low_time >= 2) { /* with a shorter timeout, the timeout itself catches a stall */
		rc |= curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, PULL_LOW_SPEED);
		rc |= curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, low_time);
	}
	struct curl_slist *l = curl_slist_append(NULL, accept_for(c->format));
	if (!l)
		return -1;
	s->headers = l;
	if (s->url_same && s->old_etag && add_header(s, "If-None-Match", s->old_etag) != 0)
		return -1;
	if (s->url_same && s->old_lm && add_header(s, "If-Modified-Since", s->old_lm) != 0)
		return -1;
	if (*c->token && add_header(s, "Authorization", NULL) != 0)
		return -1;
	rc |= curl_easy_setopt(e, CURLOPT_HTTPHEADER, s->headers);
	rc |= curl_easy_setopt(e, CURLOPT_PRIVATE, s);
	rc |= curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	rc |= curl_easy_setopt(e, CURLOPT_WRITEDATA, s);
	rc |= curl_easy_setopt(e, CURLOPT_ERRORBUFFER, s->errbuf);
	rc |= curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	/* HTTPS only, redirects included, and always verified. */
	rc |= curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "https");
	rc |= curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "https");
	rc |= curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
	rc |= curl_easy_setopt(e, CURLOPT_MAXREDIRS, 5L);
	rc |= curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
	rc |= curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
	if (*c->ca_file)
		rc |= curl_easy_setopt(e, CURLOPT_CAINFO, c->ca_file);
	if (*c->client_cert) {
		rc |= curl_easy_setopt(e, CURLOPT_SSLCERT, c->client_cert);
		rc |= curl_easy_setopt(e, CURLOPT_SSLKEY, c->client_key);
	}
	/* Bounded in time and size: the whole transfer, the connection, a
	 * stalled (trickling) server, and the body whether announced or not. */
	rc |= curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout_ms);
	rc |= curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms < 15000 ? timeout_ms : 15000L);
	rc |= curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)c->max_body_size);
	rc |= curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	rc |= curl_easy_setopt(e, CURLOPT_USERAGENT, "mestatd/" PACKAGE_VERSION);
	if (P.share)
		rc |= curl_easy_setopt(e, CURLOPT_SHARE, P.share);
	return rc == CURLE_OK ? 0 : -1;
}

static void start_transfer(struct source *s)
{
	s->state = ST_FETCH;
	s->started = now_mono();
	s->easy = curl_easy_init();
	if (!s->easy || setup_easy(s) != 0 || curl_multi_add_handle(P.multi, s->easy) != CURLM_OK) {
		if (s->easy)
			curl_easy_cleanup(s->easy);
		s->easy = NULL;
		conclude(s, "connect", "cannot set up the transfer (out of memory or a bad URL)");
	}
}

static const char *curl_class(CURLcode rc, bool too_big, const char *msg)
{
	switch (rc) {
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
		/* After the handshake the server may still refuse us with a TLS
		 * alert (TLS 1.3 checks the client certificate then). */
		return strstr(msg, " alert ") ? "tls" : "connect";
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		return "dns";
	case CURLE_OPERATION_TIMEDOUT:
		return "timeout";
	case CURLE_FILESIZE_EXCEEDED:
		return "body_too_large";
	case CURLE_WRITE_ERROR:
		return too_big ? "body_too_large" : "connect";
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_SSL_SHUTDOWN_FAILED:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_CLIENTCERT:
	case CURLE_USE_SSL_FAILED:
		return "tls";
	case CURLE_TOO_MANY_REDIRECTS:
	case CURLE_UNSUPPORTED_PROTOCOL: /* a redirect to anything but https */
		return "http_status";
	case CURLE_BAD_CONTENT_ENCODING:
		return "decode";
	default:
		return "connect";
	}
}

static char *header_value(CURL *e, const char *name)
{
	struct curl_header *h;
	if (curl_easy_header(e, name, 0, CURLH_HEADER, -1, &h) != CURLHE_OK || !h->value || !*h->value)
		return NULL;
	return strdup(h->value);
}

static void on_ingested(const struct ingest_result *res, void *arg);

static void ingest(struct source *s)
{
	s->state = ST_INGEST;
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
	ingest_submit(P.d->db, api_receipt_key(), &rq, on_ingested, s);
	free(body);
}

static void transfer_done(struct source *s, CURLcode rc)
{
	long code = 0;
	char *ct = NULL, *redirect = NULL;
	curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_getinfo(s->easy, CURLINFO_CONTENT_TYPE, &ct);
	curl_easy_getinfo(s->easy, CURLINFO_EFFECTIVE_URL, &redirect); /* where a refused redirect led */
	s->content_type = xstrdup(ct);
	if (rc == CURLE_UNSUPPORTED_PROTOCOL && code / 100 == 3 && redirect)
		snprintf(s->errbuf, sizeof(s->errbuf), "HTTP %ld redirects to %.160s, which is not https: refused", code,
		         redirect);
	if (rc == CURLE_OK) {
		s->new_etag = header_value(s->easy, "ETag");
		s->new_lm = header_value(s->easy, "Last-Modified");
	}
	curl_multi_remove_handle(P.multi, s->easy);
	curl_easy_cleanup(s->easy);
	s->easy = NULL;
	curl_slist_free_all(s->headers);
	s->headers = NULL;

	if (rc != CURLE_OK) {
		const char *cls = curl_class(rc, s->too_big, s->errbuf);
		if (strcmp(cls, "body_too_large") == 0)
			conclude(s, cls, "the body is larger than max_body_size (%zu bytes)", s->pc->max_body_size);
		else
			conclude(s, cls, "%s", s->errbuf[0] ? s->errbuf : curl_easy_strerror(rc));
	} else if (code == 304) {
		conclude(s, "not_modified", "not modified since the last pull");
	} else if (code != 200) {
		conclude(s, "http_status", "HTTP %ld from the server", code);
	} else {
		ingest_sha256_hex(s->body ? s->body : "", s->len, s->sha);
		if (s->old_sha && strcmp(s->sha, s->old_sha) == 0) {
			s->set_validators = true;
			conclude(s, "unchanged", "the body is the one accepted before");
		} else if (strcmp(s->sha, s->rejected_sha) == 0) {
			s->sha[0] = '\0';
			conclude(s, s->rejected_class, "%s (the same body as last time)", s->rejected_msg);
		} else {
			ingest(s);
		}
	}
}

static void check_done(void)
{
	CURLMsg *m;
	int left;
	while ((m = curl_multi_info_read(P.multi, &left))) {
		if (m->msg != CURLMSG_DONE)
			continue;
		CURL *e = m->easy_handle;
		CURLcode rc = m->data.result; /* M is invalid once the handle is removed */
		struct source *s = NULL;
		curl_easy_getinfo(e, CURLINFO_PRIVATE, (char **)&s);
		if (s && s->easy == e)
			transfer_done(s, rc);
	}
}

/* ---- the round: ingest, outcome, state ---- */

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
			sched_poke(); /* new values: progress is recomputed soon */
			/* Warnings (values held for follow-up, warn rules) go with
			 * the outcome, so the operator sees them where the pull is. */
			size_t nw = res->warnings ? json_array_size(res->warnings) : 0;
			char warned[160] = "";
			if (nw) {
				const char *m = json_string_value(json_object_get(json_array_get(res->warnings, 0), "message"));
				snprintf(warned, sizeof(warned), "; %zu warning%s, the first: %s", nw, nw == 1 ? "" : "s",
				         m ? m : "");
			}
			conclude(s, "ok", "accepted as submission %lld: %ld new, %ld revised, %ld unchanged, %ld deleted%s",
			         res->submission_id, res->counts[0], res->counts[1], res->counts[2], res->counts[3], warned);
		} else {
			conclude(s, "unchanged", "the body was accepted before as submission %lld", res->submission_id);
		}
		return;
	case 400:
	case 403:
	case 409:
	case 422: {
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

static bool is_success(const char *outcome)
{
	return strcmp(outcome, "ok") == 0 || strcmp(outcome, "not_modified") == 0 ||
	       strcmp(outcome, "unchanged") == 0;
}

/* conclude: the outcome of the round is known; count it, log it, store it. */
static void conclude(struct source *s, const char *outcome, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->message, sizeof(s->message), fmt, ap);
	va_end(ap);
	s->outcome = outcome;
	double took = now_mono() - s->started;
	metrics_pull(s->name, outcome, took);
	if (strcmp(outcome, "ok") == 0)
		log_info("pulled", "source=%s outcome=ok seconds=%.3f detail=\"%s\"", s->name, took, s->message);
	else if (is_success(outcome))
		log_debug("pulled", "source=%s outcome=%s seconds=%.3f", s->name, outcome, took);
	else
		log_warn("pull failed", "source=%s class=%s seconds=%.3f failures=%d error=\"%s\"", s->name, outcome, took,
		         s->failures + 1, s->message);
	save(s);
}

/* One statement writes the outcomes of a batch: $1..$15 are arrays of, per
 * source, name, reporter, url, format, failure class and message (NULL on
 * success), ETag, Last-Modified, body hash, submission, the delay after a
 * success, retry_min, retry_max, a jitter factor and whether this round's
 * validators replace the stored ones. A success resets the failures and
 * schedules the next run an interval ahead; a failure counts one more and
 * backs off from retry_min, doubling, capped at retry_max. On a failure only
 * the class and message are new: the validators and body hash stay those of
 * the last accepted body. Returns, per source written, its name, its
 * failures in a row and the seconds to its next run. The INSERT is for a
 * state row deleted since the claim. */
static const char save_sql[] =
	"WITH c AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],"
	"  $7::text[], $8::text[], $9::text[], $10::bigint[], $11::float8[], $12::float8[], $13::float8[],"
	"  $14::float8[], $15::bool[])"
	"  AS c(name, reporter, url, format, class, message, etag, last_modified, sha, submission, ok_delay,"
	"  retry_min, retry_max, jitter, set_validators)),"
	" upd AS (UPDATE mestat.source_state s SET reporter = c.reporter, url = c.url, format = c.format,"
	"  last_success = CASE WHEN c.class IS NULL THEN now() ELSE s.last_success END,"
	"  last_error_class = c.class, last_error = c.message,"
	"  consecutive_failures = CASE WHEN c.class IS NULL THEN 0 ELSE s.consecutive_failures + 1 END,"
	"  next_run = now() + make_interval(secs => CASE WHEN c.class IS NULL THEN c.ok_delay"
	"   ELSE least(c.retry_max, c.retry_min * power(2, least(s.consecutive_failures, 30))) * c.jitter END),"
	"  etag = CASE WHEN c.set_validators OR s.url IS DISTINCT FROM c.url THEN c.etag"
	"   ELSE coalesce(c.etag, s.etag) END,"
	"  last_modified = CASE WHEN c.set_validators OR s.url IS DISTINCT FROM c.url THEN c.last_modified"
	"   ELSE coalesce(c.last_modified, s.last_modified) END,"
	"  last_body_sha256 = coalesce(c.sha, s.last_body_sha256),"
	"  last_submission = coalesce(c.submission, s.last_submission), updated_at = now()"
	"  FROM c WHERE s.name = c.name"
	"  RETURNING s.name, s.consecutive_failures, s.next_run),"
	" ins AS (INSERT INTO mestat.source_state AS s (name, reporter, url, format, last_attempt, last_success,"
	"  last_error_class, last_error, next_run, consecutive_failures, etag, last_modified, last_body_sha256,"
	"  last_submission, updated_at)"
	"  SELECT c.name, c.reporter, c.url, c.format, now(), CASE WHEN c.class IS NULL THEN now() END, c.class,"
	"  c.message, now() + make_interval(secs => CASE WHEN c.class IS NULL THEN c.ok_delay"
	"   ELSE c.retry_min * c.jitter END), CASE WHEN c.class IS NULL THEN 0 ELSE 1 END, c.etag, c.last_modified,"
	"  c.sha, c.submission, now() FROM c"
	"  WHERE NOT EXISTS (SELECT 1 FROM mestat.source_state x WHERE x.name = c.name)"
	"  ON CONFLICT (name) DO NOTHING"
	"  RETURNING s.name, s.consecutive_failures, s.next_run)"
	" SELECT name, consecutive_failures, extract(epoch FROM next_run - now())::float8"
	" FROM (SELECT * FROM upd UNION ALL SELECT * FROM ins) x";

/* local_delay: when the next try is due, computed here when the database
 * cannot tell (it computes the same from its own failure count). */
static double local_delay(const struct source *s)
{
	if (is_success(s->outcome))
		return s->pc->interval * jitter();
	double d = s->pc->retry_min * pow(2, s->failures < 30 ? s->failures : 30);
	return (d < s->pc->retry_max ? d : s->pc->retry_max) * jitter();
}

/* save_params: the 15 values of save_sql for S, into P; NUM holds the numbers. */
static void save_params(struct source *s, const char **p, char num[5][32])
{
	bool ok = is_success(s->outcome);
	/* A 304 may refresh the validators; a new accepted (or already known)
	 * body replaces them. */
	bool validators = s->set_validators || strcmp(s->outcome, "not_modified") == 0;
	if (s->submission)
		snprintf(num[0], 32, "%lld", s->submission);
	snprintf(num[1], 32, "%.3f", s->pc->interval * jitter());
	snprintf(num[2], 32, "%.3f", s->pc->retry_min);
	snprintf(num[3], 32, "%.3f", s->pc->retry_max);
	snprintf(num[4], 32, "%.4f", jitter());
	const char *v[15] = {
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
		num[2],
		num[3],
		num[4],
		s->set_validators ? "true" : "false",
	};
	memcpy(p, v, sizeof(v));
}

/* save_failed: S's outcome could not be written; its next round is
 * scheduled from what this daemon knows. */
static void save_failed(struct source *s, const char *why)
{
	log_warn("cannot store the outcome of a pull", "source=%s error=\"%s\"", s->name, why);
	round_end(s, local_delay(s));
}

static void on_saved(struct db_conn *c, PGresult *r, const char *err, void *arg)
{
	struct batch *b = arg;
	stage_landed(b);
	if (err) {
		bool refused = r != NULL && *db_sqlstate(r) && strncmp(db_sqlstate(r), "08", 2) != 0;
		char why[512];
		snprintf(why, sizeof(why), "%s", err);
		db_release(c);
		if (!refused || !batch_split(b))
			batch_failed(b, why);
		stage_flush(&P.saves);
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
			save_failed(s, done && delay ? "its state row was written meanwhile" : "out of memory");
	}
	free(delay);
	free(done);
	free(b);
	stage_flush(&P.saves);
}

static const struct stage_ops save_ops = {save_sql, 15, save_params, on_saved, save_failed};

static void save(struct source *s)
{
	s->state = ST_SAVE;
	/* The transfer and the ingest are over: the body and the handle can go
	 * and the slot can start the next due source while the outcome, a few
	 * short strings, is written. */
	transfer_clear(s);
	if (s->slot) {
		s->slot = false;
		P.active--;
		pump();
	}
	if (stage_add(&P.saves, s) != 0)
		save_failed(s, "out of memory");
	else
		stage_flush(&P.saves);
}

/* round_end: the round is over: free its slot, then free a removed source
 * or wait DELAY for the next round. */
static void round_end(struct source *s, double delay)
{
	round_clear(s);
	s->state = ST_IDLE;
	if (s->slot) {
		s->slot = false;
		P.active--;
	}
	if (s->ahead) {
		s->ahead = false;
		P.ahead--;
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

/* ---- start: the schedule as the database has it ---- */

static void on_load_timer(evutil_socket_t fd, short what, void *arg);

static void retry_load(void)
{
	struct timeval tv = {0, (long)(PULL_LOAD_RETRY * 1e6)};
	evtimer_add(P.load_timer, &tv);
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
	P.loaded = true;
	for (struct source *s = P.sources; s; s = s->next) {
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
				delay = until + rnd(0, 0.25);
		}
		if (delay == 0)
			due++;
		arm(s, delay);
	}
	free(rows);
	db_release(c);
	log_info("pull collectors scheduled", "known=%d overdue=%d max_parallel_pulls=%ld", n, due, P.max_parallel);
}

static void on_load_conn(struct db_conn *c, void *arg)
{
	(void)arg;
	db_query(c, "SELECT name, url, extract(epoch FROM next_run - now())::float8 FROM mestat.source_state", 0, NULL,
	         on_loaded, NULL);
}

static void on_load_timer(evutil_socket_t fd, short what, void *arg)
{
	(void)fd, (void)what, (void)arg;
	if (P.d->stopping)
		return;
	if (db_acquire(P.d->db, on_load_conn, NULL) != 0) {
		if (!P.waiting_logged)
			log_info("pull collectors wait for the database", "error=\"%s\"",
			         db_last_error(P.d->db)[0] ? db_last_error(P.d->db) : "still connecting");
		P.waiting_logged = true;
		retry_load();
	}
}

/* ---- the public face ---- */

static void add_sources(const struct config *cf)
{
	size_t n = 0;
	struct name_ix *ix = sources_ix(&n);
	if (!ix) {
		log_error("out of memory; the pull sources are left as they were");
		return;
	}
	P.max_timeout = 0;
	for (const struct source_conf *sc = cf->sources; sc; sc = sc->next)
		if (sc->timeout > P.max_timeout)
			P.max_timeout = sc->timeout;
	for (const struct source_conf *sc = cf->sources; sc; sc = sc->next) {
		struct source *s = ix_find(ix, n, sc->name);
		struct src_conf *c = conf_new(sc);
		if (!c) {
			log_error("out of memory; a pull source is left as it was", "source=%s", sc->name);
			continue;
		}
		if (!s) {
			s = source_new(c);
			if (!s) {
				conf_unref(c);
				log_error("out of memory; a pull source is not scheduled", "source=%s", sc->name);
				continue;
			}
			if (P.loaded) {
				log_info("source added", "source=%s url=%s", s->name, c->url);
				arm(s, first_delay(c));
			}
			continue;
		}
		bool was_removed = s->removed;
		s->removed = false;
		if (!was_removed && conf_equal(s->conf, c)) {
			conf_unref(c);
			continue;
		}
		conf_unref(s->conf);
		s->conf = c;
		log_info("source changed", "source=%s url=%s", s->name, c->url);
		if (s->state == ST_IDLE && s->scheduled) {
			evtimer_del(s->timer);
			arm(s, first_delay(c));
		} else if (s->state != ST_IDLE && s->state != ST_QUEUED) {
			s->changed = true; /* the round in flight keeps its settings */
		}
	}
	free(ix);
}

/* set_max_connects: keep enough idle connections for every slot to find
 * its server's open: libcurl's own default follows the handles added at the
 * moment, which drops to a few while slots wait for ingests, and each
 * connection closed then costs a TLS handshake on the province's side in
 * the next round. */
static void set_max_connects(void)
{
	curl_multi_setopt(P.multi, CURLMOPT_MAXCONNECTS, (long)(4 * P.max_parallel));
}

int pull_start(struct daemon *d)
{
	memset(&P, 0, sizeof(P));
	P.d = d;
	uint32_t seed[2] = {arc4random(), arc4random()};
	memcpy(P.rnd, seed, sizeof(P.rnd));
	P.max_parallel = d->cf->max_parallel_pulls;
	P.claims.ops = &claim_ops;
	P.saves.ops = &save_ops;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		log_error("cannot initialise libcurl");
		return -1;
	}
	P.multi = curl_multi_init();
	P.curl_timer = evtimer_new(d->base, on_curl_timeout, NULL);
	P.load_timer = evtimer_new(d->base, on_load_timer, NULL);
	if (!P.multi || !P.curl_timer || !P.load_timer) {
		log_error("cannot set up the pull collectors: out of memory");
		pull_stop();
		return -1;
	}
	set_max_connects();
	curl_multi_setopt(P.multi, CURLMOPT_SOCKETFUNCTION, on_curl_socket);
	curl_multi_setopt(P.multi, CURLMOPT_TIMERFUNCTION, on_curl_timer);
	/* Resolved names and TLS sessions are shared between transfers, as
	 * connections already are by the multi handle. */
	P.share = curl_share_init();
	if (P.share) {
		curl_share_setopt(P.share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
		curl_share_setopt(P.share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
	}
	add_sources(d->cf);
	int n = 0;
	for (struct source *s = P.sources; s; s = s->next)
		n++;
	if (n)
		on_load_timer(-1, 0, NULL);
	else
		P.loaded = true;
	return 0;
}

void pull_reconfigure(const struct config *cf)
{
	if (!P.multi)
		return;
	P.max_parallel = cf->max_parallel_pulls;
	set_max_connects();
	size_t n = 0;
	for (const struct source_conf *sc = cf->sources; sc; sc = sc->next)
		n++;
	struct name_ix *ix = malloc((n ? n : 1) * sizeof(*ix));
	if (!ix) {
		log_error("out of memory; the pull sources are left as they were");
		return;
	}
	n = 0;
	for (const struct source_conf *sc = cf->sources; sc; sc = sc->next)
		ix[n++] = (struct name_ix){sc->name, (void *)sc};
	ix_sort(ix, n);
	/* Removed: an idle or queued source goes now; one in a round when it ends. */
	for (struct source *s = P.sources, *next; s; s = next) {
		next = s->next;
		if (s->removed || ix_find(ix, n, s->name))
			continue;
		if (s->state == ST_IDLE || s->state == ST_QUEUED) {
			if (s->state == ST_QUEUED)
				dequeue(s);
			log_info("source removed", "source=%s", s->name);
			source_free(s);
		} else {
			log_info("source removed; its pull in flight finishes first", "source=%s", s->name);
			s->removed = true;
		}
	}
	free(ix);
	add_sources(cf);
	pump();
}

void pull_stop(void)
{
	/* The loop has ended: nothing more will call back into the rounds in
	 * flight (the database pool drops its pending callbacks), so everything
	 * can go. Transfers are aborted by removing their handles. */
	while (P.sources)
		source_free(P.sources);
	P.qhead = P.qtail = NULL;
	P.rhead = P.rtail = NULL;
	stage_free(&P.claims);
	stage_free(&P.saves);
	if (P.multi) /* may announce CURL_POLL_REMOVE for cached connections: the base is still alive */
		curl_multi_cleanup(P.multi);
	P.multi = NULL;
	if (P.share)
		curl_share_cleanup(P.share);
	P.share = NULL;
	while (P.socks)
		sock_free(P.socks);
	if (P.curl_timer)
		event_free(P.curl_timer);
	if (P.load_timer)
		event_free(P.load_timer);
	P.curl_timer = P.load_timer = NULL;
	if (P.d)
		curl_global_cleanup();
	P.d = NULL;
}
