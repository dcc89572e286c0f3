-- mestat.validation_rule_term: the current definition of this view.
-- First created in 022_data_quality_ingest.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace view mestat.validation_rule_term as
select vr.name as rule, 'left'::text as side, t.key as indicator, t.value::numeric as coefficient
  from mestat.validation_rule vr, jsonb_each_text(vr.left_side) t
union all
select vr.name, 'right', t.key, t.value::numeric
  from mestat.validation_rule vr, jsonb_each_text(vr.right_side) t;

comment on view mestat.validation_rule_term is 'The terms of every validation rule, one row per indicator and side.';
comment on column mestat.validation_rule_term.rule is 'Rule name.';
comment on column mestat.validation_rule_term.side is 'left or right.';
comment on column mestat.validation_rule_term.indicator is 'Indicator code.';
comment on column mestat.validation_rule_term.coefficient is 'Its coefficient in the sum.';
