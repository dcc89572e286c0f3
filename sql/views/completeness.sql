-- report.completeness: the current definition of this view.
-- First created in 009_report_views.sql, last changed in 024_report_speed.sql.
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
  join mestat.period p on p.code = rs.period
  -- A left join on the reporter's key: a count or a filter that names no
  -- reporter column drops it (join removal), and a page of rows after an
  -- OFFSET looks the names up by one hash join instead of three index
  -- lookups per skipped row (which at county scale also made the plan cost
  -- enough to be JIT-compiled). reporting_status.reporter is NOT NULL and
  -- references mestat.reporter: every row finds its one reporter, as the
  -- lookups did.
  left join mestat.reporter r on r.code = rs.reporter;
