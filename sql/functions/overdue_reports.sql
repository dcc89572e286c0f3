-- mestat.overdue_reports: the current definition of this function.
-- First created in 028_notifications.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.overdue_reports() returns integer
language sql stable
security definer
set search_path = mestat, pg_temp
as $$
	select count(*)::integer
	  from mestat.reporting_status rs
	  join mestat.period p on p.code = rs.period
	 where rs.received < rs.expected
	   and p.due_date < (now() at time zone 'Asia/Shanghai')::date
$$;

comment on function mestat.overdue_reports() is
	'The number of rows of report.overdue (reports past their due date with expected values missing, as of the last '
	'progress run), for the metric mestat_reports_overdue. SECURITY DEFINER.';
