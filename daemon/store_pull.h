/* store_pull.h - the statements of the pull collectors on
 * mestat.source_state: claiming rounds, storing their outcomes, and reading
 * the schedule at start. A claim or an outcome goes for a batch of sources
 * at once: each parameter is a PostgreSQL array literal with one element per
 * source, in the same order in every array. */
#ifndef MESTAT_STORE_PULL_H
#define MESTAT_STORE_PULL_H

#include "db.h"

/* The arrays of a claim: name, reporter, url, format, lease and horizon
 * (seconds). */
#define STORE_PULL_CLAIM_ARRAYS 6

/* store_pull_claim: claim the sources of ARRAYS whose row is new, due, for
 * another URL, or holds a next_run further out than max(lease, horizon);
 * the claim moves next_run a lease ahead. Rows, per source claimed, of
 * (name, whether the stored validators belong to its URL "t"/"f", ETag,
 * Last-Modified, last accepted body's SHA-256, last success as
 * YYYY-MM-DDTHH:MM:SSZ, failures in a row). A source not returned is
 * another daemon's this round. */
void store_pull_claim(struct db_conn *c, const char *const *arrays, db_result_cb cb, void *arg);

/* The arrays of an outcome: name, reporter, url, format, failure class and
 * message (NULL on success), ETag, Last-Modified, body hash, submission,
 * the seconds to the next run, and whether this round's validators replace
 * the stored ones (bool). */
#define STORE_PULL_SAVE_ARRAYS 12

/* store_pull_save: store the outcomes of ARRAYS. A success resets the
 * failures, a failure counts one more; on a failure only the class and
 * message are new: the validators and body hash stay those of the last
 * accepted body. A row deleted since the claim is written anew. Rows, per
 * source written, of (name, failures in a row, seconds to its next run). */
void store_pull_save(struct db_conn *c, const char *const *arrays, db_result_cb cb, void *arg);

/* store_pull_next_run: one row, one column: the seconds until source NAME's
 * next run (NULL when it has none; no row when it has no state). */
void store_pull_next_run(struct db_conn *c, const char *name, db_result_cb cb, void *arg);

/* store_pull_schedule: every source's state as rows of (name, url, seconds
 * until its next run, NULL when it has none). */
void store_pull_schedule(struct db_conn *c, db_result_cb cb, void *arg);

#endif
