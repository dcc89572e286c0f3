-- report.overdue: the current definition of this view.
-- First created in 009_report_views.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace view report.overdue as
select rs.reporter,
       r.name_zh as reporter_name_zh,
       r.name_en as reporter_name_en,
       r.kind as reporter_kind,
       rs.period,
       p.kind as period_kind,
       p.due_date,
       (now() at time zone 'Asia/Shanghai')::date - p.due_date as days_overdue,
       rs.expected,
       rs.received,
       rs.expected - rs.received as missing,
       rs.missing_indicators,
       rs.computed_at
  from mestat.reporting_status rs
  join mestat.reporter r on r.code = rs.reporter
  join mestat.period p on p.code = rs.period
 where rs.received < rs.expected
   and p.due_date < (now() at time zone 'Asia/Shanghai')::date;

comment on view report.overdue is
	'Reports past their due date (Beijing time) with expected values still missing, per reporter and period, as of the '
	'last progress run.';
