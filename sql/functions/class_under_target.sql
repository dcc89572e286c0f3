-- mestat.class_under_target: the current definition of this function.
-- First created in 019_release.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.class_under_target(p_target bigint, p_actual numeric, p_period text) returns text
language sql stable
set search_path = mestat, pg_temp
as $$
	select case when p_actual is null or p_period is null then 'insufficient_data'
	            when t.kind = 'direction' then null
	            when a.kl < 4 then 'insufficient_data'
	            when case when t.kind = 'range' then p_actual between t.target_value and t.target_upper
	                      when t.kind = 'at_least' then p_actual >= t.target_value
	                      else (p_actual - t.target_value) * a.sgn >= 0 end then 'achieved'
	            else (select c.class from mestat.class_threshold c
	                   where c.method = 'ratio'
	                     and (c.lower_bound is null
	                          or c.lower_bound <= coalesce(case when e.e <> t.baseline_value
	                                                            then (p_actual - t.baseline_value) / (e.e - t.baseline_value) end,
	                                                       case when (p_actual - t.baseline_value) * a.sgn >= 0 then 1 else -1 end))
	                   order by c.lower_bound desc nulls last limit 1) end
	  from mestat.target t
	  join mestat.indicator i on i.code = t.indicator
	  cross join lateral (
		select mestat.period_k(p_period) - 4 * (t.baseline_year - 2015) as kl,
		       case when t.kind = 'range' and t.baseline_value >= t.target_upper then t.target_upper
		            else t.target_value end as aim,
		       case when t.kind = 'range' and t.baseline_value >= t.target_upper then -1
		            when t.target_value > t.baseline_value then 1
		            when t.target_value < t.baseline_value then -1
		            when i.direction = 'increase' then 1 else -1 end as sgn) as a
	  cross join lateral (
		select case when t.path = 'geometric' then
		            (t.baseline_value::float8 * power(a.aim::float8 / t.baseline_value::float8,
		             least(a.kl::float8 / (4 * (t.target_year - t.baseline_year)), 1)))::numeric
		       else t.baseline_value + (a.aim - t.baseline_value)
		            * least(a.kl::numeric / (4 * (t.target_year - t.baseline_year)), 1) end as e) as e
	 where t.id = p_target
$$;

comment on function mestat.class_under_target(bigint, numeric, text) is
	'The class the value P_ACTUAL at period P_PERIOD would have against target version P_TARGET, by the ratio method '
	'of docs/method.md (expected path, thresholds of mestat.class_threshold). NULL for a direction target. Used to show '
	'a revised target''s assessment beside the original''s.';
