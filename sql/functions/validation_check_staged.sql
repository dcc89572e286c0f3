-- mestat.validation_check_staged: the current definition of this function.
-- First created in 022_data_quality_ingest.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

-- The rules touched by the staged rows, judged on the values as they will
-- be after the submission: a staged row wins over what is stored. Each
-- submission's rows (pg_temp.ingest_row.submission; a batch stages several,
-- 065) are judged on their own: a rule reads another reporter's staged row
-- only when the same submission sent it, else the stored value.
create or replace function mestat.validation_check_staged()
returns table (rule text, severity text, reporter text, period text, left_value numeric, right_value numeric,
               indicators text[], message text, other_reporter text, submission bigint)
language plpgsql
set search_path = mestat, pg_temp
-- A handful of rows: compiling the plan with JIT would take longer than running it.
set jit = off
as $$
#variable_conflict use_column
begin
	return query
	with st as (
		select r.submission, r.reporter, r.indicator, r.period,
		       case when not r.deleted and not coalesce(r.missing, false) then r.value::numeric end as v
		  from pg_temp.ingest_row r
		 where r.reporter is not null and r.indicator is not null and r.period is not null
	),
	touched as (
		select distinct st.submission, st.reporter, st.period, st.indicator from st
	),
	-- (rule, reporter, period, other): other is the part (right side) of a
	-- reporters = parent rule, reporter its parent (left side).
	cand as (
		select distinct s.submission, t.rule, s.reporter, s.period, null::text as other
		  from touched s
		  join mestat.validation_rule_term t on t.indicator = s.indicator
		  join mestat.validation_rule vr on vr.name = t.rule
		 where vr.reporters = 'same' and mestat.rule_applies(vr, s.period)
		union
		select distinct s.submission, t.rule, case when t.side = 'right' then rp.parent else s.reporter end, s.period,
		       case when t.side = 'right' then s.reporter else ch.code end
		  from touched s
		  join mestat.validation_rule_term t on t.indicator = s.indicator
		  join mestat.validation_rule vr on vr.name = t.rule
		  join mestat.reporter rp on rp.code = s.reporter
		  left join mestat.reporter ch on t.side = 'left' and ch.parent = s.reporter
		 where vr.reporters = 'parent' and mestat.rule_applies(vr, s.period)
		   and case when t.side = 'right' then rp.parent is not null else ch.code is not null end
	),
	val as (
		select c.submission, c.rule, c.reporter, c.other, c.period, t.side, t.indicator, t.coefficient,
		       case when s.indicator is not null then s.v else o.value end as v
		  from cand c
		  join mestat.validation_rule_term t on t.rule = c.rule
		  cross join lateral (
			select case when t.side = 'right' and c.other is not null then c.other else c.reporter end as who
		  ) as w
		  left join st s on s.submission is not distinct from c.submission
		   and s.reporter = w.who and s.indicator = t.indicator and s.period = c.period
		  left join lateral (
			select o.value
			  from mestat.cell o
			 where o.reporter = w.who and o.indicator = t.indicator and o.period = c.period
			   -- Here, not in the join condition, which is checked after
			   -- the probe: only a term not staged is looked up.
			   and s.indicator is null
			 -- One probe of the key a row, not a join reading every cell
			 -- (as in mestat.ingest_apply).
			offset 0
		  ) as o on true
	),
	judged as (
		select v.submission, v.rule, v.reporter, v.other, v.period,
		       sum(v.coefficient * v.v) filter (where v.side = 'left') as l,
		       sum(v.coefficient * v.v) filter (where v.side = 'right') as r,
		       bool_and(v.v is not null) filter (where v.side = 'left') as l_all,
		       bool_and(v.v is not null) filter (where v.side = 'right') as r_all,
		       bool_or(v.v is not null) filter (where v.side = 'left') as l_any,
		       bool_or(v.v is not null) filter (where v.side = 'right') as r_any,
		       string_agg(mestat.rule_term_text(v.coefficient, v.indicator, v.v), ' + ' order by v.indicator)
		           filter (where v.side = 'left') as l_text,
		       string_agg(mestat.rule_term_text(v.coefficient, v.indicator, v.v), ' + ' order by v.indicator)
		           filter (where v.side = 'right') as r_text,
		       array_agg(v.indicator order by v.side, v.indicator) as indicators
		  from val v
		 group by v.submission, v.rule, v.reporter, v.other, v.period
	)
	select j.rule, vr.severity, j.reporter, j.period, j.l, j.r, j.indicators,
	       mestat.rule_message(vr, j.reporter || coalesce(' ≥ ' || j.other, ''), j.period, j.l, j.r, j.l_text, j.r_text),
	       j.other, j.submission
	  from judged j
	  join mestat.validation_rule vr on vr.name = j.rule
	 where mestat.rule_violated(vr.operator, vr.tolerance, j.l, j.r, j.l_all, j.r_all, j.l_any, j.r_any);
end
$$;

comment on function mestat.validation_check_staged() is
	'Validation rules violated by the values as they will be once the staged rows of pg_temp.ingest_row (validated, '
	'tidied, converted to catalog units) are stored: for every reporter and period of the staged rows, each rule naming a '
	'staged indicator is judged on the staged values where sent and the stored current values otherwise.';
