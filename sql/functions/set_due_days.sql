-- mestat.set_due_days: the current definition of this function.
-- First created in 002_catalog.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.set_due_days(p_days integer) returns integer
language plpgsql
security definer
set search_path = mestat, pg_temp
as $$
declare
	n integer;
begin
	if p_days is null or p_days < 0 or p_days > 366 then
		raise exception 'due_days must be a number of days from 0 to 366, got %', p_days using errcode = '22023';
	end if;
	perform mestat.setting_put('due_days', p_days::text);
	update mestat.period set due_date = end_date + p_days where due_date <> end_date + p_days;
	get diagnostics n = row_count;
	return n;
end
$$;

comment on function mestat.set_due_days(integer) is
	'mestatd at start (its due_days setting): store the number of days after a period ends that a report is due, '
	'and recompute period.due_date = end_date + p_days. Returns how many periods changed. SECURITY DEFINER.';
