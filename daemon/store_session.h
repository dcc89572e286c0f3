/* store_session.h - the statements behind the console's server-side
 * sessions (mestat.console_session_*): open, use, peek on the read pool,
 * close. Each sends one statement on C and calls CB with its result. */
#ifndef MESTAT_STORE_SESSION_H
#define MESTAT_STORE_SESSION_H

#include "db.h"

/* store_session_use: the session SID (64 hex digits) if it is open, marked
 * used now. One row or none: reporter, evaluator, client_identity, csrf. */
void store_session_use(struct db_conn *c, const char *sid, db_result_cb cb, void *arg);

/* store_session_peek: the same row as store_session_use, on a read-only
 * connection, without marking the session used. */
void store_session_peek(struct db_conn *c, const char *sid, db_result_cb cb, void *arg);

/* store_session_open: a new session of REPORTER or EVALUATOR (the other
 * ""), signed in from CLIENT, ending after IDLE seconds unused or MAX_AGE
 * seconds in all. One row: session_id (shown only now), csrf. */
void store_session_open(struct db_conn *c, const char *reporter, const char *evaluator, const char *client, double idle,
                        double max_age, db_result_cb cb, void *arg);

/* store_session_close: end the session SID (signed out). */
void store_session_close(struct db_conn *c, const char *sid, db_result_cb cb, void *arg);

#endif
