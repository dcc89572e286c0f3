-- mestat.cycle_actor: the current definition of this function.
-- First created in 027_reporting_cycle.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

-- cycle_actor: who acts, as given, else mestat.actor, else the database user.
create or replace function mestat.cycle_actor(p_by text) returns text
language sql stable
as $$
	select coalesce(nullif(btrim(p_by), ''), nullif(current_setting('mestat.actor', true), ''), session_user::text)
$$;

comment on function mestat.cycle_actor(text) is
	'Who acts in the reporting cycle: p_by if given, else the setting mestat.actor, else the database user.';
