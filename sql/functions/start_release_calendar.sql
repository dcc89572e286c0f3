-- mestat.start_release_calendar: the current definition of this function.
-- First created in 019_release.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.start_release_calendar(p_from timestamptz) returns timestamptz
language sql
security definer
set search_path = mestat, pg_temp
as $$
	insert into mestat.setting as s (name, value) values ('release_calendar_start', p_from::text)
	on conflict (name) do update set value = excluded.value, updated_at = now(), updated_by = session_user
	returning value::timestamptz
$$;

comment on function mestat.start_release_calendar(timestamptz) is
	'Plan office: mestatd publishes by itself every quarter whose release time is at or after P_FROM (set to the '
	'installation time by the migration, so older quarters are published only when asked for with publish_release).';
