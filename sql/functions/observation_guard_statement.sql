-- mestat.observation_guard_statement: the current definition of this function.
-- First created in 012_observation_guard_per_statement.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.observation_guard_statement() returns trigger
language plpgsql
set search_path = mestat, pg_temp
as $$
declare
	bad text;
begin
	if current_user = 'mestat_owner' then
		return null;
	end if;
	select n.period into bad
	  from new_rows n
	  join mestat.period p on p.code = n.period
	 where p.closed
	 limit 1;
	if found then
		raise exception 'period % is closed; no values can be added to it', bad using errcode = 'MS409';
	end if;
	return null;
end
$$;

comment on function mestat.observation_guard_statement() is
	'Statement trigger on mestat.observation: refuses (SQLSTATE MS409) an INSERT with any row in a closed period, '
	'unless run as mestat_owner. Replaces the per-row mestat.observation_guard() of 005.';
