-- mestat.observation_cycle_guard: the current definition of this function.
-- First created in 027_reporting_cycle.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.observation_cycle_guard() returns trigger
language plpgsql
set search_path = mestat, pg_temp
as $$
declare
	why text;
begin
	if current_user = 'mestat_owner' then
		return null;
	end if;
	select mestat.cycle_locked_reason(s) into why
	  from (select distinct n.reporter, n.period from new_rows n) n
	  join mestat.reporting_state s on s.reporter = n.reporter and s.period = n.period
	 where s.state in ('accepted', 'locked')
	 limit 1;
	if why is not null then
		raise exception '%', why using errcode = 'MS409';
	end if;
	return null;
end
$$;

comment on function mestat.observation_cycle_guard() is
	'Statement trigger on mestat.observation: refuses (SQLSTATE MS409, answered 409) an INSERT with any row in a period '
	'accepted or locked for its reporter, unless run as mestat_owner.';
