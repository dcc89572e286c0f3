-- mestat.prior_submission: the current definition of this function.
-- First created in 005_ingest.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.prior_submission(p_reporter text, p_sha256 text, p_idempotency_key text default null)
returns table (id bigint, received_at timestamptz, sha256 text, counts jsonb, receipt text, same_body boolean)
language sql
stable
set search_path = mestat, pg_temp
as $$
	select s.id, s.received_at, s.sha256, s.counts, s.receipt, s.sha256 = p_sha256
	  from mestat.submission s
	 where s.outcome = 'accepted'
	   and s.reporter = p_reporter
	   and (s.sha256 = p_sha256 or (p_idempotency_key is not null and s.idempotency_key = p_idempotency_key))
	 order by (p_idempotency_key is not null and s.idempotency_key is not distinct from p_idempotency_key) desc, s.id
	 limit 1
$$;

comment on function mestat.prior_submission(text, text, text) is
	'mestatd, before step 2: the accepted submission of reporter p_reporter with the same body (SHA-256) or the same '
	'Idempotency-Key, if any (a key match first). Answer with its receipt and store nothing. same_body is false when only '
	'the key matched (the client reused a key for a different body).';
