-- mestat.flag_source_gaps: the current definition of this function.
-- First created in 026_national_source_progress.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.flag_source_gaps() returns integer
language plpgsql
set search_path = mestat, pg_temp
as $$
declare
	n integer;
begin
	insert into mestat.follow_up (observation, submission, reporter, indicator, period, value, kind, score, threshold,
	                              compared_period, compared_value, message)
	select c.source_observation, o.submission, c.source_reporter, c.indicator, c.period, c.source_value, 'source_gap',
	       (c.source_value / c.provinces_value)::float8, c.tolerance, c.period, c.provinces_value,
	       format('%s (%s) gives %s %s for %s %s, the %s province-level reporters add up to %s: ratio %s, outside the '
	              'tolerance of ±%s %%; check the figures with the source and the provinces',
	              c.source_name_en, c.source_name_zh, trim_scale(c.source_value), c.unit, c.indicator, c.period,
	              c.reporters_reported, trim_scale(c.provinces_value), c.ratio, trim_scale(c.tolerance * 100))
	  from report.source_consistency c
	  join mestat.observation o on o.id = c.source_observation
	 where c.within_tolerance = false
	   and not exists (select 1 from mestat.follow_up f
	                    where f.observation = c.source_observation and f.kind = 'source_gap'
	                      and (f.decision is null or f.compared_value = c.provinces_value));
	get diagnostics n = row_count;
	return n;
end
$$;

comment on function mestat.flag_source_gaps() is
	'Open a follow-up item (mestat.follow_up, kind source_gap) on each national source''s value that is outside its '
	'tolerance of the provinces'' sum (report.source_consistency.within_tolerance false), unless one is open on that '
	'value already or was decided for the same sum. Run by mestat.recompute_progress(). Returns how many were opened.';
