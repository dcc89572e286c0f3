/* store_pull.c - the statements of the pull collectors on
 * mestat.source_state (see store_pull.h; collectors/pull_state.c says how
 * claims keep two daemons from pulling the same round).
 *
 * The backoff rule is not here: the wait before a source's next run is
 * computed by the daemon (util_backoff) and sent as the seconds of each
 * outcome, so the rule has one home. */
#include "store_pull.h"

/* The claims and the outcomes are sent in batches of a few sources, a round
 * of 3,000 sources in some 1,400 batches: prepared, each is planned once per
 * connection instead of at every batch (0.28 ms of PostgreSQL's ~0.6 ms a
 * batch, bench/pull).
 *
 * A source is claimed when its row is new, due, for another URL, or holds
 * a next_run further out than this daemon could have written; the UPDATE
 * rechecks that on the locked row, so of two daemons claiming together one
 * wins. The INSERT is for a source without a row yet; ON CONFLICT leaves a
 * row another daemon inserted meanwhile to that daemon. */
static const char claim_sql[] =
	"WITH c AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::float8[], $6::float8[])"
	"  AS c(name, reporter, url, format, lease, horizon)),"
	" upd AS (UPDATE mestat.source_state s SET last_attempt = now(),"
	"  next_run = now() + make_interval(secs => c.lease), updated_at = now() FROM c"
	"  WHERE s.name = c.name AND (s.next_run IS NULL OR s.next_run <= now() OR s.url IS DISTINCT FROM c.url"
	"   OR s.next_run > now() + make_interval(secs => greatest(c.lease, c.horizon)))"
	"  RETURNING s.name, s.url = c.url AS url_same, s.etag, s.last_modified, s.last_body_sha256, s.last_success,"
	"  s.consecutive_failures),"
	" ins AS (INSERT INTO mestat.source_state AS s (name, reporter, url, format, last_attempt, next_run, updated_at)"
	"  SELECT c.name, c.reporter, c.url, c.format, now(), now() + make_interval(secs => c.lease), now() FROM c"
	"  WHERE NOT EXISTS (SELECT 1 FROM mestat.source_state x WHERE x.name = c.name)"
	"  ON CONFLICT (name) DO NOTHING"
	"  RETURNING s.name, true AS url_same, s.etag, s.last_modified, s.last_body_sha256, s.last_success, s.consecutive_failures)"
	" SELECT name, url_same, etag, last_modified, last_body_sha256,"
	"  to_char(last_success AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), consecutive_failures"
	" FROM (SELECT * FROM upd UNION ALL SELECT * FROM ins) x";

void store_pull_claim(struct db_conn *c, const char *const *arrays, db_result_cb cb, void *arg)
{
	db_query_prepared(c, claim_sql, STORE_PULL_CLAIM_ARRAYS, arrays, cb, arg);
}

/* The wait before the next run is the daemon's (see above). The INSERT is
 * for a state row deleted since the claim. */
static const char save_sql[] =
	"WITH c AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],"
	"  $7::text[], $8::text[], $9::text[], $10::bigint[], $11::float8[], $12::bool[])"
	"  AS c(name, reporter, url, format, class, message, etag, last_modified, sha, submission, delay,"
	"  set_validators)),"
	" upd AS (UPDATE mestat.source_state s SET reporter = c.reporter, url = c.url, format = c.format,"
	"  last_success = CASE WHEN c.class IS NULL THEN now() ELSE s.last_success END,"
	"  last_error_class = c.class, last_error = c.message,"
	"  consecutive_failures = CASE WHEN c.class IS NULL THEN 0 ELSE s.consecutive_failures + 1 END,"
	"  next_run = now() + make_interval(secs => c.delay),"
	"  etag = CASE WHEN c.set_validators OR s.url IS DISTINCT FROM c.url THEN c.etag"
	"   ELSE coalesce(c.etag, s.etag) END,"
	"  last_modified = CASE WHEN c.set_validators OR s.url IS DISTINCT FROM c.url THEN c.last_modified"
	"   ELSE coalesce(c.last_modified, s.last_modified) END,"
	"  last_body_sha256 = coalesce(c.sha, s.last_body_sha256),"
	"  last_submission = coalesce(c.submission, s.last_submission), updated_at = now()"
	"  FROM c WHERE s.name = c.name"
	"  RETURNING s.name, s.consecutive_failures, s.next_run),"
	" ins AS (INSERT INTO mestat.source_state AS s (name, reporter, url, format, last_attempt, last_success,"
	"  last_error_class, last_error, next_run, consecutive_failures, etag, last_modified, last_body_sha256,"
	"  last_submission, updated_at)"
	"  SELECT c.name, c.reporter, c.url, c.format, now(), CASE WHEN c.class IS NULL THEN now() END, c.class,"
	"  c.message, now() + make_interval(secs => c.delay), CASE WHEN c.class IS NULL THEN 0 ELSE 1 END, c.etag,"
	"  c.last_modified, c.sha, c.submission, now() FROM c"
	"  WHERE NOT EXISTS (SELECT 1 FROM mestat.source_state x WHERE x.name = c.name)"
	"  ON CONFLICT (name) DO NOTHING"
	"  RETURNING s.name, s.consecutive_failures, s.next_run)"
	" SELECT name, consecutive_failures, extract(epoch FROM next_run - now())::float8"
	" FROM (SELECT * FROM upd UNION ALL SELECT * FROM ins) x";

void store_pull_save(struct db_conn *c, const char *const *arrays, db_result_cb cb, void *arg)
{
	db_query_prepared(c, save_sql, STORE_PULL_SAVE_ARRAYS, arrays, cb, arg);
}

void store_pull_next_run(struct db_conn *c, const char *name, db_result_cb cb, void *arg)
{
	const char *p[1] = {name};
	db_query(c, "SELECT extract(epoch FROM next_run - now())::float8 FROM mestat.source_state WHERE name = $1", 1,
	         p, cb, arg);
}

void store_pull_schedule(struct db_conn *c, db_result_cb cb, void *arg)
{
	db_query(c, "SELECT name, url, extract(epoch FROM next_run - now())::float8 FROM mestat.source_state", 0, NULL,
	         cb, arg);
}
