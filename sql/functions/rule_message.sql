-- mestat.rule_message: the current definition of this function.
-- First created in 022_data_quality_ingest.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.rule_message(p_rule mestat.validation_rule, p_reporter text, p_period text, p_left numeric,
                                    p_right numeric, p_left_text text, p_right_text text)
returns text
language plpgsql
immutable
-- plpgsql, not sql: format() is only stable, so an sql body is not inlined
-- and would be planned anew on every call; plpgsql keeps its plan.
as $$
begin
	return format('rule %s: %s (%s). For %s %s: %s%s %s %s%s',
	              p_rule.name, p_rule.message_en, p_rule.message_zh, p_reporter, p_period,
	              p_left_text, case when p_rule.operator <> 'both_or_neither' and p_left_text ~ ' \+ '
	                                then ' = ' || coalesce(trim_scale(p_left)::text, '(none)') else '' end,
	              case p_rule.operator when 'both_or_neither' then 'and' else 'must be ' || p_rule.operator end,
	              p_right_text, case when p_rule.operator <> 'both_or_neither' and p_right_text ~ ' \+ '
	                                 then ' = ' || coalesce(trim_scale(p_right)::text, '(none)') else '' end)
	       || case p_rule.operator when 'both_or_neither' then ' must both be reported or both be left out' else '' end;
end
$$;

comment on function mestat.rule_message(mestat.validation_rule, text, text, numeric, numeric, text, text) is
	'The sentence naming a violated rule and its values, for refusals, warnings and report.validation_violations.';
