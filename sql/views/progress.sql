-- report.progress: the current definition of this view.
-- First created in 014_progress_basis.sql, last changed in 026_national_source_progress.sql;
-- since 040 it reads the latest chain (mestat.progress_labelled).
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace view report.progress as
select (select max(s.id) from mestat.progress_snapshot s) as snapshot,
       (select s.taken_at from mestat.progress_snapshot s order by s.id desc limit 1) as taken_at,
       (select s.as_of_period from mestat.progress_snapshot s order by s.id desc limit 1) as as_of_period,
       h.indicator, h.indicator_name_zh, h.indicator_name_en, h.unit, h.unit_zh,
       h.clause, h.measure, h.direction, h.period, h.target_id, h.target_kind, h.target_path, h.target_effective_from,
       h.method, h.baseline_value, h.target_value, h.target_upper, h.expected_value, h.actual_value, h.ratio,
       h.first_period, h.first_value, h.annual_growth, h.class, h.class_zh, h.class_en, h.partial,
       h.reporters_reported, h.reporters_expected, h.note,
       h.sort_key, h.value_type, h.basis, h.basis_zh, h.basis_en, h.plan_words, h.target_clause, h.decision_ref,
       h.decision_date, h.reading_zh, h.reading_en, h.target_year, h.growth_threshold, h.trend, h.trend_zh, h.trend_en,
       h.trend_growth, h.trend_from_period, h.latest_period, h.latest_value, h.latest_reporters_reported,
       h.latest_reporters_expected, h.national_source, h.source, h.source_reporter, h.source_name_zh,
       h.source_name_en
  -- The latest snapshot as a whole (report.progress_history): the rows of
  -- its chain no snapshot reassessed; one range of the chain index.
  from mestat.progress_labelled h
 where h.chain = (select coalesce(s.base, s.id) from mestat.progress_snapshot s order by s.id desc limit 1)
   and h.superseded_by is null
   and h.reporter is null
 order by h.sort_key, h.indicator;

comment on column report.progress.national_source is
	'The indicator''s rule (mestat.indicator.national_source) today: the reporter whose figure is the national one, or NULL for the province-level reporters added up (the ministry''s report for national-only indicators).';
comment on column report.progress.source is
	'The figure assessed: provinces (the province-level reporters added up), department or ministry (that reporter''s own figure; see source_reporter); NULL for indicators not added up nationally.';
comment on column report.progress.source_reporter is 'The reporter whose figure was assessed; NULL for the provinces added up.';
comment on column report.progress.source_name_zh is 'The source in Chinese (国家统计局…, or 各省（区、市）汇总).';
comment on column report.progress.source_name_en is 'The source in English (National Bureau of Statistics…, or Province-level reporters added up).';
