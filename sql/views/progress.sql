-- report.progress: the current definition of this view.
-- First created in 014_progress_basis.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace view report.progress as
select h.snapshot, h.taken_at, h.as_of_period, h.indicator, h.indicator_name_zh, h.indicator_name_en, h.unit, h.unit_zh,
       h.clause, h.measure, h.direction, h.period, h.target_id, h.target_kind, h.target_path, h.target_effective_from,
       h.method, h.baseline_value, h.target_value, h.target_upper, h.expected_value, h.actual_value, h.ratio,
       h.first_period, h.first_value, h.annual_growth, h.class, h.class_zh, h.class_en, h.partial,
       h.reporters_reported, h.reporters_expected, h.note,
       h.sort_key, h.value_type, h.basis, h.basis_zh, h.basis_en, h.plan_words, h.target_clause, h.decision_ref,
       h.decision_date, h.reading_zh, h.reading_en, h.target_year, h.growth_threshold, h.trend, h.trend_zh, h.trend_en,
       h.trend_growth, h.trend_from_period, h.latest_period, h.latest_value, h.latest_reporters_reported,
       h.latest_reporters_expected
  from report.progress_history h
 where h.snapshot = (select max(s.id) from mestat.progress_snapshot s)
   and h.reporter is null
 order by h.sort_key, h.indicator;

comment on view report.progress is
	'National assessment from the latest snapshot, one row per indicator with a target version in force, in the plan''s '
	'order. basis says whether the plan sets the number (plan_number), a direction in words (plan_direction, quoted in '
	'plan_words) or nothing (monitoring: trend only, class NULL); reading_zh / reading_en say how to read the row. Values '
	'added up from the provinces are assessed at the latest complete period; a later part-reported one is in latest_*. '
	'Empty until mestat.recompute_progress() has run once: mestatd runs it every recompute_interval and soon after '
	'accepted submissions; the plan office can run it by hand.';
