-- 035_ingest_round_trip.sql: the first statements of an ingest in one call.
--
-- mestatd looked the submission up (replay), began, called
-- mestat.ingest_begin() and inserted the submission row: four round trips
-- before the rows were sent. mestat.ingest_open() does the look-up, the
-- staging table and the submission row in one, after BEGIN. Its current
-- definition is sql/functions/ingest_open.sql.

set local role mestat_owner;

-- A stub, replaced by sql/functions/ingest_open.sql in the same run.
create function mestat.ingest_open(p_reporter text, p_via text, p_source text, p_format text,
                                   p_content_type text, p_sha256 text, p_body bytea, p_client_identity text,
                                   p_idempotency_key text, p_outcome text, p_lookup boolean)
returns table (id bigint, received_at text, receipt text)
language sql
as 'select null::bigint, null::text, null::text where false';

comment on function mestat.ingest_open(text, text, text, text, text, text, bytea, text, text, text, boolean) is
	'mestatd, first step of an ingest, inside its transaction: with p_lookup, the submission of reporter p_reporter '
	'accepted before with the same SHA-256 or Idempotency-Key (one row: id, NULL, its receipt: a replay, nothing more to '
	'do); otherwise mestat.ingest_begin() and the submission row (the audit record, outcome p_outcome, HTTP status 201 '
	'until told otherwise): one row (id, received_at as RFC 3339 UTC text, NULL). A unique violation (23505) means the '
	'same body was committed meanwhile: roll back and call it again.';

revoke all on function mestat.ingest_open(text, text, text, text, text, text, bytea, text, text, text, boolean) from public;
grant execute on function mestat.ingest_open(text, text, text, text, text, text, bytea, text, text, text, boolean)
	to mestat_daemon;
