/* store_auth.c - the statements that say who a caller is (see store_auth.h).
 * A certificate pinned to both a reporter and an evaluator (the SQL
 * functions refuse that) is the reporter's. Every request asks one of
 * them, so each is prepared once per connection. */
#include "store_auth.h"

static const char cert_read_sql[] =
	"SELECT reporter, token_id, evaluator FROM report.caller_by_certificate($1, $2, $3::boolean)";
static const char cert_sql[] = "SELECT coalesce(mestat.certificate_reporter($1),"
			       " (SELECT code FROM mestat.reporter WHERE code = $2 AND active AND $3::boolean)),"
			       " NULL, mestat.certificate_evaluator($1)";
static const char token_read_sql[] = "SELECT reporter, token_id, evaluator FROM report.caller_by_token($1)";
static const char token_sql[] = "SELECT reporter, token_id, NULL FROM mestat.token_reporter($1)"
				" UNION ALL SELECT NULL, token_id, evaluator FROM mestat.token_evaluator($1)";

void store_caller_by_certificate(struct db_conn *c, bool read_pool, const char *sha256, const char *cn, bool subject_cn,
                                 db_result_cb cb, void *arg)
{
	const char *p[3] = {sha256, cn, subject_cn ? "t" : "f"};
	db_query_prepared(c, read_pool ? cert_read_sql : cert_sql, 3, p, cb, arg);
}

void store_caller_by_token(struct db_conn *c, bool read_pool, const char *token, db_result_cb cb, void *arg)
{
	const char *p[1] = {token};
	db_query_prepared(c, read_pool ? token_read_sql : token_sql, 1, p, cb, arg);
}
