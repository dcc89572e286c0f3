-- mestat.validation_rule_term: the current definition of this view.
-- First created in 022_data_quality_ingest.sql, last changed in 045_validation_rule_term_stored.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

-- Kept in mestat.rule_term since 045 (expanded when a rule changes, not at
-- every read).
create or replace view mestat.validation_rule_term as
select t.rule, t.side, t.indicator, t.coefficient
  from mestat.rule_term t;

comment on view mestat.validation_rule_term is 'The terms of every validation rule, one row per indicator and side.';
comment on column mestat.validation_rule_term.rule is 'Rule name.';
comment on column mestat.validation_rule_term.side is 'left or right.';
comment on column mestat.validation_rule_term.indicator is 'Indicator code.';
comment on column mestat.validation_rule_term.coefficient is 'Its coefficient in the sum.';
