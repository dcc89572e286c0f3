-- report.overdue: the current definition of this view.
-- First created in 009_report_views.sql, last changed in 024_report_speed.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace view report.overdue as
select rs.reporter,
       (select r.name_zh from mestat.reporter r where r.code = rs.reporter) as reporter_name_zh,
       (select r.name_en from mestat.reporter r where r.code = rs.reporter) as reporter_name_en,
       (select r.kind from mestat.reporter r where r.code = rs.reporter) as reporter_kind,
       rs.period,
       p.kind as period_kind,
       p.due_date,
       (now() at time zone 'Asia/Shanghai')::date - p.due_date as days_overdue,
       rs.expected,
       rs.received,
       rs.expected - rs.received as missing,
       rs.missing_indicators,
       rs.computed_at
  from mestat.period p
  join mestat.reporting_status rs on rs.period = p.code
 where rs.received < rs.expected
   and p.due_date < (now() at time zone 'Asia/Shanghai')::date;
