-- report.validation_violations: the current definition of this view.
-- First created in 022_data_quality_ingest.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace view report.validation_violations as
select v.rule, v.severity, v.reporter, r.name_zh as reporter_name_zh, r.name_en as reporter_name_en, v.period,
       v.operator, v.left_value, v.right_value, v.left_terms, v.right_terms, v.message, v.message_zh, v.message_en,
       v.clause, v.other_reporter
  from mestat.validation_violation v
  join mestat.reporter r on r.code = v.reporter;

comment on view report.validation_violations is
	'Every current violation of a validation rule (mestat.validation_rule), for the plan office to chase: warn rules that '
	'were accepted, and refuse rules broken by values stored before the rule existed.';
comment on column report.validation_violations.rule is 'Rule name.';
comment on column report.validation_violations.severity is 'refuse or warn.';
comment on column report.validation_violations.reporter is 'Reporter code.';
comment on column report.validation_violations.reporter_name_zh is 'Reporter name in Chinese.';
comment on column report.validation_violations.reporter_name_en is 'Reporter name in English.';
comment on column report.validation_violations.period is 'Period code.';
comment on column report.validation_violations.operator is '<, <=, =, >=, > or both_or_neither.';
comment on column report.validation_violations.left_value is 'Sum of the left side (NULL when a term is missing).';
comment on column report.validation_violations.right_value is 'Sum of the right side (NULL when a term is missing).';
comment on column report.validation_violations.left_terms is 'Left side, each term with its value.';
comment on column report.validation_violations.right_terms is 'Right side, each term with its value.';
comment on column report.validation_violations.message is 'The sentence a clerk reads: rule, what is wrong, the values.';
comment on column report.validation_violations.message_zh is 'The rule''s message in Chinese.';
comment on column report.validation_violations.message_en is 'The rule''s message in English.';
comment on column report.validation_violations.clause is 'Clause of the plan the rule follows from.';
comment on column report.validation_violations.other_reporter is
	'For a rule between a reporter and its part (reporters = parent): the part (the separate-plan city) whose value '
	'is compared with reporter''s (its province); else NULL.';
