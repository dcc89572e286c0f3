/* store_session.c - the console's sessions in PostgreSQL: the statements
 * that open, use, peek at and close them. The functions they call
 * (mestat.console_session_*, sql/functions/) keep only the SHA-256 of a
 * session id, and say what idle and absolute expiry mean. */
#include "store_session.h"

#include <stdio.h>

void store_session_use(struct db_conn *c, const char *sid, db_result_cb cb, void *arg)
{
	const char *p[1] = {sid};
	db_query(c, "SELECT reporter, evaluator, client_identity, csrf FROM mestat.console_session_use($1)", 1, p, cb,
	         arg);
}

void store_session_peek(struct db_conn *c, const char *sid, db_result_cb cb, void *arg)
{
	const char *p[1] = {sid};
	db_query(c, "SELECT reporter, evaluator, client_identity, csrf FROM report.console_session_peek($1)", 1, p, cb,
	         arg);
}

void store_session_open(struct db_conn *c, const char *reporter, const char *evaluator, const char *client, double idle,
                        double max_age, db_result_cb cb, void *arg)
{
	char idle_s[32], max_s[32];
	snprintf(idle_s, sizeof(idle_s), "%.3f", idle);
	snprintf(max_s, sizeof(max_s), "%.3f", max_age);
	const char *p[5] = {reporter, evaluator, client, idle_s, max_s};
	db_query(c, "SELECT session_id, csrf FROM mestat.console_session_open($1, $2, $3, $4, $5)", 5, p, cb, arg);
}

void store_session_close(struct db_conn *c, const char *sid, db_result_cb cb, void *arg)
{
	const char *p[1] = {sid};
	db_query(c, "SELECT mestat.console_session_close($1)", 1, p, cb, arg);
}
