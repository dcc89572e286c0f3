-- mestat.token_reporter: the current definition of this function.
-- First created in 004_credentials.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.token_reporter(p_token text)
returns table (reporter text, token_id bigint)
language plpgsql
stable
security definer
set search_path = mestat, pg_temp
-- plpgsql, not sql: mestatd asks at every request, and an SQL function's
-- statement is planned at every call; plpgsql keeps its plan for the session.
as $$
begin
	return query
	select t.reporter, t.id
	  from mestat.api_token t
	  join mestat.reporter r on r.code = t.reporter
	 where t.token_sha256 = encode(sha256(convert_to(p_token, 'UTF8')), 'hex')
	   and t.revoked_at is null
	   and r.active;
end
$$;

comment on function mestat.token_reporter(text) is
	'mestatd: the reporter and token id of a bearer token; no row if the token is unknown, revoked, or its reporter is '
	'inactive. SECURITY DEFINER: mestatd never sees the stored hashes.';
