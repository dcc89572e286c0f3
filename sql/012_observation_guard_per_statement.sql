-- 012_observation_guard_per_statement.sql: check closed periods once per
-- INSERT statement instead of once per row.
--
-- The row trigger of 005 ran a query for every observation inserted; a
-- 50-row submission paid for 50 of them. A statement trigger over the
-- transition table does the same check in one query: any row in a closed
-- period still aborts the whole statement with SQLSTATE MS409, and the
-- owner (mestat_owner) may still correct closed periods.

set local role mestat_owner;

create function mestat.observation_guard_statement() returns trigger
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
revoke all on function mestat.observation_guard_statement() from public;

drop trigger observation_guard on mestat.observation;
drop function mestat.observation_guard();
create trigger observation_guard after insert on mestat.observation
	referencing new table as new_rows
	for each statement execute function mestat.observation_guard_statement();
comment on trigger observation_guard on mestat.observation is
	'Values cannot be added to a closed period (mestat.close_period); checked once per INSERT statement.';
