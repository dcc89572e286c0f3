-- mestat.set_release_days: the current definition of this function.
-- First created in 019_release.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.set_release_days(p_days integer) returns boolean
language plpgsql
security definer
set search_path = mestat, pg_temp
as $$
begin
	if p_days is null or p_days < 0 or p_days > 366 then
		raise exception 'release_days must be a number of days from 0 to 366, got %', p_days using errcode = '22023';
	end if;
	return mestat.setting_put('release_days', p_days::text);
end
$$;

comment on function mestat.set_release_days(integer) is
	'mestatd at start and reload (its release_days setting): a quarter is released that many days after its due date, '
	'unless mestat.set_release_date() set its date. SECURITY DEFINER.';
