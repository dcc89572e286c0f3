-- mestat.target_check_revision: the current definition of this function.
-- First created in 013_catalog_basis.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.target_check_revision() returns trigger
language plpgsql
set search_path = mestat, pg_temp
as $$
begin
	if new.basis is null then
		new.basis := case when new.kind = 'direction' then 'monitoring' else 'plan_number' end;
	end if;
	if new.decision_ref is null and exists (
		select 1 from mestat.target t
		 where t.indicator = new.indicator and t.scope is not distinct from new.scope
		   and t.effective_from < new.effective_from) then
		raise exception 'a target revision (动态调整) of % cites its decision: give decision_ref and decision_date',
			new.indicator using errcode = '23514';
	end if;
	return new;
end
$$;

comment on function mestat.target_check_revision() is
	'Trigger on mestat.target: fills basis when not given (monitoring for a direction, plan_number for a number) and '
	'refuses a later version of an indicator and scope (a revision) that does not cite its decision (decision_ref).';
