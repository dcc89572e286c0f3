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
       d.indicator,
       i.name_zh as indicator_name_zh,
       i.name_en as indicator_name_en,
       i.unit,
       i.unit_zh,
       i.clause,
       i.measure,
       i.direction,
       d.reporter,
       coalesce(r.name_zh, '全国') as reporter_name_zh,
       coalesce(r.name_en, 'National') as reporter_name_en,
       coalesce(r.kind, 'national') as reporter_kind,
       d.period,
       d.target_id,
       d.target_kind,
       t.path as target_path,
       t.effective_from as target_effective_from,
       d.method,
       d.baseline_value,
       d.target_value,
       d.target_upper,
       d.expected_value,
       d.actual_value,
       d.ratio,
       d.first_period,
       d.first_value,
       d.annual_growth,
       d.class,
       cl.label_zh as class_zh,
       cl.label_en as class_en,
       d.partial,
       d.reporters_reported,
       d.reporters_expected,
       d.note,
       i.sort_key,
       i.value_type,
       d.basis,
       bl.label_zh as basis_zh,
       bl.label_en as basis_en,
       t.plan_words,
       coalesce(t.clause, '') as target_clause,
       t.decision_ref,
       t.decision_date,
       concat_ws(' ', bl.reading_zh,
                 case when t.plan_words is not null then
                      format('规划原文（%s）：“%s”。', coalesce(t.clause, i.clause), t.plan_words) end,
                 case when d.basis = 'monitoring' and d.target_kind <> 'direction' then
                      '全国数值目标不分解到各地区。' end,
                 case when t.decision_ref is not null then
                      format('目标已按%s（%s）调整。', t.decision_ref, t.decision_date) end) as reading_zh,
       concat_ws(' ', bl.reading_en,
                 case when t.plan_words is not null then
                      format('The plan (%s): “%s”.', coalesce(t.clause, i.clause), t.plan_words) end,
                 t.note,
                 case when d.basis = 'monitoring' and d.target_kind <> 'direction' then
                      'The national number is not divided among reporters.' end,
                 case when t.decision_ref is not null then
                      format('Revised by decision %s of %s.', t.decision_ref, t.decision_date) end) as reading_en,
       d.target_year,
       d.growth_threshold,
       d.trend,
       tl.label_zh as trend_zh,
       tl.label_en as trend_en,
       d.trend_growth,
       d.trend_from_period,
       d.latest_period,
       d.latest_value,
       d.latest_reporters_reported,
       d.latest_reporters_expected,
       i.national_source,
       d.source,
       d.source_reporter,
       case d.source when 'provinces' then '各省（区、市）汇总' else sr.name_zh end as source_name_zh,
       case d.source when 'provinces' then 'Province-level reporters added up' else sr.name_en end as source_name_en,
       d.snapshot as assessed_in
  -- Snapshot s as a whole: the rows of its chain, from its base (itself when
  -- it is whole in itself) up to s, that no snapshot up to s reassessed.
  from mestat.progress_snapshot s
  join mestat.progress_snapshot c on c.id between coalesce(s.base, s.id) and s.id
  join mestat.progress_snapshot_detail d on d.snapshot = c.id
                                        and (d.superseded_by is null or d.superseded_by > s.id)
  join mestat.indicator i on i.code = d.indicator
  left join mestat.reporter r on r.code = d.reporter
  left join mestat.reporter sr on sr.code = d.source_reporter
  left join mestat.target t on t.id = d.target_id
  left join mestat.progress_class_label cl on cl.class = d.class
  left join mestat.assessment_label bl on bl.kind = 'basis'
                                      and bl.code = coalesce(d.basis, case when d.method = 'ratio' then 'plan_number'
                                                                           else 'monitoring' end)
  left join mestat.assessment_label tl on tl.kind = 'trend' and tl.code = d.trend;

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
