-- 024_report_speed.sql: the reporting views answer the console fast at county
-- scale (2,850 reporters × 43 ended periods: 122,550 rows of
-- mestat.reporting_status, 65,550 of them overdue).
--
-- Nothing here changes what a view returns: CREATE OR REPLACE VIEW keeps every
-- column's name, type and place (PostgreSQL refuses otherwise), the comments
-- and the grants. What changes is how the rows are found, for the calls the
-- console makes (bench/console):
--   * reporting_status by period, both ways: a quarter's completeness (the
--     overview's tiles), the first and the last quarter (the reporting page's
--     years), the last quarter anything was received for;
--   * the rows still missing something, by period and reporter: overdue
--     reports in order of their due date, and their count from the index;
--   * periods by due date; submissions newest first.
--   The read API sorts with NULLS LAST (order=-col is DESC NULLS LAST), so
--   the descending indexes say so to be usable.
--   * report.completeness, report.timeliness and report.overdue look up the
--     reporter's names and kind for each row they return instead of joining
--     mestat.reporter to every row first. reporting_status.reporter is NOT NULL
--     and references mestat.reporter, so the inner join never dropped a row
--     and the lookup always finds one: the same rows, the same values. A
--     count reads no reporter at all, and "the 200 most overdue" are sorted
--     first and named after.
--   * report.overdue starts from mestat.period: with its rows read period by
--     period in due-date order, "order=due_date,reporter&limit=200" (the same
--     order as -days_overdue,reporter) stops after the first few periods
--     instead of sorting all 65,550 rows.

set local role mestat_owner;

create index reporting_status_period on mestat.reporting_status (period);
create index reporting_status_period_desc on mestat.reporting_status (period desc nulls last);
create index reporting_status_received on mestat.reporting_status (period desc nulls last) where received > 0;
create index reporting_status_overdue on mestat.reporting_status (period, reporter) include (expected, received)
	where received < expected;
create index period_due on mestat.period (due_date, code);
create index submission_newest on mestat.submission (received_at desc nulls last, id desc nulls last);

create or replace view report.completeness as
select rs.reporter,
       (select r.name_zh from mestat.reporter r where r.code = rs.reporter) as reporter_name_zh,
       (select r.name_en from mestat.reporter r where r.code = rs.reporter) as reporter_name_en,
       (select r.kind from mestat.reporter r where r.code = rs.reporter) as reporter_kind,
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
  join mestat.period p on p.code = rs.period;

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
