-- report.source_consistency: the current definition of this view.
-- First created in 026_national_source_progress.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace view report.source_consistency as
with src as (
	select i.code, i.national_source, i.source_tolerance, i.aggregation,
	       case i.periodicity when 'quarterly' then 'quarter' else 'year' end as pkind
	  from mestat.indicator i
	 where i.active and i.national_source is not null
),
cur as (
	-- The current value of each cell of those indicators (not deleted, not
	-- reported missing).
	select c.reporter, c.indicator, c.period, c.value, c.observation as id
	  from mestat.cell c
	 where c.indicator in (select s.code from src s) and not c.deleted and c.value is not null
),
agg as (
	select r.code from mestat.reporter r
	 where mestat.added_nationally(r.active, r.parent, r.kind)
),
dep as (
	select c.indicator, c.period, c.value, c.id
	  from cur c
	  join src s on s.code = c.indicator and s.national_source = c.reporter
),
prov as (
	select c.indicator, c.period, sum(c.value) as s, avg(c.value) as a, count(*)::integer as n
	  from cur c
	  join agg on agg.code = c.reporter
	 group by c.indicator, c.period
)
select x.indicator, i.name_zh as indicator_name_zh, i.name_en as indicator_name_en, i.unit, i.unit_zh, x.period,
       s.national_source as source_reporter, sr.name_zh as source_name_zh, sr.name_en as source_name_en,
       x.source_value, x.provinces_value, x.reporters_reported, e.n as reporters_expected,
       coalesce(x.reporters_reported, 0) = e.n as provinces_complete,
       round(x.source_value / nullif(x.provinces_value, 0), 4) as ratio,
       x.source_value - x.provinces_value as difference,
       s.source_tolerance as tolerance,
       case when x.source_value is null or x.reporters_reported is distinct from e.n then null
            when x.provinces_value = 0 then x.source_value = 0
            else abs(x.source_value / x.provinces_value - 1) <= s.source_tolerance end as within_tolerance,
       x.source_observation,
       (select f.id from mestat.follow_up f
         where f.observation = x.source_observation and f.kind = 'source_gap'
         order by f.id desc limit 1) as follow_up,
       i.sort_key
  from (select coalesce(d.indicator, p.indicator) as indicator, coalesce(d.period, p.period) as period,
               d.value as source_value, d.id as source_observation,
               case (select s1.aggregation from src s1 where s1.code = coalesce(d.indicator, p.indicator))
               when 'mean' then p.a else p.s end as provinces_value,
               p.n as reporters_reported
          from dep d
          full join prov p on p.indicator = d.indicator and p.period = d.period) as x
  join src s on s.code = x.indicator
  join mestat.indicator i on i.code = x.indicator
  join mestat.reporter sr on sr.code = s.national_source
  join mestat.period pe on pe.code = x.period and pe.kind = s.pkind
  cross join (select count(*)::integer as n from agg) as e;

comment on view report.source_consistency is
	'External comparison: for each indicator with a national source (a department, or the ministry; '
	'mestat.indicator.national_source) and each period where the source or any province-level reporter has a value, '
	'the source''s national figure, the province-level reporters added up (sum, or mean for a mean indicator), their '
	'ratio and whether it is within the indicator''s tolerance (judged only once every province-level reporter is in). '
	'A gap outside tolerance is a follow-up item (report.follow_up, kind source_gap). Order by sort_key, indicator, period.';
comment on column report.source_consistency.indicator is 'Indicator code.';
comment on column report.source_consistency.indicator_name_zh is 'Indicator name in Chinese.';
comment on column report.source_consistency.indicator_name_en is 'Indicator name in English.';
comment on column report.source_consistency.unit is 'Unit (English).';
comment on column report.source_consistency.unit_zh is 'Unit (Chinese).';
comment on column report.source_consistency.period is 'Period code (the indicator''s periodicity).';
comment on column report.source_consistency.source_reporter is 'The national source''s reporter code (9xxxxx a department, 000000 the ministry).';
comment on column report.source_consistency.source_name_zh is 'The national source''s name in Chinese (e.g. 国家统计局).';
comment on column report.source_consistency.source_name_en is 'The national source''s name in English (e.g. National Bureau of Statistics).';
comment on column report.source_consistency.source_value is 'The source''s national figure for the period; NULL when it has sent none.';
comment on column report.source_consistency.provinces_value is
	'The province-level reporters (no parent; not the ministry nor a department) added up: their sum, or their mean for '
	'an indicator whose aggregation is mean; NULL when none has reported.';
comment on column report.source_consistency.reporters_reported is 'How many province-level reporters are in provinces_value.';
comment on column report.source_consistency.reporters_expected is 'How many active province-level reporters there are.';
comment on column report.source_consistency.provinces_complete is 'True when every province-level reporter is in provinces_value.';
comment on column report.source_consistency.ratio is 'source_value / provinces_value, rounded to 4 decimals (1.0000: the same figure).';
comment on column report.source_consistency.difference is 'source_value − provinces_value, in the unit.';
comment on column report.source_consistency.tolerance is
	'The indicator''s source_tolerance: the ratio may be within 1 ± tolerance (0.05: ±5 %).';
comment on column report.source_consistency.within_tolerance is
	'|source_value / provinces_value − 1| ≤ tolerance (both 0: true); NULL until the source and every province-level '
	'reporter have a value.';
comment on column report.source_consistency.source_observation is 'The source''s value version compared (mestat.observation.id).';
comment on column report.source_consistency.follow_up is 'The latest follow-up item opened on that value for a gap (report.follow_up.id), if any.';
comment on column report.source_consistency.sort_key is 'Plan order of the indicator''s clause.';
