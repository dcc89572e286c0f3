-- mestat.series_break: the current definition of this function.
-- First created in 023_data_quality_report.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.series_break(p_reporter text, p_indicator text, p_period text)
returns text
language sql
stable
set search_path = mestat, pg_temp
as $$
	select max(c.period)
	  from mestat.cell c
	 where c.reporter = p_reporter and c.indicator = p_indicator
	   and c.status = 'B' and c.value is not null
	   and (length(c.period) = length(p_period)) and c.period <= p_period
$$;

comment on function mestat.series_break(text, text, text) is
	'The latest period up to p_period whose current value of reporter p_reporter and indicator p_indicator is marked as '
	'a break in series (SDMX status B), or NULL. Growth is measured from that period on, never across the break: a '
	'value before it is not comparable with one after it.';
