-- report.timeliness: the current definition of this view.
-- First created in 009_report_views.sql, last changed in 024_report_speed.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace view report.timeliness as
select rs.reporter,
       (select r.name_zh from mestat.reporter r where r.code = rs.reporter) as reporter_name_zh,
       (select r.name_en from mestat.reporter r where r.code = rs.reporter) as reporter_name_en,
       (select r.kind from mestat.reporter r where r.code = rs.reporter) as reporter_kind,
       rs.period,
       p.kind as period_kind,
       p.due_date,
       p.due_date < (now() at time zone 'Asia/Shanghai')::date as due_passed,
       rs.expected,
       rs.received,
       rs.on_time,
       rs.received - rs.on_time as late,
       rs.expected - rs.received as not_received,
       round(rs.on_time::numeric / rs.expected, 4) as timeliness,
       rs.computed_at
  from mestat.reporting_status rs
  join mestat.period p on p.code = rs.period;
