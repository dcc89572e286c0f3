-- report.caller_by_token: the current definition of this function.
-- First created in 030_replication.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function report.caller_by_token(p_token text)
returns table (reporter text, token_id bigint, evaluator text)
language plpgsql stable
security definer
set search_path = mestat, pg_temp
-- plpgsql, not sql: mestatd asks at every request, and an SQL function's
-- statement is planned at every call; plpgsql keeps its plan for the session.
as $$
begin
	return query
	select t.reporter, t.token_id, null::text from mestat.token_reporter(p_token) t
	union all
	select null, t.token_id, t.evaluator from mestat.token_evaluator(p_token) t;
end
$$;

comment on function report.caller_by_token(text) is
	'mestatd, reading without the primary: the reporter or evaluator of a bearer token and its id; no row when the '
	'token is unknown, revoked or its holder inactive.';
