/* store_release.c - the releases in PostgreSQL: the statements of the
 * publisher's round (the advisory lock that keeps a second daemon out, what
 * is due, the document, its record) and those that read releases back. The
 * document itself is built by mestat.release_content and the chain checked
 * by mestat.record_release (sql/functions/). */
#include "store_release.h"

/* 'mestrels' read as a 64-bit integer; distinct from the recompute lock. */
#define RELEASE_LOCK_KEY "7882833666754571379"

void store_release_lock(struct db_conn *c, db_result_cb cb, void *arg)
{
	db_query(c, "SELECT pg_try_advisory_lock(" RELEASE_LOCK_KEY ")", 0, NULL, cb, arg);
}

void store_release_due(struct db_conn *c, db_result_cb cb, void *arg)
{
	db_query(c, "SELECT period, reason, request FROM mestat.release_due()", 0, NULL, cb, arg);
}

void store_release_content(struct db_conn *c, const char *period, const char *reason, db_result_cb cb, void *arg)
{
	const char *p[2] = {period, reason};
	db_query(c, "SELECT mestat.release_content($1, $2)::text", 2, p, cb, arg);
}

void store_release_record(struct db_conn *c, const char *period, const char *text, const char *signature,
                          const char *fingerprint, const char *public_pem, const char *request, db_result_cb cb,
                          void *arg)
{
	const char *p[6] = {period, text, signature, fingerprint, public_pem, request};
	/* libpq copies the parameters into its output buffer when sending. */
	db_query(c, "SELECT mestat.record_release($1, $2, $3, $4, $5, $6::bigint)", 6, p, cb, arg);
}

void store_release_unlock(struct db_conn *c, db_result_cb cb, void *arg)
{
	db_query(c, "SELECT pg_advisory_unlock(" RELEASE_LOCK_KEY ")", 0, NULL, cb, arg);
}

static const char list_sql[] =
	"SELECT json_build_object("
	" 'releases', (SELECT coalesce(json_agg(json_build_object("
	"   'period', r.period, 'revision', r.revision, 'published_at', r.published_at, 'reason', r.reason,"
	"   'sha256', r.sha256, 'previous_sha256', r.previous_sha256, 'signature', r.signature,"
	"   'key_fingerprint', r.key_fingerprint,"
	"   'superseded', r.superseded,"
	"   'release_date', r.body::jsonb->>'release_date',"
	"   'classes', (SELECT json_object_agg(x.c, x.n) FROM (SELECT p->>'class' AS c, count(*) AS n"
	"                FROM jsonb_array_elements(r.body::jsonb->'progress') p"
	"                WHERE p->>'class' IS NOT NULL GROUP BY 1) x)," /* monitoring rows have none */
	"   'class_changes', jsonb_array_length(r.body::jsonb->'changes'->'classes')) ORDER BY r.id), '[]')"
	"   FROM report.releases r),"
	" 'calendar', (SELECT coalesce(json_agg(json_build_object('period', c.period, 'due_date', c.due_date,"
	"   'release_date', c.release_date, 'release_time', c.release_time, 'status', c.status,"
	"   'revision', c.revision) ORDER BY c.period), '[]')"
	"   FROM report.release_calendar c WHERE c.due_date <= now()::date + 366))::text";

void store_release_list(struct db_conn *c, db_result_cb cb, void *arg)
{
	db_query(c, list_sql, 0, NULL, cb, arg);
}

void store_release_read(struct db_conn *c, const char *period, const char *revision, db_result_cb cb, void *arg)
{
	const char *p[2] = {period, revision};
	db_query(c,
	         "SELECT r.body, r.revision, r.sha256, coalesce(r.previous_sha256, ''), r.signature,"
	         " r.key_fingerprint, r.superseded"
	         " FROM report.releases r WHERE r.period = $1 AND ($2::integer IS NULL OR r.revision = $2::integer)"
	         " ORDER BY r.revision DESC LIMIT 1",
	         2, p, cb, arg);
}

void store_release_preview(struct db_conn *c, const char *period, db_result_cb cb, void *arg)
{
	const char *p[1] = {period};
	db_query(c,
	         "SELECT (report.release_content($1) || jsonb_build_object('preview', true,"
	         " 'note', 'preview: computed now, not signed, not published'))::text",
	         1, p, cb, arg);
}
