-- report.completeness: the current definition of this view.
-- First created in 009_report_views.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace view report.completeness as
select rs.reporter,
       r.name_zh as reporter_name_zh,
       r.name_en as reporter_name_en,
       r.kind as reporter_kind,
       rs.period,
       p.kind as period_kind,
       p.end_date as period_end,
       p.due_date,
       rs.expected,
       rs.received,
       rs.expected - rs.received as missing,
       round(rs.received::numeric / rs.expected, 4) as completeness,
       rs.computed_at
  from mestat.reporting_status rs
  join mestat.reporter r on r.code = rs.reporter
  join mestat.period p on p.code = rs.period;

comment on view report.completeness is
	'Completeness of each reporter''s report for each period that has ended (Beijing time): cells received over cells '
	'expected (every active provincial indicator of the period''s kind; national-only ones for the ministry). As of the '
	'last progress run (computed_at).';
