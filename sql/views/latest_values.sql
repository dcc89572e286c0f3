-- report.latest_values: the current definition of this view.
-- First created in 007_report_latest_values_submission_log.sql, last changed in 022_data_quality_ingest.sql.
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
       cv.submission as last_submission,
       cv.status,
       st.name_en as status_en,
       st.name_zh as status_zh
  from mestat.current_value cv
  join mestat.indicator i on i.code = cv.indicator
  join mestat.reporter r on r.code = cv.reporter
  join mestat.period p on p.code = cv.period
  join mestat.obs_status st on st.code = cv.status;

comment on column report.latest_values.status is
	'SDMX observation status of the value: A normal, P provisional, E estimated, B break in series, F forecast...';
comment on column report.latest_values.status_en is 'Name of the status in English.';
comment on column report.latest_values.status_zh is 'Name of the status in Chinese.';
