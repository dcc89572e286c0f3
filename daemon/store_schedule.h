/* store_schedule.h - the statements of the scheduler's runs: the recompute
 * lock, locking periods past lock_days, recomputing progress, refreshing
 * the data quality statistics, and purging
 * ended console sessions. Each answers one row of one column. */
#ifndef MESTAT_STORE_SCHEDULE_H
#define MESTAT_STORE_SCHEDULE_H

#include <stdbool.h>

#include "db.h"

/* store_recompute_lock: try to take the recompute lock, a session advisory
 * lock, so it must be released on the same connection; "t" when taken,
 * "f" when another daemon holds it. */
void store_recompute_lock(struct db_conn *c, db_result_cb cb, void *arg);

/* store_recompute_unlock: release the recompute lock. */
void store_recompute_unlock(struct db_conn *c, db_result_cb cb, void *arg);

/* store_lock_expired: lock the periods past due_date + lock_days; how many. */
void store_lock_expired(struct db_conn *c, db_result_cb cb, void *arg);

enum store_recompute_kind {
	STORE_RECOMPUTE_FULL,        /* every assessment */
	STORE_RECOMPUTE_IF_EMPTY,    /* a full run only when no snapshot exists yet */
	STORE_RECOMPUTE_INCREMENTAL, /* what the changes queued since the last run can alter */
};

/* store_recompute: recompute progress; the new snapshot's id, or NULL when
 * there was nothing to do (IF_EMPTY with a snapshot, INCREMENTAL with nothing
 * queued). */
void store_recompute(struct db_conn *c, enum store_recompute_kind kind, db_result_cb cb, void *arg);

/* store_quality_refresh: bring the data quality statistics up to date with
 * what changed since the last refresh, then analyze the report views' tables
 * that changed much (mestat.analyze_report_tables); how many (reporter,
 * year) pairs were recomputed, and how many tables analyzed. */
void store_quality_refresh(struct db_conn *c, db_result_cb cb, void *arg);

/* store_session_purge: delete the console sessions that ended more than 30
 * days ago; how many. */
void store_session_purge(struct db_conn *c, db_result_cb cb, void *arg);

#endif
