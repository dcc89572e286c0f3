-- mestat.console_session_close: the current definition of this function.
-- First created in 018_console_sessions.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.console_session_close(p_session_id text) returns boolean
language plpgsql
volatile
security definer
set search_path = mestat, pg_temp
as $$
begin
	update mestat.console_session set closed_at = now()
	 where id_sha256 = encode(sha256(convert_to(p_session_id, 'UTF8')), 'hex') and closed_at is null;
	return found;
end
$$;

comment on function mestat.console_session_close(text) is
	'mestatd: sign out (end the session with this id). Returns false if it was not open.';
