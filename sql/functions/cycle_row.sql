-- mestat.cycle_row: the current definition of this function.
-- First created in 027_reporting_cycle.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

-- cycle_row: the reporter × period's state row, created open and locked FOR
-- UPDATE, after the reporter's ingest lock.
create or replace function mestat.cycle_row(p_reporter text, p_period text) returns mestat.reporting_state
language plpgsql
set search_path = mestat, pg_temp
as $$
declare
	st mestat.reporting_state;
begin
	if not exists (select 1 from mestat.reporter where code = p_reporter) then
		raise exception 'unknown reporter "%"', p_reporter using errcode = '22023';
	end if;
	if not exists (select 1 from mestat.period where code = p_period) then
		raise exception 'unknown period "%" (write quarters as 2018Q3, years as 2018)', p_period using errcode = '22023';
	end if;
	perform pg_advisory_xact_lock(1835365237, hashtext(p_reporter));
	insert into mestat.reporting_state (reporter, period) values (p_reporter, p_period) on conflict do nothing;
	select * into st from mestat.reporting_state where reporter = p_reporter and period = p_period for update;
	return st;
end
$$;

comment on function mestat.cycle_row(text, text) is
	'Internal: the state row of p_reporter × p_period (created open), locked for update after the reporter''s ingest '
	'advisory lock.';
