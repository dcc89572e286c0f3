-- mestat.rule_applies: the current definition of this function.
-- First created in 022_data_quality_ingest.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.rule_applies(p_rule mestat.validation_rule, p_period text)
returns boolean
language sql
-- No SET clause: the planner inlines it into the queries that call it per row.
immutable
as $$
	select p_rule.active
	   and (p_rule.period_kind is null
	        or p_rule.period_kind = case when p_period ~ 'Q' then 'quarter' else 'year' end)
	   and (p_rule.first_period is null or left(p_period, 4) || coalesce(substring(p_period from 'Q([1-4])'), '4')
	            >= left(p_rule.first_period, 4) || coalesce(substring(p_rule.first_period from 'Q([1-4])'), '4'))
	   and (p_rule.last_period is null or left(p_period, 4) || coalesce(substring(p_period from 'Q([1-4])'), '4')
	            <= left(p_rule.last_period, 4) || coalesce(substring(p_rule.last_period from 'Q([1-4])'), '4'))
$$;

comment on function mestat.rule_applies(mestat.validation_rule, text) is
	'Whether validation rule p_rule applies to period p_period (active, kind, first and last period; a year counts as its Q4).';
