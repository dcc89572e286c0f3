-- mestat.expected_indicators: the current definition of this function.
-- First created in 027_reporting_cycle.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.expected_indicators(p_reporter text, p_period text)
returns table (indicator text, name_zh text, name_en text, received boolean)
language sql stable
set search_path = mestat, pg_temp
as $$
	select i.code, i.name_zh, i.name_en,
	       exists (select 1
	                 from mestat.cell c
	                where c.reporter = r.code and c.indicator = i.code and c.period = p.code and not c.deleted)
	  from mestat.reporter r
	  join mestat.period p on p.code = p_period
	  join mestat.indicator i
	    on i.active
	   and (i.scope = 'national_only') = (r.kind = 'ministry')
	   and (case i.periodicity when 'quarterly' then 'quarter' else 'year' end) = p.kind
	 where r.code = p_reporter
	 order by i.code
$$;

comment on function mestat.expected_indicators(text, text) is
	'The indicators reporter p_reporter is expected to send for period p_period (the cells of report.completeness: '
	'every active provincial indicator of the period''s kind, national-only ones for the ministry) and whether each '
	'has a current value; a reported-missing value (status M, L…) counts as received.';
