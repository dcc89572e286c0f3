-- report.progress_by_reporter: the current definition of this view.
-- First created in 014_progress_basis.sql; since 040 it reads the latest chain
-- (mestat.progress_labelled).
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace view report.progress_by_reporter as
select (select max(s.id) from mestat.progress_snapshot s) as snapshot,
       (select s.taken_at from mestat.progress_snapshot s order by s.id desc limit 1) as taken_at,
       (select s.as_of_period from mestat.progress_snapshot s order by s.id desc limit 1) as as_of_period,
       h.indicator, h.indicator_name_zh, h.indicator_name_en, h.unit, h.unit_zh,
       h.clause, h.measure, h.direction, h.reporter, h.reporter_name_zh, h.reporter_name_en, h.reporter_kind,
       h.period, h.target_id, h.target_kind, h.target_path, h.target_effective_from, h.method, h.baseline_value,
       h.target_value, h.target_upper, h.expected_value, h.actual_value, h.ratio, h.first_period, h.first_value,
       h.annual_growth, h.class, h.class_zh, h.class_en, h.note,
       h.sort_key, h.value_type, h.basis, h.basis_zh, h.basis_en, h.plan_words, h.target_clause, h.decision_ref,
       h.decision_date, h.reading_zh, h.reading_en, h.target_year, h.growth_threshold, h.trend, h.trend_zh, h.trend_en,
       h.trend_growth, h.trend_from_period
  -- The latest snapshot as a whole (report.progress_history): the rows of
  -- its chain no snapshot reassessed; one range of the chain index.
  from mestat.progress_labelled h
 where h.chain = (select coalesce(s.base, s.id) from mestat.progress_snapshot s order by s.id desc limit 1)
   and h.superseded_by is null
   and h.reporter is not null
 order by h.reporter, h.sort_key, h.indicator;

comment on view report.progress_by_reporter is
	'Each reporter (provinces, separate-plan cities, the Corps) on each provincial indicator, from the latest snapshot, '
	'in the plan''s order. A reporter with a target of its own is assessed against it; a national direction the plan '
	'states applies to each reporter; a national number is not divided among reporters, so that row is monitoring '
	'(trend, no class).';
