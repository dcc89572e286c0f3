-- mestat.quality_note: the current definition of this function.
-- First created in 023_data_quality_report.sql; a national figure's cells are read
-- through mestat.period_cells (042).
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.quality_note(p_reporter text, p_indicator text, p_periods text[])
returns text
language sql
stable
set search_path = mestat, pg_temp
as $$
	-- One reporter: its cell of each period, one probe of mestat.cell's key
	-- each. Every reporter (a national figure): each period's cells as one
	-- range of its index cell_period, not one probe per reporter (2,850 per
	-- period at county scale).
	with cell as (
		select o.reporter, o.period, o.status, o.id
		  from unnest(p_periods) as pp(period)
		 cross join lateral (
			select o.reporter, o.period, o.status, o.observation as id, o.value
			  from mestat.cell o
			 where o.reporter = p_reporter and o.indicator = p_indicator and o.period = pp.period
		  ) as o
		 where p_reporter is not null and o.value is not null
		union all
		select o.reporter, pp.period, o.status, o.id
		  from unnest(p_periods) as pp(period)
		 cross join lateral mestat.period_cells(p_indicator, pp.period) as o
		 where p_reporter is null and o.value is not null
	),
	said as (
		select 1 as ord, lower(s.name_en) || ' ' || string_agg(c.period || case when p_reporter is null
		                                                                        then ' ' || c.reporter else '' end,
		                                                       ', ' order by c.period, c.reporter) as words
		  from cell c
		  join mestat.obs_status s on s.code = c.status
		 where c.status not in ('A', 'B')
		 group by s.name_en
		union all
		select 2, 'under follow-up ' || string_agg(distinct c.period || case when p_reporter is null
		                                                                     then ' ' || c.reporter else '' end, ', ')
		  from cell c
		  join mestat.follow_up f on f.observation = c.id and f.decision is null
		having count(*) > 0
	)
	select 'rests on: ' || string_agg(s.words, '; ' order by s.ord, s.words) from said s
$$;

comment on function mestat.quality_note(text, text, text[]) is
	'For a progress note: NULL when the current values of indicator p_indicator for reporter p_reporter (NULL: every '
	'reporter, for a national figure) in periods p_periods are all normal (status A or B) and none is under follow-up; '
	'else the words to add, e.g. "rests on: provisional value 2018Q3; under follow-up 2018Q3".';
