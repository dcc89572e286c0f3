/* store_conn.c - the statements about a connection itself (see
 * store_conn.h). */
#include "store_conn.h"

#include <stdio.h>

/* The staging tables are made with the connection, outside any submission
 * (mestat.ingest_begin), so that they outlive a refused submission's
 * rollback: made inside it, they went with it, and a connection whose
 * submissions were all refused made them anew every time, planning again
 * every statement that reads them (validation 4.7 ms against 1.0 ms as
 * pgbench times it; docs/scale.md).
 *
 * The session's search path is the one every mestat function sets for
 * itself. A plan both share is made again whenever it runs under a path other
 * than the one it was made under: a foreign key's check is such a plan, and
 * the submission row, inserted by ingest_open and updated by the receipt's
 * UPDATE, had its reporter check planned twice a submission, once from each
 * side. mestatd's own statements name their schemas, so the path changes
 * nothing else they do. */
const char *store_conn_setup(long due_days, long release_days, long lock_days)
{
	static char sql[360];
	snprintf(sql, sizeof(sql),
	         "SET application_name = 'mestatd'; SET search_path = mestat, pg_temp;"
	         " SELECT mestat.set_due_days(%ld); SELECT mestat.set_release_days(%ld);"
	         " SELECT mestat.set_lock_days(%ld); SELECT mestat.ingest_begin()",
	         due_days, release_days, lock_days);
	return sql;
}

/* pg_stat_wal_receiver shows its row (pid at least) to every role while a
 * WAL receiver runs, so the evaluator role of the read pool may ask. */
static const char replica_lag_sql[] =
	"SELECT pg_is_in_recovery(),"
	" CASE WHEN NOT pg_is_in_recovery() THEN 0"
	"      WHEN pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn()"
	"       AND EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE pid IS NOT NULL) THEN 0"
	"      ELSE greatest(0, coalesce(extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp()), 0))"
	" END::float8";

void store_replica_lag(struct db_conn *c, db_result_cb cb, void *arg)
{
	db_query(c, replica_lag_sql, 0, NULL, cb, arg);
}
