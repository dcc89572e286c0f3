/* store_conn.h - the statements about a connection itself: what every new
 * pooled connection runs first, and the replication lag of the server a
 * read pool is connected to. */
#ifndef MESTAT_STORE_CONN_H
#define MESTAT_STORE_CONN_H

#include "db.h"

/* store_conn_setup: the statements every new connection of the primary's
 * pool runs first: it names itself, takes the search path of the mestat
 * functions (mestat, pg_temp) and tells the database the due-date,
 * release and lock rules of this configuration (DUE_DAYS, RELEASE_DAYS,
 * LOCK_DAYS; a no-op when they are in force already). The text is in a
 * static buffer, overwritten by the next call. */
const char *store_conn_setup(long due_days, long release_days, long lock_days);

/* store_replica_lag: one row of (in recovery: "t" or "f", lag in seconds):
 * 0 on a primary, and on a standby that streams and has replayed all it
 * received; otherwise now - the commit time of the last replayed
 * transaction. */
void store_replica_lag(struct db_conn *c, db_result_cb cb, void *arg);

#endif
