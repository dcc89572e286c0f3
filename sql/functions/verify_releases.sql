-- mestat.verify_releases: the current definition of this function.
-- First created in 019_release.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.verify_releases()
returns table (id bigint, period text, revision integer, sha256_ok boolean, chain_ok boolean, document_ok boolean)
language sql stable
security definer
set search_path = mestat, pg_temp
as $$
	select r.id, r.period, r.revision,
	       encode(sha256(convert_to(r.body, 'UTF8')), 'hex') = r.sha256,
	       r.previous_sha256 is not distinct from lag(r.sha256) over w,
	       (r.body::jsonb->>'previous_sha256') is not distinct from r.previous_sha256
	       and r.body::jsonb->>'period' = r.period and (r.body::jsonb->>'revision')::integer = r.revision
	  from mestat.release r
	window w as (order by r.id)
	 order by r.id
$$;

comment on function mestat.verify_releases() is
	'Check every stored release: its body hashes to its sha256, it links to the release before it, and the document '
	'says the same period, revision and predecessor as the row. The signatures are checked with openssl (README).';
