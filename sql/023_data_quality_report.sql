-- 023_data_quality_report.sql: what the progress method and the evaluators
-- read about the quality of the values.
--
--   * mestat.quality_note(reporter, indicator, periods): the words a
--     progress note adds when an assessment rests on a value that is
--     provisional, estimated, forecast... or still under follow-up.
--   * mestat.series_break(reporter, indicator, period): the latest break in
--     series (status B) up to a period; growth is measured from there on,
--     never across it.
--   * report.data_quality: the scorecard per reporter and year
--     (docs/method.md, "Data quality scorecard").

set local role mestat_owner;

------------------------------------------------------------------------------
-- For the progress computation

create function mestat.quality_note(p_reporter text, p_indicator text, p_periods text[])
returns text
language sql
stable
set search_path = mestat, pg_temp
as $$
	with cell as (
		select o.reporter, o.period, o.status, o.id
		  from unnest(p_periods) as pp(period)
		  join mestat.reporter r on p_reporter is null or r.code = p_reporter
		  cross join lateral (
			select o.reporter, o.period, o.status, o.id, o.value
			  from mestat.observation o
			 where o.reporter = r.code and o.indicator = p_indicator and o.period = pp.period
			 order by o.id desc
			 limit 1
		  ) as o
		 where o.value is not null
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

create function mestat.series_break(p_reporter text, p_indicator text, p_period text)
returns text
language sql
stable
set search_path = mestat, pg_temp
as $$
	select max(c.period)
	  from (select distinct on (o.period) o.period, o.status, o.value
	          from mestat.observation o
	         where o.reporter = p_reporter and o.indicator = p_indicator
	         order by o.period, o.id desc) as c
	 where c.status = 'B' and c.value is not null
	   and (length(c.period) = length(p_period)) and c.period <= p_period
$$;
comment on function mestat.series_break(text, text, text) is
	'The latest period up to p_period whose current value of reporter p_reporter and indicator p_indicator is marked as '
	'a break in series (SDMX status B), or NULL. Growth is measured from that period on, never across the break: a '
	'value before it is not comparable with one after it.';

grant execute on function mestat.quality_note(text, text, text[]) to mestat_daemon;
grant execute on function mestat.series_break(text, text, text) to mestat_daemon;

------------------------------------------------------------------------------
-- The scorecard

create view mestat.data_quality as
with rs as (
	select s.reporter, left(s.period, 4)::integer as year, sum(s.expected)::integer as expected,
	       sum(s.received)::integer as received, sum(s.on_time)::integer as on_time, max(s.computed_at) as computed_at
	  from mestat.reporting_status s
	 group by s.reporter, left(s.period, 4)::integer
),
cells as (
	select c.reporter, left(c.period, 4)::integer as year, count(*)::integer as cells,
	       count(*) filter (where c.n_values > 1)::integer as revised,
	       avg(case when c.first_value <> 0 then abs(c.value - c.first_value) / abs(c.first_value) end) as mar
	  from (select distinct on (o.reporter, o.indicator, o.period)
	               o.reporter, o.indicator, o.period, o.value,
	               first_value(o.value) over cell as first_value,
	               count(o.value) over cell as n_values
	          from mestat.observation o
	        window cell as (partition by o.reporter, o.indicator, o.period order by o.id
	                        rows between unbounded preceding and unbounded following)
	         order by o.reporter, o.indicator, o.period, o.id desc) as c
	 where c.value is not null
	 group by c.reporter, left(c.period, 4)::integer
),
flags as (
	select f.reporter, left(f.period, 4)::integer as year,
	       count(*) filter (where f.kind in ('history', 'peers', 'jump'))::integer as flagged,
	       count(*) filter (where f.kind in ('history', 'peers', 'jump') and f.decision = 'confirmed')::integer as confirmed,
	       count(*) filter (where f.kind in ('history', 'peers', 'jump') and f.decision = 'correction_requested')::integer
	           as correction_requested
	  from mestat.follow_up f
	 group by f.reporter, left(f.period, 4)::integer
),
rules as (
	select v.reporter, left(v.period, 4)::integer as year, count(*)::integer as violations
	  from mestat.validation_violation v
	 group by v.reporter, left(v.period, 4)::integer
),
keys as (
	select reporter, year from rs union select reporter, year from cells
	union select reporter, year from flags union select reporter, year from rules
),
m as (
	select k.reporter, k.year, rs.expected, rs.received, rs.on_time, rs.computed_at,
	       round(rs.received::numeric / rs.expected, 4) as completeness,
	       round(rs.on_time::numeric / rs.expected, 4) as timeliness,
	       coalesce(c.cells, 0) as cells, coalesce(c.revised, 0) as revised,
	       round(coalesce(c.mar, 0), 4) as mean_abs_revision,
	       coalesce(f.flagged, 0) as outliers_flagged, coalesce(f.confirmed, 0) as outliers_confirmed,
	       coalesce(f.correction_requested, 0) as corrections_requested,
	       coalesce(v.violations, 0) as rule_violations
	  from keys k
	  left join rs on rs.reporter = k.reporter and rs.year = k.year
	  left join cells c on c.reporter = k.reporter and c.year = k.year
	  left join flags f on f.reporter = k.reporter and f.year = k.year
	  left join rules v on v.reporter = k.reporter and v.year = k.year
)
select m.*,
       -- Accuracy counts in proportion to what was received: silence earns nothing.
       round(100 * (0.40 * coalesce(m.completeness, 0)
                    + 0.30 * coalesce(m.timeliness, 0)
                    + 0.30 * coalesce(m.completeness, 0)
                      * ((1 - least(1, m.mean_abs_revision))
                         + (1 - least(1, (m.outliers_flagged - m.outliers_confirmed)::numeric / greatest(1, m.cells)))
                         + (1 - least(1, m.rule_violations::numeric / greatest(1, m.cells)))) / 3), 1) as score
  from m;
comment on view mestat.data_quality is 'The data quality scorecard; see report.data_quality.';

create view report.data_quality as
select d.reporter, r.name_zh as reporter_name_zh, r.name_en as reporter_name_en, r.kind as reporter_kind, d.year,
       d.expected, d.received, d.on_time, d.completeness, d.timeliness, d.cells, d.revised, d.mean_abs_revision,
       d.outliers_flagged, d.outliers_confirmed, d.corrections_requested, d.rule_violations, d.score,
       rank() over (partition by d.year order by d.score desc) as rank_in_year,
       d.computed_at
  from mestat.data_quality d
  join mestat.reporter r on r.code = d.reporter;
comment on view report.data_quality is
	'Data quality scorecard per reporter and year (a league table: rank_in_year). score = 100 × (0.40 completeness + '
	'0.30 timeliness + 0.30 completeness × accuracy), accuracy the mean of 1 - min(1, mean_abs_revision), '
	'1 - min(1, unconfirmed outliers / cells) and 1 - min(1, rule violations / cells); see docs/method.md, "Data '
	'quality scorecard". Completeness and '
	'timeliness are those of report.completeness and report.timeliness (last progress run), summed over the year''s '
	'periods; a reported-missing value (status M, L...) counts as received.';
comment on column report.data_quality.reporter is 'Reporter code.';
comment on column report.data_quality.reporter_name_zh is 'Reporter name in Chinese.';
comment on column report.data_quality.reporter_name_en is 'Reporter name in English.';
comment on column report.data_quality.reporter_kind is 'province, municipality, ... or ministry.';
comment on column report.data_quality.year is 'Year of the periods (a quarter counts in its year).';
comment on column report.data_quality.expected is 'Cells expected over the year''s ended periods (as of the last progress run).';
comment on column report.data_quality.received is 'Cells received (reported-missing included).';
comment on column report.data_quality.on_time is 'Cells first received by the due date.';
comment on column report.data_quality.completeness is 'received / expected.';
comment on column report.data_quality.timeliness is 'on_time / expected.';
comment on column report.data_quality.cells is 'Cells with a current value.';
comment on column report.data_quality.revised is 'Cells whose value was revised at least once.';
comment on column report.data_quality.mean_abs_revision is
	'Mean over the cells with a current value of |current - first value| / |first value| (0 for a cell never revised).';
comment on column report.data_quality.outliers_flagged is 'Values held for follow-up as unusual (robust score or tenfold change).';
comment on column report.data_quality.outliers_confirmed is 'Of those, confirmed as right by the plan office.';
comment on column report.data_quality.corrections_requested is 'Of those, sent back for correction.';
comment on column report.data_quality.rule_violations is 'Current violations of validation rules.';
comment on column report.data_quality.score is 'The documented score, 0 to 100 (higher is better).';
comment on column report.data_quality.rank_in_year is 'Rank of the reporter by score within the year (1 = best).';
comment on column report.data_quality.computed_at is 'When completeness and timeliness were last computed.';

-- The columns of mestat.data_quality mean what they mean in the report view.
do $$
declare
	c record;
begin
	for c in select a.attname
	           from pg_attribute a
	          where a.attrelid = 'mestat.data_quality'::regclass and a.attnum > 0
	loop
		execute format('comment on column mestat.data_quality.%I is %L', c.attname,
		               (select col_description('report.data_quality'::regclass, b.attnum)
		                  from pg_attribute b
		                 where b.attrelid = 'report.data_quality'::regclass and b.attname = c.attname));
	end loop;
end
$$;

grant select on report.data_quality to mestat_evaluator;
