-- mestat.current_target: the current definition of this view.
-- First created in 002_catalog.sql, last changed in 013_catalog_basis.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace view mestat.current_target as
select distinct on (t.indicator, t.scope)
       t.id, t.indicator, t.scope, t.kind, t.baseline_year, t.baseline_value, t.target_year, t.target_value,
       t.target_upper, t.path, t.effective_from, t.clause, t.note,
       count(*) over (partition by t.indicator, t.scope)::integer as versions,
       coalesce(t.basis, case when t.kind = 'direction' then 'monitoring' else 'plan_number' end) as basis,
       t.plan_words, t.decision_ref, t.decision_date, t.threshold_factor
  from mestat.target t
 where t.effective_from <= current_date
 order by t.indicator, t.scope, t.effective_from desc, t.id desc;

comment on column mestat.current_target.basis is 'plan_number, plan_direction or monitoring (mestat.target.basis).';
comment on column mestat.current_target.plan_words is 'The plan''s words for the target, in Chinese.';
comment on column mestat.current_target.decision_ref is 'Decision that set a revised version; NULL for the plan''s own.';
comment on column mestat.current_target.decision_date is 'Date of that decision.';
comment on column mestat.current_target.threshold_factor is 'Factor on the direction thresholds (2 for 大幅).';
comment on column mestat.current_target.clause is 'Clause of the plan (NULL for a revision citing its decision instead).';
