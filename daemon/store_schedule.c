/* store_schedule.c - the statements of the scheduler's runs (see
 * store_schedule.h; scheduler.c says when each runs). */
#include "store_schedule.h"

/* 'mestprog' read as a 64-bit integer. Single-key advisory locks do not
 * collide with the two-key locks the SQL functions take ('mest', n). */
#define SCHED_LOCK_KEY "7882833666721869671"

void store_recompute_lock(struct db_conn *c, db_result_cb cb, void *arg)
{
	db_query(c, "SELECT pg_try_advisory_lock(" SCHED_LOCK_KEY ")", 0, NULL, cb, arg);
}

void store_recompute_unlock(struct db_conn *c, db_result_cb cb, void *arg)
{
	db_query(c, "SELECT pg_advisory_unlock(" SCHED_LOCK_KEY ")", 0, NULL, cb, arg);
}

void store_lock_expired(struct db_conn *c, db_result_cb cb, void *arg)
{
	db_query(c, "SELECT mestat.lock_expired()", 0, NULL, cb, arg);
}

void store_recompute(struct db_conn *c, enum store_recompute_kind kind, db_result_cb cb, void *arg)
{
	const char *sql = "SELECT mestat.recompute_progress()";
	if (kind == STORE_RECOMPUTE_IF_EMPTY)
		sql = "SELECT CASE WHEN EXISTS (SELECT 1 FROM mestat.progress_snapshot) THEN NULL "
		      "ELSE mestat.recompute_progress() END";
	else if (kind == STORE_RECOMPUTE_INCREMENTAL)
		sql = "SELECT mestat.recompute_progress_incremental()";
	db_query(c, sql, 0, NULL, cb, arg);
}

void store_quality_refresh(struct db_conn *c, db_result_cb cb, void *arg)
{
	/* The refresh first (a function in FROM runs before the select list),
	 * then the statistics of what it and the progress run wrote. */
	db_query(c, "SELECT n, mestat.analyze_report_tables() FROM mestat.quality_refresh() AS n", 0, NULL, cb, arg);
}

void store_session_purge(struct db_conn *c, db_result_cb cb, void *arg)
{
	db_query(c, "SELECT mestat.console_session_purge()", 0, NULL, cb, arg);
}
