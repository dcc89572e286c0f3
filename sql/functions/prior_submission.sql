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
	-- One probe of each unique key (see mestat.ingest_open()).
	select u.id, u.received_at, u.sha256, u.counts, u.receipt, u.sha256 = p_sha256
	  from (select s.id, s.received_at, s.sha256, s.counts, s.receipt, false as by_key
	          from mestat.submission s
	         where s.reporter = p_reporter and s.outcome = 'accepted' and s.sha256 = p_sha256
	        union all
	        select s.id, s.received_at, s.sha256, s.counts, s.receipt, true
	          from mestat.submission s
	         where s.reporter = p_reporter and s.outcome = 'accepted' and s.idempotency_key = p_idempotency_key) as u
	 order by u.by_key desc, u.id
	 limit 1
$$;

comment on function mestat.prior_submission(text, text, text) is
	'mestatd, before step 2: the accepted submission of reporter p_reporter with the same body (SHA-256) or the same '
	'Idempotency-Key, if any (a key match first). Answer with its receipt and store nothing. same_body is false when only '
	'the key matched (the client reused a key for a different body).';
