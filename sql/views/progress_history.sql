-- report.progress_history: the current definition of this view.
-- First created in 014_progress_basis.sql, last changed in 026_national_source_progress.sql;
-- since 040 it resolves each snapshot as a whole from the rows its chain stored.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace view report.progress_history as
select s.id as snapshot,
       s.taken_at,
       s.as_of_period,
       l.indicator,
       l.indicator_name_zh,
       l.indicator_name_en,
       l.unit,
       l.unit_zh,
       l.clause,
       l.measure,
       l.direction,
       l.reporter,
       l.reporter_name_zh,
       l.reporter_name_en,
       l.reporter_kind,
       l.period,
       l.target_id,
       l.target_kind,
       l.target_path,
       l.target_effective_from,
       l.method,
       l.baseline_value,
       l.target_value,
       l.target_upper,
       l.expected_value,
       l.actual_value,
       l.ratio,
       l.first_period,
       l.first_value,
       l.annual_growth,
       l.class,
       l.class_zh,
       l.class_en,
       l.partial,
       l.reporters_reported,
       l.reporters_expected,
       l.note,
       l.sort_key,
       l.value_type,
       l.basis,
       l.basis_zh,
       l.basis_en,
       l.plan_words,
       l.target_clause,
       l.decision_ref,
       l.decision_date,
       l.reading_zh,
       l.reading_en,
       l.target_year,
       l.growth_threshold,
       l.trend,
       l.trend_zh,
       l.trend_en,
       l.trend_growth,
       l.trend_from_period,
       l.latest_period,
       l.latest_value,
       l.latest_reporters_reported,
       l.latest_reporters_expected,
       l.national_source,
       l.source,
       l.source_reporter,
       l.source_name_zh,
       l.source_name_en,
       l.assessed_in,
       l.chain
  -- Snapshot s as a whole: the rows of its chain, from its base (itself when
  -- it is whole in itself) up to s, that no snapshot up to s reassessed.
  from mestat.progress_snapshot s
  join mestat.progress_labelled l on l.chain = coalesce(s.base, s.id) and l.assessed_in <= s.id
                                 and (l.superseded_by is null or l.superseded_by > s.id);

comment on column report.progress_history.national_source is
	'The indicator''s rule (mestat.indicator.national_source) today: the reporter whose figure is the national one, or NULL for the province-level reporters added up (the ministry''s report for national-only indicators).';
comment on column report.progress_history.source is
	'National rows: the figure assessed: provinces (the province-level reporters added up), department or ministry (that reporter''s own figure; see source_reporter). NULL for reporters'' rows and indicators not added up.';
comment on column report.progress_history.source_reporter is 'National rows: the reporter whose figure was assessed; NULL for the provinces added up.';
comment on column report.progress_history.source_name_zh is 'The source in Chinese (国家统计局…, or 各省（区、市）汇总).';
comment on column report.progress_history.source_name_en is 'The source in English (National Bureau of Statistics…, or Province-level reporters added up).';
comment on column report.progress_history.snapshot is
	'The snapshot (run); each snapshot is listed whole, full or incremental: an incremental one''s rows it did not '
	'reassess are those of the snapshot before it (see assessed_in).';
comment on column report.progress_history.assessed_in is
	'The snapshot that computed this row: snapshot itself when the run assessed it (always, for a full run), or the '
	'earlier snapshot of the chain whose row an incremental run kept because no change could alter it.';
comment on column report.progress_history.chain is
	'The full snapshot the row''s snapshot rests on (itself for a full one): snapshots of one chain share it.';
