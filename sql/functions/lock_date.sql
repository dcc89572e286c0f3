-- mestat.lock_date: the current definition of this function.
-- First created in 027_reporting_cycle.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.lock_date(p_period text) returns date
language sql stable
set search_path = mestat, pg_temp
as $$
	select p.due_date + s.days
	  from mestat.period p
	  cross join (select coalesce((select value::integer from mestat.setting where name = 'lock_days'), 0) as days) s
	 where p.code = p_period and s.days > 0
$$;

comment on function mestat.lock_date(text) is
	'The day after which period p_period is locked by lock_days (due date + lock_days), NULL when lock_days is 0.';
