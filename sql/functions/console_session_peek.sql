-- report.console_session_peek: the current definition of this function.
-- First created in 030_replication.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function report.console_session_peek(p_session_id text)
returns table (reporter text, evaluator text, client_identity text, csrf text)
language sql stable
security definer
set search_path = mestat, pg_temp
as $$
	select coalesce(x.reporter, ''), coalesce(x.evaluator, ''), x.client_identity, x.csrf
	  from mestat.console_session x
	 where x.id_sha256 = encode(sha256(convert_to(p_session_id, 'UTF8')), 'hex')
	   and x.closed_at is null
	   and now() < x.expires_at
	   and now() < x.last_seen + x.idle_timeout
	   and (x.reporter is null or exists (select 1 from mestat.reporter r where r.code = x.reporter and r.active))
	   and (x.evaluator is null or exists (select 1 from mestat.evaluator e where e.name = x.evaluator and e.active))
	   and (x.client_identity not like 'token:%' or exists (
	        select 1 from mestat.api_token t
	         where t.id::text = substr(x.client_identity, 7) and t.revoked_at is null))
	   and (x.client_identity not like 'evaluator-token:%' or exists (
	        select 1 from mestat.evaluator_token t
	         where t.id::text = substr(x.client_identity, 17) and t.revoked_at is null))
$$;

comment on function report.console_session_peek(text) is
	'mestatd, reading without the primary: the caller of a console session id, under the same conditions as '
	'mestat.console_session_use, without marking the session used (a standby cannot write).';
