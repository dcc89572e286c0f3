-- report.latest_values: the current definition of this view.
-- First created in 007_report_latest_values_submission_log.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace view report.latest_values as
select cv.indicator,
       i.name_zh as indicator_name_zh,
       i.name_en as indicator_name_en,
       i.unit,
       i.unit_zh,
       cv.reporter,
       r.name_zh as reporter_name_zh,
       r.name_en as reporter_name_en,
       r.kind as reporter_kind,
       cv.period,
       p.kind as period_kind,
       p.end_date as period_end,
       cv.value,
       cv.comment,
       cv.revision_count,
       cv.first_recorded_at as first_reported_at,
       cv.last_changed_at,
       cv.submission as last_submission
  from mestat.current_value cv
  join mestat.indicator i on i.code = cv.indicator
  join mestat.reporter r on r.code = cv.reporter
  join mestat.period p on p.code = cv.period;

comment on view report.latest_values is
	'Current value of every indicator, reporter and period that has one, with Chinese and English labels, how many '
	'versions it has had and when it last changed. Deleted values are not shown.';
comment on column report.latest_values.indicator is 'Indicator code.';
comment on column report.latest_values.indicator_name_zh is 'Indicator name in Chinese.';
comment on column report.latest_values.indicator_name_en is 'Indicator name in English.';
comment on column report.latest_values.unit is 'Unit (English).';
comment on column report.latest_values.unit_zh is 'Unit (Chinese).';
comment on column report.latest_values.reporter is 'Reporter code (GB/T 2260; 660000 the Corps, 000000 the ministry).';
comment on column report.latest_values.reporter_name_zh is 'Reporter name in Chinese.';
comment on column report.latest_values.reporter_name_en is 'Reporter name in English.';
comment on column report.latest_values.reporter_kind is 'province, autonomous_region, municipality, separate_plan_city, corps or ministry.';
comment on column report.latest_values.period is 'Period code (2018Q3, 2018).';
comment on column report.latest_values.period_kind is 'quarter or year.';
comment on column report.latest_values.period_end is 'Last day of the period.';
comment on column report.latest_values.value is 'Current value, in the indicator''s unit.';
comment on column report.latest_values.comment is 'Comment the reporter sent with it.';
comment on column report.latest_values.revision_count is 'Versions stored for this cell, the first included (1 = never revised).';
comment on column report.latest_values.first_reported_at is 'When the cell first got a value.';
comment on column report.latest_values.last_changed_at is 'When the current value was stored.';
comment on column report.latest_values.last_submission is 'Submission that brought the current value (see report.submission_log).';
