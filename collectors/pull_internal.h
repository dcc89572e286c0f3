/* pull_internal.h - what the collectors' files share: the source and its
 * round, the collectors' state, and each file's contract, grouped under the
 * file that implements it. Not for use outside collectors/ (and its tests). */
#ifndef MESTAT_PULL_INTERNAL_H
#define MESTAT_PULL_INTERNAL_H

#include <curl/curl.h>
#include <event2/event.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "db.h"
#include "formats/formats.h"
#include "pull_queue.h"

struct config;
struct curl_ev;
struct daemon;
struct db_conn;
struct source_conf;

#define PULL_LEASE_MARGIN   60.0 /* seconds a claim outlives its transfers (see lease_of) */
#define PULL_LOW_SPEED      64L  /* bytes/s below which a transfer counts as stalled... */
#define PULL_LOW_SPEED_TIME 30   /* ...for this long (at most; half the timeout when shorter) */
#define PULL_LOAD_RETRY     0.5  /* seconds between attempts to read the state at start */

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
	bool sdmx_rest; /* add startPeriod and updatedAfter to the SDMX REST query */
};

enum src_state { ST_IDLE, ST_QUEUED, ST_CLAIM, ST_READY, ST_FETCH, ST_INGEST, ST_SAVE };

struct source {
	char *name;
	struct src_conf *conf; /* the configuration in force */
	struct event *timer;   /* when the source is due */
	enum src_state state;
	bool removed;           /* gone from the configuration: freed when its round ends */
	bool changed;           /* reconfigured during a round: pull again soon after it */
	bool scheduled;         /* the timer has been armed once */
	bool slot;              /* holds one of the max_parallel_pulls slots (the transfer) */
	bool ingesting;         /* its body waits for, or is in, the database (counted in pulls) */
	bool ahead;             /* claimed (or being claimed) ahead of a slot */
	int claim_failures;     /* claims that could not reach the database, in a row */
	struct source *next;    /* all sources */
	struct fifo_link qlink; /* in pulls.queued (ST_QUEUED) or pulls.ready (ST_READY) */
	/* The body ingest refused last time, so the same bytes are not offered
	 * again (and again logged as a refused submission) every retry. */
	char rejected_sha[65];
	char rejected_class[16];
	char rejected_msg[400];

	/* The round in flight (state CLAIM to SAVE). */
	struct src_conf *pc; /* the configuration this round runs with */
	struct db_conn *conn;
	CURL *easy;
	struct curl_slist *headers;
	char *body;
	size_t len, cap;
	size_t ingest_len; /* the body's size, counted in pulls.ingest_bytes while ingesting */
	bool too_big;
	char errbuf[CURL_ERROR_SIZE];
	double started; /* monotonic seconds */
	/* from the claim */
	bool url_same; /* the stored validators belong to this URL */
	char *old_etag, *old_lm, *old_sha, *since;
	int failures; /* consecutive failures before this round */
	/* the outcome */
	const char *outcome; /* ok, not_modified, unchanged, or a failure class */
	char message[512];
	char *new_etag, *new_lm, *content_type;
	bool set_validators;  /* the body of this round is the accepted one */
	char sha[65];         /* body hash to store, "" to keep */
	long long submission; /* submission to store, 0 to keep */
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
	/* sends the statement; ARRAYS: one per parameter, one element per source */
	void (*send)(struct db_conn *c, const char *const *arrays, db_result_cb cb, void *arg);
	int ncol;
	void (*params)(struct source *s, const char **p, char num[5][32]);          /* NUM: room for numbers */
	void (*done)(struct db_conn *c, PGresult *r, const char *err, void *batch); /* calls stage_landed */
	void (*failed)(struct source *s, const char *why, bool refused);            /* REFUSED: by the database */
};

struct stage {
	const struct stage_ops *ops;
	struct source **wait; /* gathered while a statement is in flight */
	int n, cap;
	struct batch *fly; /* the statement in flight, NULL if none */
};

/* The collectors' state: one per daemon. */
struct pulls {
	struct daemon *d;
	struct curl_ev *ce;
	struct event *load_timer;
	struct source *sources;
	struct fifo queued;         /* due, not yet claimed */
	struct fifo ready;          /* claimed, waiting for a slot */
	int active;                 /* transfers under way, each holding a slot */
	int ingesting;              /* bodies handed to ingest and not answered yet */
	size_t ingest_bytes;        /* ... and their sizes as fetched */
	int max_ingesting;          /* what the pool takes in one turn: db_connections batches */
	size_t ingest_budget;       /* max_parallel_pulls bodies of max_body_size */
	int ahead;                  /* claims in flight or claimed, waiting for a slot */
	double max_timeout;         /* the longest transfer timeout of any source */
	struct stage claims, saves; /* claims and outcomes, written in batches */
	bool pumping;
	long max_parallel;
	bool loaded; /* the schedule was read from the database */
	bool waiting_logged;
};

extern struct pulls pulls;

/* pull.c: the round */
/* first_delay: a new source's first pull, a few seconds out, spread. */
double first_delay(const struct src_conf *c);
/* horizon_of: the furthest a next_run written under C can lie ahead. */
double horizon_of(const struct src_conf *c);
/* lease_of: how long a claim under C keeps other daemons off the source. */
double lease_of(const struct src_conf *c);
/* arm: the source's next round starts DELAY seconds from now. */
void arm(struct source *s, double delay);
/* source_new: a source for C (taking C's reference), on the list; NULL on OOM. */
struct source *source_new(struct src_conf *c);
/* source_free: off the list and freed, its round abandoned. */
void source_free(struct source *s);
/* dequeue: take a due source off the queue before it is claimed. */
void dequeue(struct source *s);
/* transfer_clear: the transfer's handle, headers and body go. */
void transfer_clear(struct source *s);
/* pump: start claimed sources on free slots, claim due ones ahead. */
void pump(void);
/* ready_push: S is claimed and waits for a slot. */
void ready_push(struct source *s);
/* round_ingest: hand the fetched body to ingest. */
void round_ingest(struct source *s);
/* conclude: the round's outcome is known: count, log and store it. */
void conclude(struct source *s, const char *outcome, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* is_success: OUTCOME is ok, not_modified or unchanged. */
bool is_success(const char *outcome);
/* round_end: the round is over; the next one in DELAY seconds. */
void round_end(struct source *s, double delay);

/* pull_conf.c: configuration snapshots and the reload diff */
/* A name and what it names, sorted by ix_sort and searched by ix_find. */
struct name_ix {
	const char *name;
	void *item;
};
/* ix_sort: IX (N entries) in name order, for ix_find. */
void ix_sort(struct name_ix *ix, size_t n);
/* ix_find: the item named NAME in IX (sorted), NULL if none. */
void *ix_find(const struct name_ix *ix, size_t n, const char *name);
/* conf_new: a snapshot of SC (one reference); NULL on OOM. */
struct src_conf *conf_new(const struct source_conf *sc);
/* conf_unref: drop one reference; the last frees C. NULL is fine. */
void conf_unref(struct src_conf *c);
/* conf_apply: add the new sources of CF and take changed settings (the
 * first load; a reload also removes, see pull_conf_reload). */
void conf_apply(const struct config *cf);
/* pull_conf_reload: make the sources those of CF: removed ones go (at the
 * end of their round), new ones are added, changed ones take effect. */
void pull_conf_reload(const struct config *cf);

/* pull_fetch.c: URL templates, period arithmetic, transfers and their failures */
/* pull_period_latest: the latest quarter ended at NOW in the local time
 * zone, as "2018Q3" (or "2018-Q3" for SDMX), into OUT. */
void pull_period_latest(enum fmt f, time_t now, char *out, size_t len);
/* pull_url_expand: TEMPLATE with {period} and {since} replaced by PERIOD and
 * SINCE (already URL-escaped); malloc'd, NULL on OOM. */
char *pull_url_expand(const char *tmpl, const char *period, const char *since);
/* pull_failure_class: the failure class of a transfer that ended with RC
 * (TOO_BIG: our own size limit stopped it; MSG: libcurl's error text). */
const char *pull_failure_class(CURLcode rc, bool too_big, const char *msg);
/* fetch_start: set up and start S's transfer (concludes on failure). */
void fetch_start(struct source *s);
/* fetch_done: the transfer of EASY ended with RC (curl_ev's callback). */
void fetch_done(CURL *easy, CURLcode rc, void *arg);

/* pull_batch.c: the batched writer of claims and outcomes */
/* stage_add: gather S for the next statement of ST; -1 when out of memory. */
int stage_add(struct stage *st, struct source *s);
/* stage_flush: send what ST gathered unless a statement is in flight. */
void stage_flush(struct stage *st);
/* stage_landed: B's statement is over; the next one of its stage may go. */
void stage_landed(struct batch *b);
/* stage_free: release what ST holds. */
void stage_free(struct stage *st);
/* batch_find: the index in B of the source named NAME (HINT tried first), -1. */
int batch_find(const struct batch *b, const char *name, int hint);
/* batch_error: B's statement failed with ERR (result R, on C): each source
 * fails, or a batch the database refused is resent a source at a time. C is
 * released and the stage's next statement goes. */
void batch_error(struct batch *b, struct db_conn *c, PGresult *r, const char *err);
/* pg_arrays: NCOL array literals of the N x NCOL text values VALS. */
char **pg_arrays(int n, int ncol, const char *const *vals);
/* pg_arrays_free: release what pg_arrays returned. */
void pg_arrays_free(char **a, int ncol);

/* pull_state.c: claims, outcomes and the schedule at start, in the database */
extern const struct stage_ops claim_ops, save_ops;
/* claim_failed: S's claim could not be made (or was REFUSED); back off. */
void claim_failed(struct source *s, const char *why, bool refused);
/* local_delay: the wait before S's next round, from what this daemon knows. */
double local_delay(const struct source *s);
/* state_load: read the schedule from the database (retrying until it can). */
void state_load(void);

#endif
