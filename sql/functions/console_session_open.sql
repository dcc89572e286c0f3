-- mestat.console_session_open: the current definition of this function.
-- First created in 018_console_sessions.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.console_session_open(p_reporter text, p_evaluator text, p_client text,
                                            p_idle_seconds double precision, p_max_age_seconds double precision)
returns table (session_id text, csrf text)
language plpgsql
volatile
security definer
set search_path = mestat, pg_temp
as $$
declare
	sid text := encode(sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text, 'UTF8')), 'hex');
	tok text := encode(sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text, 'UTF8')), 'hex');
begin
	insert into mestat.console_session (id_sha256, reporter, evaluator, client_identity, csrf, idle_timeout, expires_at)
	values (encode(sha256(convert_to(sid, 'UTF8')), 'hex'), nullif(p_reporter, ''), nullif(p_evaluator, ''), p_client,
	        tok, make_interval(secs => p_idle_seconds), now() + make_interval(secs => p_max_age_seconds));
	return query select sid, tok;
end
$$;

comment on function mestat.console_session_open(text, text, text, double precision, double precision) is
	'mestatd: open a console session for a caller it has authenticated (a reporter or an evaluator, one of them empty), '
	'ending after p_idle_seconds without use or p_max_age_seconds after now. Returns the session id (shown once; only '
	'its SHA-256 is stored) and the CSRF token.';
