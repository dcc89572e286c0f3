-- mestat.series_keep: the current definition of this function.
-- First created in 062_series_ends_by_progress.sql (the end of
-- mestat.cell_keep() until then).
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.series_keep(p_reporters text[], p_indicators text[]) returns integer
language plpgsql
set search_path = mestat, pg_temp
set jit = off
set work_mem = '256MB'
as $$
declare
	cells text;
	gone text;
	n integer;
begin
	-- The cells of the series, each quarter with its 4-quarter sum (sum4):
	-- its value and the three quarters' before it, when the four are
	-- consecutive and each has a value (a deleted or reported-missing cell
	-- has none); the quarters of a series apart from its years.
	if p_reporters is null then
		-- Every series: one pass over all the cells in the key's order
		-- (9.1 s at county scale, 5,700,000 cells; a series at a time
		-- took 22-29 s). A series that lost its last cell is in none.
		cells := $c$
			select y.reporter, y.indicator, y.k, length(y.period) = 6 as quarterly, y.value,
			       case when length(y.period) = 6 and lag(y.k, 3) over w = y.k - 3 and count(y.value) over w = 4
			            then sum(y.value) over w end as sum4
			  from mestat.cell y
			window w as (partition by y.reporter, y.indicator, length(y.period) = 6 order by y.period
			             rows between 3 preceding and current row)$c$;
		gone := 'true';
	else
		-- The series given (reporter and indicator, pairwise), each read
		-- apart by the prefix of mestat.cell's key and in its order.
		cells := $c$
			select x.*
			  from (select distinct u.reporter, u.indicator from unnest($1, $2) as u(reporter, indicator)) as ser
			 cross join lateral (
				select y.reporter, y.indicator, y.k, length(y.period) = 6 as quarterly, y.value,
				       case when length(y.period) = 6 and lag(y.k, 3) over w = y.k - 3 and count(y.value) over w = 4
				            then sum(y.value) over w end as sum4
				  from mestat.cell y
				 where y.reporter = ser.reporter and y.indicator = ser.indicator
				window w as (partition by length(y.period) = 6 order by y.period rows between 3 preceding and current row)
			       ) as x$c$;
		gone := '(cs.reporter, cs.indicator) in (select u.reporter, u.indicator from unnest($1, $2) as u(reporter, indicator))';
	end if;

	-- Then each series' ends, from its values and sums: the first and the
	-- latest value after the base year (k 0), the base year's, the one four
	-- quarters before the latest, and the same of the sums. A series left
	-- without a value keeps its row with none (n 0); without a cell, it
	-- loses it. (One statement for both sources, planned for the arrays
	-- given: with a condition "all, or these" in it, a plan made without
	-- their values expected every series, and the removal read every row of
	-- mestat.cell_series for the five of a small push, 0.43 s at county
	-- scale.)
	execute format($q$
		with s as (
			select x.reporter, x.indicator, x.k, x.quarterly, x.value, x.sum4,
			       max(x.k) filter (where x.k > 0 and x.value is not null) over e as kl,
			       max(x.k) filter (where x.k > 0 and x.sum4 is not null) over e as kl4
			  from (%s) as x
			window e as (partition by x.reporter, x.indicator, x.quarterly)
		),
		ends as (
			select s.reporter, s.indicator, s.quarterly, count(s.value)::integer as n,
			       min(s.k) filter (where s.k > 0 and s.value is not null) as k_first,
			       (min(array[s.k::numeric, s.value]) filter (where s.k > 0 and s.value is not null))[2] as v_first,
			       max(s.kl) as k_last, max(s.value) filter (where s.k = s.kl) as v_last,
			       max(s.value) filter (where s.k = 0) as v_base, max(s.value) filter (where s.k = s.kl - 4) as v_prev,
			       count(s.sum4)::integer as n4,
			       min(s.k) filter (where s.k > 0 and s.sum4 is not null) as k_first4,
			       (min(array[s.k::numeric, s.sum4]) filter (where s.k > 0 and s.sum4 is not null))[2] as sum4_first,
			       max(s.kl4) as k_last4, max(s.sum4) filter (where s.k = s.kl4) as sum4_last,
			       max(s.sum4) filter (where s.k = 0) as sum4_base, max(s.sum4) filter (where s.k = s.kl4 - 4) as sum4_prev
			  from s
			 group by s.reporter, s.indicator, s.quarterly
		),
		kept as (
			insert into mestat.cell_series as cs (reporter, indicator, quarterly, n, k_first, v_first, k_last, v_last,
			                                      v_base, v_prev, n4, k_first4, sum4_first, k_last4, sum4_last,
			                                      sum4_base, sum4_prev)
			select * from ends
			    on conflict (reporter, indicator, quarterly) do update
			   set n = excluded.n, k_first = excluded.k_first, v_first = excluded.v_first, k_last = excluded.k_last,
			       v_last = excluded.v_last, v_base = excluded.v_base, v_prev = excluded.v_prev, n4 = excluded.n4,
			       k_first4 = excluded.k_first4, sum4_first = excluded.sum4_first, k_last4 = excluded.k_last4,
			       sum4_last = excluded.sum4_last, sum4_base = excluded.sum4_base, sum4_prev = excluded.sum4_prev
			 where (cs.*) is distinct from (excluded.*)
			returning 1
		),
		gone as (
			-- (Disjoint from what is kept: a series, quarters or years,
			-- with no cell has no ends.)
			delete from mestat.cell_series cs
			 where %s
			   and not exists (select 1 from ends e
			                    where e.reporter = cs.reporter and e.indicator = cs.indicator
			                      and e.quarterly = cs.quarterly)
			returning 1
		)
		select (select count(*) from kept) + (select count(*) from gone)$q$, cells, gone)
	   into n
	  using p_reporters, p_indicators;
	return n;
end
$$;

comment on function mestat.series_keep(text[], text[]) is
	'The start of each progress run (mestat.progress_assess): computes again the ends of the series given (reporter '
	'and indicator, pairwise; all series when NULL) from mestat.cell, with their 4-quarter sums, and stores in '
	'mestat.cell_series those that changed; a series left without a cell loses its rows. Returns how many rows it '
	'wrote or removed.';
