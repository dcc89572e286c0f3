-- mestat.validation_rule_term_refresh: the current definition of this function.
-- First created in 045_validation_rule_term_stored.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

-- A few dozen rules: all of them expanded again is simpler than following
-- each change, and as quick.
create or replace function mestat.validation_rule_term_refresh() returns trigger
language plpgsql
security definer
set search_path = mestat, pg_temp
as $$
begin
	-- Two sessions changing rules at once rebuild one after the other: the
	-- second's statements then see the first's rows, committed.
	lock table mestat.rule_term in exclusive mode;
	delete from mestat.rule_term;
	insert into mestat.rule_term (rule, side, indicator, coefficient)
	select vr.name, 'left', t.key, t.value::numeric
	  from mestat.validation_rule vr, jsonb_each_text(vr.left_side) t
	union all
	select vr.name, 'right', t.key, t.value::numeric
	  from mestat.validation_rule vr, jsonb_each_text(vr.right_side) t;
	return null;
end
$$;

comment on function mestat.validation_rule_term_refresh() is
	'Statement trigger on mestat.validation_rule: rebuilds mestat.rule_term, the terms of every rule (one row per rule, '
	'side and indicator, with its coefficient), in the transaction that changed the rules.';
