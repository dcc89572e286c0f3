-- mestat.console_session_purge: the current definition of this function.
-- First created in 018_console_sessions.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.console_session_purge(p_keep interval default '30 days') returns bigint
language sql
volatile
security definer
set search_path = mestat, pg_temp
as $$
	with gone as (
		delete from mestat.console_session
		 where least(coalesce(closed_at, 'infinity'), expires_at, last_seen + idle_timeout) < now() - p_keep
		returning 1)
	select count(*) from gone
$$;

comment on function mestat.console_session_purge(interval) is
	'Delete console sessions that ended more than p_keep ago (default 30 days); returns how many.';
