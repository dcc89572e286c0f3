-- 056: each series' ends kept beside its cells (mestat.cell_series).
--
-- A progress run assesses a reporter's series on a few of its values: the
-- first and the latest after the base year, the base year's, and the one
-- four quarters before the latest (for a quarterly flow, the same of its
-- 4-quarter sums). A full run found them by grouping all the current cells
-- by series: at county scale 5,700,000 cells into 285,000 series, each
-- cell making a [k, value] array for four aggregates. Timed alone in psql
-- on a kept county database, that grouping took 7.0-8.1 s, against
-- 2.5-3.5 s for the same grouping of the periods alone; the lookup of the
-- value four quarters before read every cell again. A series' ends change
-- only when one of its cells is written, so the statement triggers that
-- keep mestat.cell (047) and its sums (055) now keep the ends too
-- (mestat.cell_keep, sql/functions/), and a run reads one row a series.

set local role mestat_owner;

create table mestat.cell_series (
	reporter text not null,
	indicator text not null,
	quarterly boolean not null,
	n integer not null,
	k_first integer,
	v_first numeric,
	k_last integer,
	v_last numeric,
	v_base numeric,
	v_prev numeric,
	n4 integer not null,
	k_first4 integer,
	sum4_first numeric,
	k_last4 integer,
	sum4_last numeric,
	sum4_base numeric,
	sum4_prev numeric,
	primary key (reporter, indicator, quarterly)
) with (fillfactor = 80);
comment on table mestat.cell_series is
	'Each series of mestat.cell: a reporter''s cells of one indicator, its quarters apart from its '
	'years. What a progress run assesses it on, kept by the statement triggers that keep mestat.cell and written by '
	'nothing else. k is the quarters since the end of 2015 (mestat.period.k: a year is its Q4; the base year 2015 is '
	'k 0). Only cells with a value count: a deleted or reported-missing cell has none.';
comment on column mestat.cell_series.reporter is 'Reporter code.';
comment on column mestat.cell_series.indicator is 'Indicator code.';
comment on column mestat.cell_series.quarterly is 'True for the series of quarters, false for the series of years.';
comment on column mestat.cell_series.n is
	'How many of its cells have a value: 0 when every cell is deleted or reported missing (the row goes with the last '
	'cell).';
comment on column mestat.cell_series.k_first is 'k of its first value after the base year.';
comment on column mestat.cell_series.v_first is 'Its first value after the base year.';
comment on column mestat.cell_series.k_last is 'k of its latest value after the base year.';
comment on column mestat.cell_series.v_last is 'Its latest value after the base year.';
comment on column mestat.cell_series.v_base is 'Its value of the base year (k 0: 2015, or 2015Q4).';
comment on column mestat.cell_series.v_prev is 'The value of its cell four quarters before k_last (NULL if none).';
comment on column mestat.cell_series.n4 is 'How many of its quarters have a 4-quarter sum (mestat.cell.sum4).';
comment on column mestat.cell_series.k_first4 is 'k of its first 4-quarter sum after the base year.';
comment on column mestat.cell_series.sum4_first is 'Its first 4-quarter sum after the base year.';
comment on column mestat.cell_series.k_last4 is 'k of its latest 4-quarter sum after the base year.';
comment on column mestat.cell_series.sum4_last is 'Its latest 4-quarter sum after the base year.';
comment on column mestat.cell_series.sum4_base is 'Its 4-quarter sum to 2015Q4.';
comment on column mestat.cell_series.sum4_prev is 'The 4-quarter sum four quarters before k_last4 (NULL if none).';

-- The series stored so far. The triggers keep the same ends from now on.
insert into mestat.cell_series
select e.reporter, e.indicator, e.quarterly, count(e.value)::integer,
       min(e.k) filter (where e.k > 0 and e.value is not null),
       (min(array[e.k::numeric, e.value]) filter (where e.k > 0 and e.value is not null))[2],
       max(e.kl), max(e.value) filter (where e.k = e.kl), max(e.value) filter (where e.k = 0),
       max(e.value) filter (where e.k = e.kl - 4),
       count(e.sum4)::integer,
       min(e.k) filter (where e.k > 0 and e.sum4 is not null),
       (min(array[e.k::numeric, e.sum4]) filter (where e.k > 0 and e.sum4 is not null))[2],
       max(e.kl4), max(e.sum4) filter (where e.k = e.kl4), max(e.sum4) filter (where e.k = 0),
       max(e.sum4) filter (where e.k = e.kl4 - 4)
  from (select x.reporter, x.indicator, length(x.period) = 6 as quarterly, x.k, x.value, x.sum4,
               max(x.k) filter (where x.k > 0 and x.value is not null) over s as kl,
               max(x.k) filter (where x.k > 0 and x.sum4 is not null) over s as kl4
          from mestat.cell x
        window s as (partition by x.reporter, x.indicator, length(x.period) = 6)) as e
 group by e.reporter, e.indicator, e.quarterly;
