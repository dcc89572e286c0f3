-- mestat.progress_labelled: the current definition of this view.
-- First created in 040_progress_delta_snapshots.sql (the body of
-- report.progress_history until then).
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

-- Every stored assessment row with its words, of whichever snapshot stored
-- it: report.progress_history makes each snapshot whole from these rows,
-- report.progress and progress_by_reporter read the latest chain's rows no
-- snapshot reassessed (one range of the chain index, in reporter order).
create or replace view mestat.progress_labelled as
select d.indicator,
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
       d.sort_key,
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
       d.snapshot as assessed_in,
       d.chain,
       d.superseded_by
  from mestat.progress_snapshot_detail d
  join mestat.indicator i on i.code = d.indicator
  left join mestat.reporter r on r.code = d.reporter
  left join mestat.reporter sr on sr.code = d.source_reporter
  left join mestat.target t on t.id = d.target_id
  left join mestat.progress_class_label cl on cl.class = d.class
  left join mestat.assessment_label bl on bl.kind = 'basis'
                                      and bl.code = coalesce(d.basis, case when d.method = 'ratio' then 'plan_number'
                                                                           else 'monitoring' end)
  left join mestat.assessment_label tl on tl.kind = 'trend' and tl.code = d.trend;

comment on view mestat.progress_labelled is
	'Each row of mestat.progress_snapshot_detail with the words and catalog columns the report views show; not a '
	'snapshot by itself (see report.progress_history, which makes each snapshot whole).';
comment on column mestat.progress_labelled.assessed_in is 'The snapshot that stored (computed) the row.';
comment on column mestat.progress_labelled.chain is
	'The full snapshot the row''s snapshot rests on (itself for a full one; progress_snapshot_detail.chain).';
comment on column mestat.progress_labelled.superseded_by is
	'The later incremental snapshot of the chain that reassessed the row (progress_snapshot_detail.superseded_by).';
-- The other columns mean what report.progress_history's of the same name do.
do $$
declare
	c record;
begin
	for c in select a.attname, col_description(h.attrelid, h.attnum) as txt
	           from pg_attribute a
	           join pg_attribute h on h.attrelid = 'report.progress_history'::regclass and h.attname = a.attname
	          where a.attrelid = 'mestat.progress_labelled'::regclass and a.attnum > 0
	            and a.attname not in ('assessed_in', 'chain', 'superseded_by')
	            and col_description(h.attrelid, h.attnum) is not null loop
		execute format('comment on column mestat.progress_labelled.%I is %L', c.attname, c.txt);
	end loop;
end
$$;
