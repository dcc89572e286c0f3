-- mestat.console_session_use: the current definition of this function.
-- First created in 018_console_sessions.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.console_session_use(p_session_id text)
returns table (reporter text, evaluator text, client_identity text, csrf text)
language plpgsql
volatile
security definer
set search_path = mestat, pg_temp
as $$
declare
	s mestat.console_session;
begin
	select * into s
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
	         where t.id::text = substr(x.client_identity, 17) and t.revoked_at is null));
	if not found then
		return;
	end if;
	-- A console page makes a dozen calls at once: write last_seen only when it
	-- moved by a twentieth of the idle timeout (at most a minute), not on each.
	if now() - s.last_seen > least(s.idle_timeout / 20, interval '1 minute') then
		update mestat.console_session x set last_seen = now() where x.id_sha256 = s.id_sha256;
	end if;
	return query select coalesce(s.reporter, ''), coalesce(s.evaluator, ''), s.client_identity, s.csrf;
end
$$;

comment on function mestat.console_session_use(text) is
	'mestatd: the caller of a console session id, marking the session used now (last_seen moves in steps of a '
	'twentieth of the idle timeout, at most a minute); no row when the session is unknown, '
	'signed out, idle too long, past its absolute expiry, or its credential or caller was revoked or deactivated.';
