-- mestat.set_lock_days: the current definition of this function.
-- First created in 027_reporting_cycle.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.set_lock_days(p_days integer) returns boolean
language plpgsql
security definer
set search_path = mestat, pg_temp
as $$
begin
	if p_days is null or p_days < 0 or p_days > 3660 then
		raise exception 'lock_days must be a number of days from 0 (never) to 3660, got %', p_days using errcode = '22023';
	end if;
	return mestat.setting_put('lock_days', p_days::text);
end
$$;

comment on function mestat.set_lock_days(integer) is
	'mestatd at start and reload (its lock_days setting): a period still open lock_days after its due date is locked '
	'for each reporter by mestat.lock_expired(); 0 never locks. SECURITY DEFINER.';
