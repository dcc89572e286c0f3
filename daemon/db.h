/* db.h - a small pool of non-blocking libpq connections on the event loop. */
#ifndef MESTAT_DB_H
#define MESTAT_DB_H

#include <event2/event.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>

struct db;
struct db_conn;

/* Called when a statement finished. RES (may be NULL when the connection
 * broke) belongs to the pool and is cleared after the call; ERR is NULL on
 * success, else a one-line message. */
typedef void (*db_result_cb)(struct db_conn *c, PGresult *res, const char *err, void *arg);

/* Called when a connection is handed out. */
typedef void (*db_acquire_cb)(struct db_conn *c, void *arg);

/* db_new: a pool of SIZE connections to CONNINFO, connecting in the
 * background with backoff. SETUP_SQL (may be NULL) runs on every new
 * connection before it is handed out. */
struct db *db_new(struct event_base *base, const char *conninfo, int size, const char *setup_sql);

/* db_set_conninfo: use CONNINFO and SETUP_SQL for connections made from now on. */
void db_set_conninfo(struct db *db, const char *conninfo, const char *setup_sql);

/* db_acquire: hand a connection to CB when one is free (maybe at once).
 * Returns -1, without calling CB, when no connection to PostgreSQL is up or
 * the wait queue is full: the caller answers 503. A caller still waiting
 * when the last connection is lost gets CB at once with a connection that
 * is down: its first statement fails, as on a connection lost in use, and
 * db_release takes it back. */
int db_acquire(struct db *db, db_acquire_cb cb, void *arg);

/* db_query: send SQL with N text PARAMS (NULL entries are SQL NULL). */
void db_query(struct db_conn *c, const char *sql, int n, const char *const *params, db_result_cb cb, void *arg);

/* One statement of a pipeline: SQL with N text PARAMS. With PREPARE, SQL is
 * a constant of the program (known by its address) that the connection
 * parses and plans once and then runs prepared. With KEEP, the statement's
 * result, when it succeeds, is stored in *KEEP for the caller to read and
 * PQclear (the callback still gets the first error or the last result). */
struct db_step {
	const char *sql;
	int n;
	const char *const *params;
	bool prepare;
	PGresult **keep;
};
/* The longest round trip sent: a batch's first (ingest_batch.c), 5. */
#define DB_PIPELINE_MAX 8

/* db_pipeline: send the N (1..DB_PIPELINE_MAX) STEPS in one round trip; they
 * run in order and, after an error, the rest are skipped. CB gets the first
 * error, else the last statement's result. */
void db_pipeline(struct db_conn *c, const struct db_step *steps, int n, db_result_cb cb, void *arg);

/* db_query_prepared: db_query for a statement sent often: SQL (a constant
 * of the program) is parsed and planned once per connection. */
void db_query_prepared(struct db_conn *c, const char *sql, int n, const char *const *params, db_result_cb cb,
                       void *arg);

/* db_release: give C back; an open transaction is rolled back first. */
void db_release(struct db_conn *c);

/* db_ready: how many connections are up now. */
int db_ready(const struct db *db);

/* db_reconnects: how many times connections were re-established after a loss. */
unsigned long db_reconnects(const struct db *db);

/* db_last_error: the last connection error, "" if none. */
const char *db_last_error(const struct db *db);

/* db_free: close every connection; NULL is fine. Pending callbacks are dropped. */
void db_free(struct db *db);

/* db_sqlstate: the SQLSTATE of RES, "" when there is none. */
const char *db_sqlstate(const PGresult *res);

#endif
