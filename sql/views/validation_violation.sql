-- mestat.validation_violation: the current definition of this view.
-- First created in 022_data_quality_ingest.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace view mestat.validation_violation as
with cur as materialized (
	-- The current values of the indicators the rules name, read once (the
	-- view read mestat.current_value, every current value of every
	-- indicator, three times): per cell its newest version, unless that
	-- deletes the value or carries none, as mestat.current_value has it. An
	-- indicator no rule names is no part of any row below.
	select o.indicator, o.reporter, o.period, o.value
	  from mestat.cell o
	 where o.indicator in (select t.indicator from mestat.validation_rule_term t) and not o.deleted
	   and o.value is not null
),
cand as (
	select distinct t.rule, cv.reporter, cv.period, null::text as other
	  from cur cv
	  join mestat.validation_rule_term t on t.indicator = cv.indicator
	  join mestat.validation_rule vr on vr.name = t.rule
	 where vr.reporters = 'same' and mestat.rule_applies(vr, cv.period)
	union
	-- reporters = parent: the parent (left side) and its part (right side).
	select distinct t.rule, ch.parent, cv.period, ch.code
	  from cur cv
	  join mestat.reporter ch on ch.parent is not null and ch.code = cv.reporter
	  join mestat.validation_rule_term t on t.indicator = cv.indicator
	  join mestat.validation_rule vr on vr.name = t.rule
	 where vr.reporters = 'parent' and mestat.rule_applies(vr, cv.period)
),
val as (
	select c.rule, c.reporter, c.other, c.period, t.side, t.indicator, t.coefficient, cv.value as v
	  from cand c
	  join mestat.validation_rule_term t on t.rule = c.rule
	  left join cur cv
	    on cv.reporter = case when t.side = 'right' and c.other is not null then c.other else c.reporter end
	   and cv.indicator = t.indicator and cv.period = c.period
),
judged as (
	select v.rule, v.reporter, v.other, v.period,
	       sum(v.coefficient * v.v) filter (where v.side = 'left') as l,
	       sum(v.coefficient * v.v) filter (where v.side = 'right') as r,
	       bool_and(v.v is not null) filter (where v.side = 'left') as l_all,
	       bool_and(v.v is not null) filter (where v.side = 'right') as r_all,
	       bool_or(v.v is not null) filter (where v.side = 'left') as l_any,
	       bool_or(v.v is not null) filter (where v.side = 'right') as r_any,
	       string_agg(mestat.rule_term_text(v.coefficient, v.indicator, v.v), ' + ' order by v.indicator)
	           filter (where v.side = 'left') as l_text,
	       string_agg(mestat.rule_term_text(v.coefficient, v.indicator, v.v), ' + ' order by v.indicator)
	           filter (where v.side = 'right') as r_text
	  from val v
	 group by v.rule, v.reporter, v.other, v.period
)
select j.rule, vr.severity, j.reporter, j.period, vr.operator, j.l as left_value, j.r as right_value,
       j.l_text as left_terms, j.r_text as right_terms,
       mestat.rule_message(vr, j.reporter || coalesce(' ≥ ' || j.other, ''), j.period, j.l, j.r, j.l_text, j.r_text)
           as message,
       vr.message_zh, vr.message_en, vr.clause, j.other as other_reporter
  from judged j
  join mestat.validation_rule vr on vr.name = j.rule
 where mestat.rule_violated(vr.operator, vr.tolerance, j.l, j.r, j.l_all, j.r_all, j.l_any, j.r_any);

comment on view mestat.validation_violation is
	'Every violation of an active validation rule by the current values (see mestat.validation_rule).';
