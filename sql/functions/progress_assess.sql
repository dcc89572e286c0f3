-- mestat.progress_assess: the current definition of this function.
-- First created in 032_incremental_progress.sql (the body of
-- mestat.recompute_progress() until then).
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.progress_assess(snap bigint, p_partial boolean) returns integer
language plpgsql
set search_path = mestat, pg_temp
set work_mem = '256MB'
set client_min_messages = warning
-- The assessment's estimated cost is far above what it does (a few thousand
-- rows, a few lookups each): compiling it with JIT took minutes.
set jit = off
-- No merge joins: a merge join sorts both sides by text keys (indicator,
-- reporter), compared through the collation: 0.5-0.6 s a side of 285,000
-- rows at county scale. The planner chose three such sorts, for the
-- assessments with their series' ends and for the ends with the value four
-- quarters before (whose series it estimated at four times their number).
-- And no Memoize: it was chosen for one lookup a row (the series' latest
-- break) whose key never repeats, 285,100 misses and 37 MB kept. Without
-- either, four full runs at county scale took 35.9-38.7 s against
-- 37.3-39.2 s alternating with them (the ends 6.7-7.2 s against 7.1-7.5 s,
-- the assessments' insert 7.0-7.9 s against 8.0-9.2 s).
set enable_mergejoin = off
set enable_memoize = off
as $$
declare
	today date := (now() at time zone 'Asia/Shanghai')::date;
	band numeric := coalesce((select s.value::numeric from mestat.setting s where s.name = 'trend_stable_band'), 0.01);
	n_details integer;
	n_agg integer;
	last_quarter text;
	due_q timestamptz[];
	due_y timestamptz[];
	code_q text[];
	code_y text[];
	per record;
	ministry_codes text[];
	inactive_codes text[];
	chain_base bigint;
	chain_rows bigint;
	n_write integer;
	cols text;
	p_cols text;
	part_basis text;
	parts_all boolean := false;
	got_basis text;
	got_all boolean := false;
	status_changes boolean := false;
	status_kept boolean := false;
	-- Whether pr_brk holds a break.
	any_break boolean;
	-- The reports to count from the cells (pr_rpc): how many, of how many
	-- reporters and periods.
	rpc_pairs bigint;
	rpc_reporters bigint;
	rpc_periods bigint;
begin
	-- Partial (an incremental run): the caller has filled pg_temp.pr_need_ind
	-- (the indicators whose national figures are read), pr_only_ind (national
	-- rows to assess), pr_only_pair (indicator, reporter rows to assess),
	-- pr_only_rp (reporter, period reports whose completeness is replaced) and
	-- pr_only_np (the cells (indicator, period, reporter) that changed, whose
	-- parts of the national sums are rewritten in
	-- mestat.progress_national_part and mestat.progress_national_point).
	-- Not partial: every assessment and every report; pr_only_np holds the
	-- cells queued since the last run (the parts, below), the others are
	-- empty.
	drop table if exists pg_temp.pr_row, pg_temp.pr_diff, pg_temp.pr_val, pg_temp.pr_agg_reporter, pg_temp.pr_nat,
		pg_temp.pr_kperiod, pg_temp.pr_target, pg_temp.pr_scope, pg_temp.pr_ends, pg_temp.pr_missing, pg_temp.pr_got,
		pg_temp.pr_flag,
		pg_temp.pr_brk, pg_temp.pr_src, pg_temp.pr_valn, pg_temp.pr_stat, pg_temp.pr_np_touch, pg_temp.pr_exp,
		pg_temp.pr_rpart, pg_temp.pr_brkv, pg_temp.pr_part, pg_temp.pr_npt, pg_temp.pr_np, pg_temp.pr_npsame,
		pg_temp.pr_rpc, pg_temp.pr_gotc, pg_temp.pr_gotn, pg_temp.pr_status, pg_temp.pr_ssame;

	-- 0. The series' ends (mestat.cell_series: the values and 4-quarter
	--    sums each reporter's series is assessed on, step 3) of every series
	--    holding a cell queued since the last run (pr_only_np), from the
	--    cells as this run reads them (062: the writes no longer keep them).
	--    With no 'series ends' row in mestat.progress_kept_basis (a
	--    truncation, a queue too long to list, a row deleted by hand), every
	--    series' ends, and the row is stored.
	if exists (select 1 from mestat.progress_kept_basis b where b.kept = 'series ends') then
		perform mestat.series_keep(q.r, q.i)
		   from (select array_agg(c.reporter) as r, array_agg(c.indicator) as i
		           from (select distinct c.reporter, c.indicator from pg_temp.pr_only_np c) as c) as q
		  where q.r is not null;
	else
		perform mestat.series_keep(null, null);
		insert into mestat.progress_kept_basis (kept, basis) values ('series ends', 'the cells');
	end if;

	-- 1. The values: the current version of each cell (mestat.cell, 047),
	--    when it first had a value, and k = quarters since the end of 2015
	--    (a year is its Q4; 050). A reported-missing cell (status M, L...:
	--    no value, not deleted) is kept, as received, but is no value: v is
	--    NULL and no 4-quarter sum includes it. Its status (st) and version
	--    (oid) say what a value rests on.
	--    They are read through pr_cell, a view of mestat.cell.
	--    A full run reads them where they are, pr_val being that view.
	--    Copying every cell into a temporary table took 3.0 s at county
	--    scale; the two passes over every value (the national sums' parts,
	--    the reports received) now read mestat.cell itself, and the passes
	--    that want a few cells (breaks, holds, the reporters a period lacks,
	--    reports received in part) find them by its keys. A full run there
	--    took 13.4-13.6 s instead of 16.5-17.2 s (alternating). An
	--    incremental run copies the few it reads. The views are dropped at
	--    the end of the run (their creation undone if the run fails), so the
	--    next run of the session finds none.
	create temp view pr_cell as
	select o.reporter, o.indicator, o.period, o.k, o.value as v, o.first_value_at as first_at, o.status as st,
	       o.observation as oid
	  from mestat.cell o
	 where not o.deleted;
	if not p_partial then
		create temp view pr_val as select * from pg_temp.pr_cell;
	else
		-- The series it assesses, those of the ministry and the national
		-- sources for the national rows (the provinces' sums come from
		-- mestat.progress_national_point), and the reports (reporter,
		-- period) whose completeness it recomputes, as index conditions on
		-- mestat.cell's key (reporter, indicator, period): a filter on the
		-- temp tables could not be estimated and read every row. Extra rows
		-- (the cross product of a few reporters and indicators or periods)
		-- assess nothing.
		create temp table pr_val on commit drop as
		select o.*
		  from pg_temp.pr_cell o
		 where (o.reporter = any (array(select r.code from mestat.reporter r
		                                 where r.kind = 'ministry'
		                                    or r.code in (select i.national_source from mestat.indicator i
		                                                   where i.national_source is not null)))
		        and o.indicator = any (array(select n.indicator from pg_temp.pr_need_ind n)))
		    or (o.reporter = any (array(select p.reporter from pg_temp.pr_only_pair p))
		        and o.indicator = any (array(select p.indicator from pg_temp.pr_only_pair p)))
		    or (o.reporter = any (array(select rp.reporter from pg_temp.pr_only_rp rp))
		        and o.period = any (array(select rp.period from pg_temp.pr_only_rp rp)));
		analyze pg_temp.pr_val;
	end if;

	-- The values the national figures read besides the province-level sums
	-- (the ministry's and a national source's): few, read by the key's
	-- first column (a full run found them in all of pr_val: 0.9 s at county
	-- scale), so that each national branch below does not scan every
	-- value. An incremental run reads those of the indicators whose
	-- national rows it assesses or reads, as pr_val does.
	create temp table pr_valn on commit drop as
	select o.*
	  from pg_temp.pr_cell o
	 where o.reporter = any (array(select r.code from mestat.reporter r
	                                where r.kind = 'ministry'
	                                   or r.code in (select i.national_source from mestat.indicator i
	                                                  where i.national_source is not null)))
	   and (not p_partial or o.indicator = any (array(select n.indicator from pg_temp.pr_need_ind n)))
	   and o.v is not null;
	analyze pg_temp.pr_valn;

	-- Province-level reporters: what national sums add
	-- (mestat.added_nationally).
	create temp table pr_agg_reporter on commit drop as
	select r.code from mestat.reporter r
	 where mestat.added_nationally(r.active, r.parent, r.kind);
	-- (Without statistics, joining it with every value sorted them all.)
	analyze pg_temp.pr_agg_reporter;
	-- How many there are, counted once: as a subquery joined with the
	-- national points, it was counted again for each point when the
	-- planner put it on the inner side of a nested loop (2,000 times, 0.7 s
	-- of an incremental run at county scale).
	n_agg := (select count(*) from pg_temp.pr_agg_reporter);

	-- Period codes by k and kind; and by k (quarters since the end of 2015;
	-- a year's is its Q4's) in arrays, one for the quarters and one for the
	-- years: the codes (subscripts from the least k, -3 for 2015Q1) and the
	-- deadlines, from 2016 (k 1).
	create temp table pr_kperiod on commit drop as
	select p.k, p.kind, p.code from mestat.period p;
	analyze pg_temp.pr_kperiod;
	for per in select p.k, p.kind, p.code, p.year,
	                  (p.due_date + 1)::timestamp at time zone 'Asia/Shanghai' as due_at
	             from mestat.period p order by p.k loop
		if per.kind = 'quarter' then
			code_q[per.k] := per.code;
			if per.year >= 2016 then
				due_q[per.k] := per.due_at;
			end if;
		elsif per.kind = 'year' then
			code_y[per.k] := per.code;
			if per.year >= 2016 then
				due_y[per.k] := per.due_at;
			end if;
		end if;
	end loop;

	-- What the national figures add up from every reporter, per (indicator,
	-- period), kept in mestat.progress_national_point (041) as the sums of
	-- its parts, each over one range of reporters (048,
	-- mestat.progress_national_part): a run adds up again only the ranges
	-- that hold a changed cell, not the cell of every reporter. It rewrites
	-- the parts holding a cell queued since the last run (pr_only_np) and
	-- the same parts of the rates built from it: a cell not queued has not
	-- changed since the parts were added up (060 queues every write of a
	-- value or a follow-up, corrections and removals included).
	--
	-- The parts rest on the cells and on what the basis below names: the
	-- reporters (their codes cut the ranges; whether each is added up) and
	-- the rates' parts (numerator, denominator). A full run cuts the ranges
	-- anew, adds up every part from every cell and stores those that
	-- changed (parts_all) only when that basis is not the one the stored
	-- parts were added up on (mestat.progress_kept_basis, emptied by a
	-- truncation of the values or the follow-ups, by mestat.recompute_progress
	-- when more cells are queued than their parts are quicker to add up one
	-- by one, or by hand to have them added up again) or when a queued
	-- cell's reporter is in no range. Otherwise it brings the parts up to
	-- date as an incremental run does: at county scale the pass over every
	-- cell took 3.6 s of a 13.7 s full run.
	if not p_partial then
		part_basis := (
			select md5(string_agg(b.line, E'\n' order by b.line collate "C"))
			  from (select 'national parts 1' as line
			        union all
			        select format('reporter %s %s', r.code, mestat.added_nationally(r.active, r.parent, r.kind))
			          from mestat.reporter r
			        union all
			        select format('rate %s %s %s', i.code, i.numerator, i.denominator)
			          from mestat.indicator i
			         where i.numerator is not null and i.scope = 'provincial') as b);
		parts_all := part_basis is distinct from (select b.basis from mestat.progress_kept_basis b
		                                           where b.kept = 'national parts')
		          or exists (select 1 from pg_temp.pr_only_np c
		                      where not exists (select 1 from mestat.progress_reporter_range g
		                                         where c.reporter between g.lo and g.hi));
	end if;
	if parts_all then
		-- About the square root of the reporters in each range, the size at
		-- which a changed cell's range and the ranges a pair adds up cost
		-- alike.
		delete from mestat.progress_reporter_range;
		insert into mestat.progress_reporter_range (part, lo, hi)
		select r.part, min(r.code), max(r.code)
		  from (select r.code,
		               ((row_number() over (order by r.code) - 1)
		                / ceil(sqrt(count(*) over ()))::integer)::integer as part
		          from mestat.reporter r) as r
		 group by r.part;
	end if;
	-- The range of each reporter with a queued cell (pr_only_np), which are
	-- all a run that keeps the parts looks up. One that adds up every part
	-- reads the ranges in that pass (below), so this is empty then.
	create temp table pr_rpart on commit drop as
	select r.code as reporter, g.part, g.lo, g.hi
	  from mestat.reporter r
	  join mestat.progress_reporter_range g on r.code between g.lo and g.hi
	 where r.code in (select c.reporter from pg_temp.pr_only_np c) and not parts_all;
	analyze pg_temp.pr_rpart;

	-- The (indicator, period, range) parts to add up again. Adding up every
	-- part, the points come from every cell: only the rates read the ranges.
	create temp table pr_np_touch on commit drop as
	select t.indicator, t.period, rp.part, rp.lo, rp.hi
	  from (select c.indicator, c.period, c.reporter from pg_temp.pr_only_np c
	        union
	        select i.code, c.period, c.reporter
	          from pg_temp.pr_only_np c
	          join mestat.indicator i on c.indicator in (i.numerator, i.denominator)) as t
	  join pg_temp.pr_rpart rp on rp.reporter = t.reporter
	union
	select i.code, p.code, g.part, g.lo, g.hi
	  from mestat.indicator i
	 cross join mestat.period p
	 cross join mestat.progress_reporter_range g
	 where parts_all and i.numerator is not null and i.scope = 'provincial';
	analyze pg_temp.pr_np_touch;

	-- The points' parts (pr_npt). Every part is added up from every value
	-- in a statement of its own: PostgreSQL reads a table with
	-- parallel workers only in a query that writes nothing (CREATE TABLE AS
	-- is one, INSERT ... SELECT is not) and reads no temporary table, so
	-- each reporter's range and whether national sums add it up
	-- (mestat.added_nationally, as in pr_agg_reporter) come from
	-- mestat.reporter and mestat.progress_reporter_range here, not from
	-- pr_rpart. At county scale 3.0 s instead of 4.9-5.0 s alone in psql
	-- (two workers and the backend; the reports received below are read so
	-- too). Probing cell_period for each pair read the cells one heap page
	-- each, as they lie in the order they were received. A run that keeps
	-- the parts adds up only the touched ones, one index range each
	-- (mestat.period_cells, read from observation_period_cell alone).
	if parts_all then
		create temp table pr_npt on commit drop as
		select v.indicator, v.period, rp.part,
		       count(v.v) filter (where rp.added)::integer as agg_n,
		       sum(v.v) filter (where rp.added) as agg_sum,
		       count(v.v) filter (where v.st = 'B')::integer as n_break,
		       count(v.v) filter (where v.st not in ('A', 'B') or f.observation is not null)::integer as n_flag
		  from pg_temp.pr_val v
		  join (select r.code, g.part, mestat.added_nationally(r.active, r.parent, r.kind) as added
		          from mestat.reporter r
		          join mestat.progress_reporter_range g on r.code between g.lo and g.hi) as rp on rp.code = v.reporter
		  left join (select distinct f.observation from mestat.follow_up f where f.decision is null) as f
		         on f.observation = v.oid
		 group by v.indicator, v.period, rp.part;
	else
		create temp table pr_npt on commit drop as
		select o.indicator, o.period, o.part,
		       count(o.value) filter (where o.added)::integer as agg_n,
		       sum(o.value) filter (where o.added) as agg_sum,
		       count(o.value) filter (where o.status = 'B')::integer as n_break,
		       count(o.value) filter (where o.status not in ('A', 'B') or o.held)::integer as n_flag
		  from (-- OFFSET 0 asks whether a cell's reporter is added up once
		        -- per cell, where the planner would ask it again in each
		        -- aggregate's filter.
		        select t.indicator, t.period, t.part, c.value, c.status,
		               c.reporter in (select ar.code from pg_temp.pr_agg_reporter ar) as added,
		               c.id in (select f.observation from mestat.follow_up f where f.decision is null) as held
		          from pg_temp.pr_np_touch t
		         cross join lateral mestat.period_cells(t.indicator, t.period, t.lo, t.hi) as c
		        offset 0) as o
		 group by o.indicator, o.period, o.part;
	end if;

	-- The parts, computed into pr_np. A run that keeps the parts deletes the
	-- touched ones and stores them again. Adding up every part, it stores
	-- only those that changed, deleting those that differ or are no more
	-- (compared to the byte, as the assessments are below): rewriting all
	-- 108,000 at county scale took 0.8 s every run, for the few a run
	-- changes. (Each way's statements apart, not one with "parts_all or": a
	-- subquery under an OR is never made a join, so the touched parts were
	-- found by reading every part.)
	if not parts_all then
		delete from mestat.progress_national_part np
		 using pg_temp.pr_np_touch t
		 where np.indicator = t.indicator and np.period = t.period and np.part = t.part;
	end if;
	create temp table pr_np on commit drop as
	with rate as (
		-- A rate's parts, over the province-level reporters of the range
		-- that sent both.
		select t.indicator, t.period, t.part, r.rate_n, r.rate_num, r.rate_den
		  from pg_temp.pr_np_touch t
		  join mestat.indicator i on i.code = t.indicator and i.numerator is not null and i.scope = 'provincial'
		 cross join lateral (
			select count(*)::integer as rate_n, sum(nu.value) as rate_num, sum(de.value) as rate_den
			  from mestat.period_cells(i.numerator, t.period, t.lo, t.hi) as nu
			  join mestat.period_cells(i.denominator, t.period, t.lo, t.hi) as de on de.reporter = nu.reporter
			  join pg_temp.pr_agg_reporter ar on ar.code = nu.reporter
			 where nu.value is not null and de.value is not null
		       ) as r
		 where r.rate_n > 0
	)
	select coalesce(p.indicator, r.indicator) as indicator, coalesce(p.period, r.period) as period,
	       coalesce(p.part, r.part) as part, coalesce(p.agg_n, 0) as agg_n, p.agg_sum, coalesce(r.rate_n, 0) as rate_n,
	       r.rate_num, r.rate_den, coalesce(p.n_break, 0) as n_break, coalesce(p.n_flag, 0) as n_flag
	  from pg_temp.pr_npt p
	  full join rate r on r.indicator = p.indicator and r.period = p.period and r.part = p.part;
	-- Adding up every part, a run first lists the parts stored as they are
	-- (pr_npsame), so that neither the delete nor the insert reads the
	-- table it writes: an insert of the parts not yet stored, planned while
	-- the table was empty (a first run), scanned it again for each part it
	-- wrote, the rows it had written included: 127 s at county scale.
	if not parts_all then
		insert into mestat.progress_national_part (indicator, period, part, agg_n, agg_sum, rate_n, rate_num, rate_den,
		                                           n_break, n_flag)
		select n.* from pg_temp.pr_np n;
	else
		create temp table pr_npsame on commit drop as
		select n.indicator, n.period, n.part
		  from pg_temp.pr_np n
		  join mestat.progress_national_part p on p.indicator = n.indicator and p.period = n.period and p.part = n.part
		 where row(n.agg_n, n.agg_sum, n.rate_n, n.rate_num, n.rate_den, n.n_break, n.n_flag)::record
		       *= row(p.agg_n, p.agg_sum, p.rate_n, p.rate_num, p.rate_den, p.n_break, p.n_flag)::record;
		analyze pg_temp.pr_npsame;
		delete from mestat.progress_national_part p
		 where not exists (select 1 from pg_temp.pr_npsame s
		                    where s.indicator = p.indicator and s.period = p.period and s.part = p.part);
		insert into mestat.progress_national_part (indicator, period, part, agg_n, agg_sum, rate_n, rate_num, rate_den,
		                                           n_break, n_flag)
		select n.*
		  from pg_temp.pr_np n
		 where not exists (select 1 from pg_temp.pr_npsame s
		                    where s.indicator = n.indicator and s.period = n.period and s.part = n.part);
		delete from mestat.progress_kept_basis where kept = 'national parts';
		insert into mestat.progress_kept_basis (kept, basis) values ('national parts', part_basis);
	end if;

	-- Each touched pair's parts added up: sums and counts of parts are
	-- those of the whole (numeric addition is exact), and the mean is the
	-- sum divided by the count, the division avg() makes.
	delete from mestat.progress_national_point np
	 where parts_all or (np.indicator, np.period) in (select t.indicator, t.period from pg_temp.pr_np_touch t);
	insert into mestat.progress_national_point (indicator, period, k, agg_n, agg_sum, agg_avg, rate_n, rate_num, rate_den,
	                                            n_break, n_flag)
	select x.indicator, x.period, kp.k, sum(x.agg_n), sum(x.agg_sum), sum(x.agg_sum) / nullif(sum(x.agg_n), 0),
	       sum(x.rate_n), sum(x.rate_num), sum(x.rate_den), sum(x.n_break), sum(x.n_flag)
	  from (select p.* from mestat.progress_national_part p where parts_all
	        union all
	        -- Keeping the parts: each touched pair's parts, one index range
	        -- of the key each (as the delete above, not under an OR). (A
	        -- join was planned as one scan of every part and a hash.)
	        select p.*
	          from (select distinct t.indicator, t.period from pg_temp.pr_np_touch t) as t
	         cross join lateral (select p.* from mestat.progress_national_part p
	                              where p.indicator = t.indicator and p.period = t.period offset 0) as p
	         where not parts_all) as x
	  join pg_temp.pr_kperiod kp on kp.code = x.period
	 group by x.indicator, x.period, kp.k;

	-- Which national figure each indicator is assessed on (rule
	-- indicator.national_source): its source's own series once the source has
	-- sent any value of it at the indicator's periodicity, else the
	-- province-level reporters added up; national-only indicators are the
	-- ministry's.
	-- (Which sources have sent a value: one join of the values with the few
	-- indicators that name a source, not a lookup per indicator, which the
	-- planner turned into a hash of every value.)
	create temp table pr_src on commit drop as
	with sent as (
		select distinct i.code
		  from mestat.indicator i
		  join pg_temp.pr_valn v on v.indicator = i.code and v.reporter = i.national_source
		 where v.v is not null and (i.periodicity = 'quarterly') = (length(v.period) = 6)
	)
	select i.code as indicator, i.national_source as rule_reporter, sr.name_zh as rule_name_zh,
	       sr.name_en as rule_name_en,
	       case when i.scope = 'national_only' then 'ministry'
	            when i.national_source is not null and st.code is not null then sr.kind
	            when i.aggregation in ('sum', 'mean') or i.numerator is not null then 'provinces'
	       end as source,
	       case when i.scope = 'national_only' then
	                 (select m.code from mestat.reporter m where m.kind = 'ministry' order by m.code limit 1)
	            when i.national_source is not null and st.code is not null then i.national_source
	       end as source_reporter
	  from mestat.indicator i
	  left join mestat.reporter sr on sr.code = i.national_source
	  left join sent st on st.code = i.code;

	-- 2. National values per period: national-only indicators as the ministry
	--    reports them; a column's coverage (its listed items with a launched
	--    project); sums and means of the province-level reporters, partial
	--    where some have not reported; rates recomputed from their parts. Then,
	--    for quarterly flows, the sum of the last 4 quarters, partial if any
	--    of them is.
	create temp table pr_nat on commit drop as
	with nat_point as (
		select v.indicator, v.period, v.k, v.v, false as partial, null::integer as n_rep, null::integer as n_exp,
		       null::numeric as projects
		  from pg_temp.pr_valn v
		  join mestat.indicator i on i.code = v.indicator
		  join mestat.reporter r on r.code = v.reporter
		 where i.scope = 'national_only' and r.kind = 'ministry' and v.v is not null
		   and (i.periodicity = 'quarterly') = (length(v.period) = 6)
		   and not exists (select 1 from mestat.column_item ci where ci.column_indicator = v.indicator)
		union all
		select ci.column_indicator, v.period, v.k, count(*) filter (where v.v >= 1), false, null, null, sum(v.v)
		  from pg_temp.pr_valn v
		  join mestat.column_item ci on ci.indicator = v.indicator
		  join mestat.reporter r on r.code = v.reporter
		 where r.kind = 'ministry' and length(v.period) = 4 and v.v is not null
		 group by ci.column_indicator, v.period, v.k
		union all
		-- A provincial indicator whose national source has sent its figures.
		select v.indicator, v.period, v.k, v.v, false, null, null, null
		  from pg_temp.pr_valn v
		  join pg_temp.pr_src s on s.indicator = v.indicator and s.source_reporter = v.reporter
		  join mestat.indicator i on i.code = v.indicator
		 where i.scope = 'provincial' and s.source in ('department', 'ministry') and v.v is not null
		   and (i.periodicity = 'quarterly') = (length(v.period) = 6)
		union all
		select x.indicator, x.period, x.k,
		       case i.aggregation when 'sum' then x.agg_sum else x.agg_avg end,
		       x.agg_n < n_agg, x.agg_n, n_agg, null
		  from mestat.progress_national_point x
		  join mestat.indicator i on i.code = x.indicator
		  join pg_temp.pr_src src on src.indicator = x.indicator and src.source = 'provinces'
		 where i.scope = 'provincial' and i.aggregation in ('sum', 'mean') and i.numerator is null
		   and (i.periodicity = 'quarterly') = (length(x.period) = 6)
		   and x.agg_n > 0
		   and (not p_partial or x.indicator in (select n.indicator from pg_temp.pr_need_ind n))
		union all
		select i.code, x.period, x.k,
		       x.rate_num / nullif(x.rate_den, 0) * case when i.value_type = 'percent' then 100 else 1 end,
		       x.rate_n < n_agg, x.rate_n, n_agg, null
		  from mestat.progress_national_point x
		  join mestat.indicator i on i.code = x.indicator
		 where i.numerator is not null and i.scope = 'provincial' and x.rate_n > 0 and x.rate_den <> 0
		   and (not p_partial or x.indicator in (select n.indicator from pg_temp.pr_need_ind n))
	)
	select s.indicator, s.period, s.k, s.a, s.partial, s.n_rep, s.n_exp, s.projects
	  from (select np.indicator, np.period, np.k, np.n_rep, np.n_exp, np.projects,
	               case when i.measure = 'flow' and i.periodicity = 'quarterly' then
	                    case when count(*) over w = 4 then sum(np.v) over w end
	               else np.v end as a,
	               case when i.measure = 'flow' and i.periodicity = 'quarterly' then bool_or(np.partial) over w
	               else np.partial end as partial
	          from nat_point np
	          join mestat.indicator i on i.code = np.indicator
	        window w as (partition by np.indicator order by np.k range between 3 preceding and current row)) as s
	 where s.a is not null;
	analyze pg_temp.pr_nat;

	-- 3. Per series: the first and the latest value A (k, A) after the base
	--    year, the value at the base year (k 0) and the value four quarters
	--    before the latest. The nation is assessed at its latest complete
	--    period; a later part-reported one is kept apart (k_latest). A
	--    reporter's quarterly flow is its 4-quarter sum.
	create temp table pr_ends on commit drop as
	with ser as (
		-- Each reporter's series: its ends as step 0 keeps them
		-- (mestat.cell_series, 056, 062), matched with the indicator and the
		-- reporter. Grouped here from every value, at county scale, they
		-- took 7-10 s of a full run. An incremental run reads the pairs it
		-- assesses, one probe of the key each.
		select g.indicator, g.reporter, t.fq,
		       case when t.fq then g.k_first4 else g.k_first end as k_first,
		       case when t.fq then g.sum4_first else g.v_first end as a_first,
		       case when t.fq then g.k_last4 else g.k_last end as k_last,
		       case when t.fq then g.sum4_last else g.v_last end as a_last,
		       case when t.fq then g.sum4_base else g.v_base end as a_base,
		       case when t.fq then g.sum4_prev else g.v_prev end as a_prev
		  from (select c.* from mestat.cell_series c where not p_partial
		        union all
		        select c.*
		          from pg_temp.pr_only_pair p
		         cross join lateral (select c.* from mestat.cell_series c
		                              where c.reporter = p.reporter and c.indicator = p.indicator) as c
		         where p_partial) as g
		  join mestat.indicator i on i.code = g.indicator
		 cross join lateral (select i.measure = 'flow' and i.periodicity = 'quarterly' as fq) as t
		  join mestat.reporter r on r.code = g.reporter
		 where i.scope = 'provincial' and r.kind not in ('ministry', 'department')
		   and (i.periodicity = 'quarterly') = g.quarterly
		   and g.n > 0 and (not t.fq or g.n4 > 0)
	)
	select s.indicator, '' as scope, s.c0[1]::integer as k_first, s.c0[2] as a_first,
	       s.c1[1]::integer as k_last, s.c1[2] as a_last,
	       s.k_latest > coalesce(s.c1[1]::integer, -1) as partial, cn.n_rep, cn.n_exp, cn.projects,
	       pv.a as a_prev, bs.a as a_base,
	       case when s.k_latest > coalesce(s.c1[1]::integer, -1) then s.k_latest end as k_latest,
	       case when s.k_latest > coalesce(s.c1[1]::integer, -1) then ln.a end as a_latest,
	       case when s.k_latest > coalesce(s.c1[1]::integer, -1) then ln.n_rep end as latest_n_rep,
	       case when s.k_latest > coalesce(s.c1[1]::integer, -1) then ln.n_exp end as latest_n_exp
	  from (select x.indicator,
	               min(array[x.k::numeric, x.a]) filter (where x.k > 0 and not x.partial) as c0,
	               max(array[x.k::numeric, x.a]) filter (where x.k > 0 and not x.partial) as c1,
	               max(x.k) filter (where x.k > 0) as k_latest
	          from pg_temp.pr_nat x
	         group by x.indicator) as s
	  left join pg_temp.pr_nat cn on cn.indicator = s.indicator and cn.k = s.c1[1]::integer
	  left join pg_temp.pr_nat pv on pv.indicator = s.indicator and pv.k = s.c1[1]::integer - 4 and not pv.partial
	  left join pg_temp.pr_nat bs on bs.indicator = s.indicator and bs.k = 0 and not bs.partial
	  left join pg_temp.pr_nat ln on ln.indicator = s.indicator and ln.k = s.k_latest
	union all
	select x.indicator, x.reporter, x.k_first, x.a_first, x.k_last, x.a_last, false, null, null, null, x.a_prev,
	       x.a_base, null, null, null, null
	  from ser as x;
	-- Statistics of only the columns later statements join or filter on,
	-- from 3,000 rows: at county scale (285,100 rows here and in pr_scope)
	-- every column from 30,000 rows took 0.18 s here and 0.26 s for
	-- pr_scope, these columns from 30,000 0.09 s each, from 3,000 15 ms.
	-- Step 5 estimates their join at 305,354 rows (285,100 given).
	alter table pg_temp.pr_ends alter indicator set statistics 10, alter scope set statistics 10,
		alter k_latest set statistics 10;
	analyze pg_temp.pr_ends (indicator, scope, k_latest);

	-- 4. What is assessed against which target version (in force today), and how.
	create temp table pr_target on commit drop as select * from mestat.current_target;

	create temp table pr_scope on commit drop as
	select i.code as indicator, '' as scope, t.id as target_id, t.kind, t.path, t.baseline_year, t.baseline_value,
	       t.target_year, t.target_value, t.target_upper, i.direction, t.basis, t.threshold_factor,
	       case when t.basis = 'monitoring' then 'trend' when t.kind = 'direction' then 'direction' else 'ratio' end
	           as method,
	       (i.scope = 'provincial' and i.numerator is null and i.aggregation = 'none') as not_added,
	       false as fallback,
	       case i.periodicity when 'quarterly' then 'quarter' else 'year' end as pkind,
	       case when i.value_type = 'percent' then
	            case i.direction when 'increase' then i.max_value else i.min_value end end as lim,
	       exists (select 1 from mestat.column_item ci where ci.column_indicator = i.code) as coverage,
	       i.measure = 'flow' and i.periodicity = 'quarterly' as fq, i.sort_key
	  from mestat.indicator i
	  join pg_temp.pr_target t on t.indicator = i.code and t.scope is null
	 where i.active
	   and (not p_partial or i.code in (select a.indicator from pg_temp.pr_only_ind a))
	union all
	select i.code, r.code, t.id, t.kind, t.path, t.baseline_year, t.baseline_value,
	       t.target_year, t.target_value, t.target_upper, i.direction,
	       -- A national number says nothing about one reporter: without a
	       -- target of its own, the reporter's row is monitoring.
	       case when t.kind <> 'direction' and t.scope is null then 'monitoring' else t.basis end,
	       t.threshold_factor,
	       case when t.basis = 'monitoring' or (t.kind <> 'direction' and t.scope is null) then 'trend'
	            when t.kind = 'direction' then 'direction' else 'ratio' end,
	       false,
	       t.kind <> 'direction' and t.scope is null,
	       case i.periodicity when 'quarterly' then 'quarter' else 'year' end,
	       case when i.value_type = 'percent' then
	            case i.direction when 'increase' then i.max_value else i.min_value end end,
	       false, i.measure = 'flow' and i.periodicity = 'quarterly', i.sort_key
	  from mestat.indicator i
	  cross join mestat.reporter r
	  left join pg_temp.pr_target own on own.indicator = i.code and own.scope = r.code
	  left join pg_temp.pr_target nat on nat.indicator = i.code and nat.scope is null
	  join pg_temp.pr_target t on t.id = coalesce(own.id, nat.id)
	 where i.active and i.scope = 'provincial' and r.active and r.kind not in ('ministry', 'department')
	   -- (The reporters first: the pairs alone were matched against every
	   -- indicator × reporter.)
	   and (not p_partial or (r.code in (select p.reporter from pg_temp.pr_only_pair p)
	                          and (i.code, r.code) in (select p.indicator, p.reporter from pg_temp.pr_only_pair p)));
	-- (As pr_ends: the join's columns, from 3,000 rows.)
	alter table pg_temp.pr_scope alter indicator set statistics 10, alter scope set statistics 10;
	analyze pg_temp.pr_scope (indicator, scope);

	-- The values with a status other than A (few), read once for the flags
	-- and the breaks below. A full run reads them from the partial index
	-- cell_not_final (061), not from every cell (0.55 s at county scale).
	create temp table pr_stat on commit drop as
	select v.indicator, v.reporter, v.k, v.st from pg_temp.pr_val v where v.v is not null and v.st <> 'A';

	-- Series with a current value that is not final (status other than A and
	-- B: provisional, estimated, forecast...) or held for follow-up without a
	-- decision: their rows say so in the note (mestat.quality_note).
	-- The national series (reporter '') is flagged when any reporter's cell
	-- of the indicator is (mestat.progress_national_point).
	create temp table pr_flag on commit drop as
	select v.indicator, v.reporter from pg_temp.pr_stat v where v.st not in ('A', 'B')
	union
	select v.indicator, v.reporter
	  from mestat.follow_up f
	  -- (The held version's cell by its key: a full run's pr_val is every
	  -- cell, with no index on the version.)
	  join mestat.observation ob on ob.id = f.observation
	  join pg_temp.pr_val v on v.reporter = ob.reporter and v.indicator = ob.indicator and v.period = ob.period
	                       and v.oid = f.observation
	 where f.decision is null and v.v is not null
	union
	select np.indicator, '' from mestat.progress_national_point np where np.n_flag > 0;

	-- Breaks in series (status B): k of each, per reporter's series and, for
	-- the national series, in any cell it is added up from (the indicator or
	-- a rate's parts).
	create temp table pr_brk on commit drop as
	select v.indicator, v.reporter as scope, v.k
	  from pg_temp.pr_stat v
	 where v.st = 'B'
	union
	select x.indicator, '', x.k
	  from (select np.indicator, np.k from mestat.progress_national_point np where np.n_break > 0
	        union all
	        select i.code, np.k
	          from mestat.progress_national_point np
	          join mestat.indicator i on np.indicator in (i.numerator, i.denominator)
	         where np.n_break > 0) as x;
	-- Each assessed row looks up its series' latest break (bk below). A
	-- scan of the whole table for each row made a full run at county scale
	-- quadratic in the breaks: 2,850 (one indicator's quarter, every
	-- reporter) added 64 s to a 50 s run.
	create index on pg_temp.pr_brk (indicator, scope, k);
	analyze pg_temp.pr_brk;
	-- With no break, step 5 looks none up: its look-up for each row scanned
	-- the empty table again (the scan asking the file's size each time),
	-- about 4 % of that statement at county scale.
	any_break := exists (select 1 from pg_temp.pr_brk);
	-- The values a reporter's direction row whose base lies before a break
	-- grows from instead (brk below): each series' values at a break and,
	-- for a quarterly flow, three quarters after it. Looked up in pr_val,
	-- one scan of it per such row: a break in one indicator's quarter at
	-- every county reporter kept a full run from ending in 4 minutes. The
	-- join reads pr_val only when there is a break. A quarter's 4-quarter
	-- sum (sum4: its value and the three quarters' before it, when the four
	-- have a value) is added up here from its series in pr_val.
	create temp table pr_brkv on commit drop as
	-- (A lateral look-up a row, by the key's prefix in a full run: joined,
	-- the planner may read every cell.)
	select v.reporter, v.indicator, v.period, v.k, v.v, s4.sum4
	  from (select distinct v.reporter, v.indicator, v.period, v.k, v.v
	          from pg_temp.pr_brk b
	          join pg_temp.pr_val v on v.reporter = b.scope and v.indicator = b.indicator and v.k in (b.k, b.k + 3))
	       as v
	  left join lateral (select sum(q.v) as sum4
	                       from pg_temp.pr_val q
	                      where q.reporter = v.reporter and q.indicator = v.indicator and length(q.period) = 6
	                        and q.k between v.k - 3 and v.k
	                     having count(q.v) = 4) as s4 on length(v.period) = 6;
	create index on pg_temp.pr_brkv (reporter, indicator, k);
	analyze pg_temp.pr_brkv;

	-- Which province-level reporters a later part-reported national period lacks.
	create temp table pr_missing on commit drop as
	with pl as (
		select en.indicator, kp.code as period, part.code as part
		  from pg_temp.pr_ends en
		  join mestat.indicator i on i.code = en.indicator
		  join pg_temp.pr_kperiod kp on kp.k = en.k_latest
		                            and kp.kind = case i.periodicity when 'quarterly' then 'quarter' else 'year' end
		  cross join lateral (values (coalesce(i.numerator, i.code)), (i.denominator)) as part(code)
		 where en.scope = '' and en.k_latest is not null and part.code is not null
	),
	present as (
		select pl.indicator, pl.period, pv.reporter as scope, count(*) as parts
		  from pl
		  join pg_temp.pr_val pv on pv.indicator = pl.part and pv.period = pl.period and pv.v is not null
		 where not p_partial
		 group by pl.indicator, pl.period, pv.reporter
		union all
		-- An incremental run has not read the other reporters' series: the
		-- part's cells of that period, one index range.
		select pl.indicator, pl.period, o.reporter, count(*)
		  from pl
		 cross join lateral mestat.period_cells(pl.part, pl.period) as o
		 where p_partial and o.value is not null
		 group by pl.indicator, pl.period, o.reporter
	)
	select x.indicator, count(*)::integer as n,
	       string_agg(x.code, ', ' order by x.code) filter (where x.rn <= 10) as codes
	  from (select pl1.indicator, ar.code, row_number() over (partition by pl1.indicator order by ar.code) as rn
	          from (select distinct pl.indicator, pl.period, count(*) over (partition by pl.indicator) as nparts
	                  from pl) as pl1
	          cross join pg_temp.pr_agg_reporter ar
	         where not exists (select 1 from present pr
	                            where pr.indicator = pl1.indicator and pr.period = pl1.period
	                              and pr.scope = ar.code and pr.parts = pl1.nparts)) as x
	 group by x.indicator;

	-- 5. The assessment, computed into pr_row (stored below).
	create temp table pr_row on commit drop as select * from mestat.progress_snapshot_detail limit 0;
	insert into pg_temp.pr_row (
		snapshot, chain, indicator, reporter, period, target_id, method, target_kind, baseline_value, target_value, target_upper,
		expected_value, actual_value, ratio, annual_growth, first_period, first_value, class, partial,
		reporters_reported, reporters_expected, basis, target_year, growth_threshold, trend, trend_growth,
		trend_from_period, latest_period, latest_value, latest_reporters_reported, latest_reporters_expected, note,
		source, source_reporter, sort_key)
	select snap, (select coalesce(ps.base, ps.id) from mestat.progress_snapshot ps where ps.id = snap),
	       sc.indicator, nullif(sc.scope, ''), pc.l, sc.target_id, sc.method, sc.kind,
	       sc.baseline_value, sc.target_value, sc.target_upper,
	       case when sc.method = 'ratio' and en.a_last is not null then ev.e end,
	       en.a_last,
	       case when sc.method = 'ratio' and not ins.insufficient then rv.r end,
	       case when sc.method = 'direction' and not ins.insufficient then gv.good end,
	       case when sc.method = 'direction' then pc.f end,
	       case when sc.method = 'direction' then b0.a0 end,
	       cl.class,
	       coalesce(en.partial, false),
	       en.n_rep, en.n_exp,
	       sc.basis, sc.target_year,
	       case when sc.method = 'direction' then thr.on_bound end,
	       tr.trend, tr.g, case when tr.g is not null or tr.trend is not null then pc.tp end,
	       pc.lp, en.a_latest, en.latest_n_rep, en.latest_n_exp,
	       nullif(concat_ws('; ',
	              case when sc.scope = '' then
	                   (select case when src.source in ('department', 'ministry') and src.rule_reporter is not null then
	                                format('national figure: %s (%s, %s), the indicator''s national source; the '
	                                       'provinces'' sum is compared with it in report.source_consistency',
	                                       src.rule_name_en, src.rule_name_zh, src.rule_reporter)
	                                when src.rule_reporter is not null then
	                                format('national figure: the province-level reporters added up, as %s (%s, %s), '
	                                       'the indicator''s national source, has sent no figure yet',
	                                       src.rule_name_en, src.rule_name_zh, src.rule_reporter) end
	                      from pg_temp.pr_src src where src.indicator = sc.indicator) end,
	              case when sc.not_added and sc.scope = '' then
	                   'not added up nationally (aggregation none): see the reporters'' own rows' end,
	              case when sc.not_added and sc.scope = '' then null
	                   when en.a_last is null and en.k_latest is not null then
	                        format('no complete period yet: %s has %s of %s province-level reporters',
	                               pc.lp, en.latest_n_rep, en.latest_n_exp)
	                   when en.a_last is null then 'no value yet'
	                   when sc.method = 'trend' and tr.trend is null and ap.cut then null
	                   when sc.method = 'trend' and tr.trend is null then
	                        format('trend needs the value four quarters before %s', pc.l)
	                   when sc.method = 'trend' then null
	                   when ins.insufficient and sc.method = 'ratio' then
	                        format('the latest value (%s) is fewer than 4 quarters after the baseline (end of %s)',
	                               pc.l, sc.baseline_year)
	                   when ins.insufficient then
	                        format('needs two values at least 4 quarters apart; growth is measured from %s, the latest is %s',
	                               coalesce(pc.f, 'the first value'), pc.l) end,
	              case when sc.fallback then
	                   format('the national %s target is not divided among reporters: trend only, no class', sc.kind) end,
	              case when sc.method = 'direction' and b0.from_first and en.a_last is not null then
	                   format('no %s value: growth measured from the first value (%s)', sc.baseline_year, pc.f) end,
	              case when sc.method = 'direction' and thr.scale <> 1 and en.a_last is not null then
	                   format('on track from %s %%/yr (thresholds × %s%s)', round(thr.on_bound * 100, 3),
	                          round(thr.scale, 4),
	                          case when sc.threshold_factor <> 1 then
	                               format(': factor %s for the plan''s words', sc.threshold_factor) else '' end
	                          || case when thr.coeff < 1 then
	                               format(', near-limit coefficient %s', round(thr.coeff, 4)) else '' end) end,
	              case when sc.coverage and en.a_last is not null then
	                   format('%s of %s listed items have a launched project (%s projects)', en.a_last, sc.target_value,
	                          coalesce(en.projects, 0)) end,
	              case when sc.method = 'ratio' and not ins.insufficient and sc.kind = 'range'
	                        and (en.a_last - sc.target_upper) * tv.sgn > 0 and tv.aim = sc.target_value then
	                   format('above the range [%s, %s]: past the upper bound (still achieved)', sc.target_value, sc.target_upper)
	                   when sc.method = 'ratio' and not ins.insufficient and sc.kind = 'range'
	                        and (en.a_last - sc.target_value) * tv.sgn > 0 and tv.aim = sc.target_upper then
	                   format('below the range [%s, %s]: past the lower bound (still achieved)', sc.target_value, sc.target_upper)
	                   when sc.method = 'ratio' and not ins.insufficient and sc.kind = 'point'
	                        and (en.a_last - sc.target_value) * tv.sgn > 0 then
	                   format('beyond the target %s', sc.target_value) end,
	              case when cl.class = 'not_achieved' then format('the target year %s is over', sc.target_year) end,
	              case when sc.method = 'direction' and not ins.insufficient and gv.good is null then
	                   format('growth from %s cannot be annualised: the sign of the change decides', b0.a0) end,
	              case when en.k_latest is not null and en.a_last is not null then
	                   format('%s is part-reported (%s of %s province-level reporters%s): shown in latest_value, not assessed; '
	                          'assessed at %s, the latest complete period',
	                          pc.lp, en.latest_n_rep, en.latest_n_exp,
	                          coalesce((select format(', missing %s%s', ms.codes,
	                                                  case when ms.n > 10 then format(' and %s more', ms.n - 10) else '' end)
	                                      from pg_temp.pr_missing ms
	                                     where ms.indicator = sc.indicator and sc.scope = '' and ms.codes is not null), ''),
	                          pc.l) end,
	              case when brk.moved then
	                   format('break in series at %s (status B): growth measured from %s, not across the break',
	                          pc.kbp, coalesce(case when sc.fq then 'the 4 quarters to ' end || pc.kup, pc.kbp))
	                   when ap.cut then
	                   format('break in series at %s (status B): no trend across the break', pc.kbp)
	                   when bk.kb is not null and sc.method = 'ratio' and sc.baseline_year is not null
	                        and bk.kb > 4 * (sc.baseline_year - 2015) then
	                   format('break in series at %s (status B): the value may not be comparable with the baseline',
	                          pc.kbp) end,
	              case when en.a_last is not null
	                        and exists (select 1 from pg_temp.pr_flag fl
	                                     where fl.indicator = sc.indicator and fl.reporter = sc.scope) then
	                   mestat.quality_note(nullif(sc.scope, ''), sc.indicator,
	                                       array(select kp.code from pg_temp.pr_kperiod kp
	                                              where kp.kind = sc.pkind
	                                                and (kp.k between en.k_last - case when sc.fq then 3 else 0 end
	                                                                 and en.k_last
	                                                     or (sc.method = 'direction' and sc.baseline_value is null
	                                                         and kp.k between b0.k0 - case when sc.fq then 3 else 0 end
	                                                                      and b0.k0))
	                                              order by kp.k)) end
	       ), ''),
	       case when sc.scope = '' and not sc.not_added then
	            (select src.source from pg_temp.pr_src src where src.indicator = sc.indicator) end,
	       case when sc.scope = '' and not sc.not_added then
	            (select src.source_reporter from pg_temp.pr_src src where src.indicator = sc.indicator) end,
	       sc.sort_key
	  -- (What only the national rows read, pr_src and pr_missing, is read by
	  -- them alone, in subqueries above, not joined with every row: each
	  -- join is one more step that every assessed row goes through, with
	  -- every column read so far. With pr_src joined first the plan hashed
	  -- all 285,100 rows of pr_scope at county scale, and then the rows
	  -- joined so far, to probe them with pr_src's 185. These two joins and
	  -- the indicator's took 0.3-0.4 s of the 2.4 s this statement took.)
	  from pg_temp.pr_scope sc
	  left join pg_temp.pr_ends en on en.indicator = sc.indicator and en.scope = sc.scope
	  cross join lateral (
		-- Direction: growth from the base year (the target's baseline value,
		-- else the value reported for 2015), else from the first value.
		select coalesce(sc.baseline_value, case when sc.baseline_year = 2015 then en.a_base end, en.a_first) as a0,
		       case when sc.baseline_value is not null
		                 or (sc.baseline_year = 2015 and en.a_base is not null) then 4 * (sc.baseline_year - 2015)
		            else en.k_first end as k0,
		       sc.baseline_value is null and not (sc.baseline_year = 2015 and en.a_base is not null) as from_first
	  ) as b00
	  cross join lateral (
		-- The latest break in series (status B) up to the period assessed (kb)
		-- and the first value wholly after it (ku: for a quarterly flow the
		-- first 4-quarter sum that starts at the break or later).
		select max(b.k) as kb, max(b.k) + case when sc.fq then 3 else 0 end as ku
		  from pg_temp.pr_brk b
		 where any_break and b.indicator = sc.indicator and b.scope = sc.scope and b.k <= en.k_last
	  ) as bk
	  cross join lateral (
		-- Growth is never measured across a break: a direction row whose base
		-- lies before it grows from the value at ku instead.
		select coalesce(sc.method = 'direction' and bk.ku > coalesce(b00.k0, -1), false) as moved,
		       case when bk.ku is null then null
		            when sc.scope = '' then
		            (select n.a from pg_temp.pr_nat n where n.indicator = sc.indicator and n.k = bk.ku and not n.partial)
		       else (select case when sc.fq then v.sum4 else v.v end
		               from pg_temp.pr_brkv v
		              where v.reporter = sc.scope and v.indicator = sc.indicator and v.k = bk.ku
		                and (length(v.period) = 6) = (sc.pkind = 'quarter')) end as a
	  ) as brk
	  cross join lateral (
		select case when brk.moved then brk.a else b00.a0 end as a0,
		       case when not brk.moved then b00.k0 when brk.a is not null then bk.ku end as k0,
		       b00.from_first and not brk.moved as from_first
		-- OFFSET 0 keeps b0 a row of its own. Pulled up, its columns
		-- were copied, with brk's two subqueries, into each of the many
		-- expressions below that read them: planning this statement took
		-- 0.2-0.3 s, in every run, since the temp tables are new each
		-- time and no plan is reused (0.07 s with the fence).
		offset 0
	  ) as b0
	  cross join lateral (
		-- The codes of the periods named: the period assessed (l), the
		-- latest part-reported (lp), four quarters before (tp), the base
		-- (f), the break (kbp) and the first value after it (kup). Read
		-- from the arrays by k, not joined with pr_kperiod: each of the six
		-- joins was one more step that every assessed row, some fifty
		-- columns wide by then, went through (together 0.4-0.5 s of the
		-- 2.9 s this statement took at county scale).
		select x.c[en.k_last] as l, x.c[en.k_latest] as lp, x.c[en.k_last - 4] as tp, x.c[b0.k0] as f,
		       x.c[bk.kb] as kbp, x.c[bk.ku] as kup
		  from (select case sc.pkind when 'quarter' then code_q else code_y end as c) as x
	  ) as pc
	  cross join lateral (
		-- The value four quarters before, for the trend: none across a break.
		select case when bk.ku > en.k_last - 4 then null else en.a_prev end as a_prev,
		       bk.ku > en.k_last - 4 and en.a_prev is not null as cut
	  ) as ap
	  cross join lateral (
		select case when sc.kind = 'range' and sc.baseline_value >= sc.target_upper then sc.target_upper
		            else sc.target_value end as aim,
		       en.k_last - 4 * (sc.baseline_year - 2015) as kl,
		       case when sc.kind = 'range' and sc.baseline_value >= sc.target_upper then -1
		            when sc.target_value > sc.baseline_value then 1
		            when sc.target_value < sc.baseline_value then -1
		            when sc.direction = 'increase' then 1
		            else -1 end as sgn,
		       least((en.k_last - 4 * (sc.baseline_year - 2015))::numeric / (4 * (sc.target_year - sc.baseline_year)), 1) as tau,
		       en.k_last >= 4 * (sc.target_year - 2015) as due
	  ) as tv
	  cross join lateral (
		select case when sc.path = 'geometric' then
		            (sc.baseline_value::float8 * power(tv.aim::float8 / sc.baseline_value::float8, tv.tau::float8))::numeric
		       else sc.baseline_value + (tv.aim - sc.baseline_value) * tv.tau end as e
	  ) as ev
	  cross join lateral (
		select case when ev.e <> sc.baseline_value then (en.a_last - sc.baseline_value) / (ev.e - sc.baseline_value) end as r
	  ) as rv
	  cross join lateral (
		select (case when sc.direction = 'increase' then 1 else -1 end
		        * case when en.k_last - b0.k0 < 4 then null
		               when b0.a0 > 0 and en.a_last > 0 then
		                    power(en.a_last::float8 / b0.a0::float8, 4.0::float8 / (en.k_last - b0.k0)) - 1
		               when b0.a0 <> 0 then
		                    (en.a_last - b0.a0)::float8 / abs(b0.a0)::float8 / ((en.k_last - b0.k0) / 4.0)
		          end)::numeric as good
	  ) as gv
	  cross join lateral (
		-- Open SDG's near-limit adjustment: near a limit L (100 % for a rising
		-- percentage) the thresholds shrink by 1 − (b/L)^4.44, b the base value.
		select x.coeff, sc.threshold_factor * x.coeff as scale,
		       sc.threshold_factor * x.coeff
		           * (select t.lower_bound from mestat.class_threshold t
		               where t.method = 'direction' and t.class = 'on_track') as on_bound
		  from (select case when sc.lim is null or b0.a0 is null then 1::numeric
		                    when abs(b0.a0) >= 2 * abs(sc.lim) then 1::numeric
		                    when abs(b0.a0) <= abs(sc.lim) then
		                         (1 - power(abs(b0.a0)::float8 / abs(sc.lim)::float8, 4.44))::numeric
		                    else (1 - power((2 * abs(sc.lim) - abs(b0.a0))::float8 / abs(sc.lim)::float8, 4.44))::numeric
		               end as coeff) as x
	  ) as thr
	  cross join lateral (
		-- The measure a threshold applies to; growth from 0 counts as ±100 %/yr.
		select case when sc.method = 'ratio' then
		            coalesce(rv.r, case when (en.a_last - sc.baseline_value) * tv.sgn >= 0 then 1 else -1 end)
		       else coalesce(gv.good, sign(en.a_last - b0.a0) * case when sc.direction = 'increase' then 1 else -1 end) end as x
	  ) as mx
	  cross join lateral (
		select case when en.a_last is null then true
		            when sc.method = 'ratio' then tv.kl < 4
		            when sc.method = 'direction' then b0.k0 is null or en.k_last - b0.k0 < 4
		            else false end as insufficient,
		       case when en.a_last is null then false
		            when sc.method = 'ratio' and sc.kind = 'at_least' then en.a_last >= sc.target_value
		            when sc.method = 'ratio' then (en.a_last - tv.aim) * tv.sgn >= 0
		            when sc.method = 'direction' then tv.due and mx.x >= thr.on_bound
		            else false end as achieved
	  ) as ins
	  cross join lateral (
		select case when sc.method = 'trend' then null
		            when ins.insufficient or (sc.not_added and sc.scope = '') then 'insufficient_data'
		            when ins.achieved then 'achieved'
		            when tv.due then 'not_achieved'
		            else (select t.class from mestat.class_threshold t
		                   where t.method = sc.method
		                     and (t.lower_bound * case when sc.method = 'direction' then thr.scale else 1 end <= mx.x
		                          or t.lower_bound is null)
		                   order by t.lower_bound desc nulls last limit 1) end as class
	  ) as cl
	  cross join lateral (
		select x.g,
		       case when ap.a_prev is null or en.a_last is null then null
		            when x.g is null then case sign(en.a_last - ap.a_prev) when 1 then 'rising' when -1 then 'falling'
		                                  else 'stable' end
		            when x.g >= band then 'rising'
		            when x.g <= -band then 'falling'
		            else 'stable' end as trend
		  from (select case when ap.a_prev <> 0 then (en.a_last - ap.a_prev) / abs(ap.a_prev) end as g) as x
		-- OFFSET 0, as for b0: pulled up, the growth (a numeric division)
		-- was copied into every expression reading trend, the note's
		-- among them, and computed up to six times a row: 0.6 s of the
		-- 3.6 s this statement took at county scale.
		offset 0
	  ) as tr;
	get diagnostics n_details = row_count;

	-- Stored. An incremental run stores every row it computed (its caller
	-- marks the rows they replace). A full run stores, like an incremental
	-- one, only the rows that differ from the previous snapshot's whole, in
	-- that snapshot's chain, and marks the rows they replace (or that are no
	-- more) superseded by it: a scheduled run on unchanged data stores
	-- nothing, where writing all 285,100 rows of a county-scale snapshot
	-- took about 1.5 s and 125 MB every recompute_interval. A whole is read
	-- as its chain's rows not superseded, so the chain starts anew, every
	-- row stored, when it would hold more than an eighth more rows than the
	-- whole (a target revision, many changed values, many incremental runs
	-- since): readers then read no more than 1.125 rows a row. Rows are the
	-- same when every column but the snapshot's keys is the same to the
	-- byte (*=: a value now written 1.00 where it was 1.0 is stored again).
	-- Rows are written in the order report.progress_by_reporter reads them
	-- (the index progress_snapshot_detail_order, (chain, reporter, sort_key,
	-- indicator), 059; before it the chain index, by code, and a sort of
	-- every row the view read): in the indicators' order, a
	-- read of all 285,100 rows at county scale visited 288,600 buffers, a
	-- page per row, and took 0.81-1.03 s; in this order 12,560 buffers and
	-- 0.73-0.77 s. Compared in collation C: codes are ASCII, and a sort
	-- through the database's collation compares with strcoll. Only the rows
	-- stored are sorted: the statement computing the rows took 4.2-4.5 s at
	-- county scale when it sorted all 285,100 of them, most of which a full
	-- run does not store, and 3.5 s without the sort.
	if not p_partial then
		select coalesce(s.base, s.id) into chain_base
		  from mestat.progress_snapshot s
		 where s.id < snap
		 order by s.id desc limit 1;
		if chain_base is not null then
			select coalesce(sum(coalesce(s.written, s.details)), 0) into chain_rows
			  from mestat.progress_snapshot s
			 where s.id < snap and coalesce(s.base, s.id) = chain_base;
			select string_agg(format('%I', a.attname), ', ' order by a.attnum),
			       string_agg(format('p.%I', a.attname), ', ' order by a.attnum)
			  into cols, p_cols
			  from pg_attribute a
			 where a.attrelid = 'mestat.progress_snapshot_detail'::regclass and a.attnum > 0 and not a.attisdropped
			   and a.attname not in ('snapshot', 'chain', 'superseded_by');
			-- rid: a row to store; wid: a row of the whole it replaces.
			execute format(
				'create temp table pr_diff on commit drop as
				 select r.rid, w.wid
				   from (select p.ctid as rid, p.indicator, coalesce(p.reporter, '''') as reporter, x
				           from pg_temp.pr_row p cross join lateral (select %1$s) as x) as r
				   full join (select p.ctid as wid, p.indicator, coalesce(p.reporter, '''') as reporter, x
				                from mestat.progress_snapshot_detail p cross join lateral (select %1$s) as x
				               where p.chain = $1 and p.superseded_by is null) as w
				     on w.indicator = r.indicator and w.reporter = r.reporter
				  where r.rid is null or w.wid is null or not (r.x *= w.x)', p_cols)
			using chain_base;
			select count(*) filter (where d.rid is not null) into n_write from pg_temp.pr_diff d;
		end if;
	end if;
	if p_partial or chain_base is null or chain_rows + n_write > n_details + n_details / 8 then
		insert into mestat.progress_snapshot_detail
		select * from pg_temp.pr_row p order by coalesce(p.reporter, '') collate "C", p.sort_key, p.indicator collate "C";
		if not p_partial then
			-- (An incremental run's caller sets written.)
			update mestat.progress_snapshot set written = n_details where id = snap;
		end if;
	else
		status_changes := true;
		update mestat.progress_snapshot set base = chain_base, written = n_write where id = snap;
		execute format(
			'insert into mestat.progress_snapshot_detail (snapshot, chain, %1$s)
			 select p.snapshot, $1, %2$s
			   from pg_temp.pr_row p
			  where p.ctid = any (array(select d.rid from pg_temp.pr_diff d where d.rid is not null))
			  order by coalesce(p.reporter, '''') collate "C", p.sort_key, p.indicator collate "C"', cols, p_cols)
		using chain_base;
		update mestat.progress_snapshot_detail d
		   set superseded_by = snap
		 where d.ctid = any (array(select x.wid from pg_temp.pr_diff x where x.wid is not null));
	end if;

	-- 6. Completeness and timeliness per reporter and period that has ended,
	--    from 2016 (2015 is the base year: values may come, none are expected).
	-- What each kind of reporter owes for each kind of period: how many
	-- indicators and which (read below only for reports received in part,
	-- not carried on every row of pr_got).
	create temp table pr_exp on commit drop as
	select i.scope = 'national_only' as for_ministry,
	       case i.periodicity when 'quarterly' then 'quarter' else 'year' end as period_kind,
	       count(*)::integer as n, array_agg(i.code order by i.code) as codes
	  from mestat.indicator i
	 where i.active
	 group by 1, 2;
	-- The indicators that are the ministry's and those no longer collected
	-- (each period's deadline by its k: due_q and due_y, above).
	select coalesce(array_agg(i.code) filter (where i.scope = 'national_only'), '{}'),
	       coalesce(array_agg(i.code) filter (where not i.active), '{}')
	  into ministry_codes, inactive_codes
	  from mestat.indicator i;
	-- The reports received (how many of the expected cells have a value,
	-- how many came in time) rest on the cells and on what got_basis names:
	-- the indicators (which are collected, which are the ministry's, how
	-- often), the reporters (which report, of what kind) and the periods'
	-- deadlines; so do the reports owed and how many cells each. A full run keeps the
	-- counts mestat.reporting_status holds for the reports no queued cell
	-- touches (pr_only_np) and counts from the cells only the others and
	-- the reports it has no row of (a period that ended since, a row pruned
	-- with its snapshot): at county scale the count over every cell took
	-- 2.5 s of a full run. It counts every report from every cell (got_all)
	-- when that basis is not the one stored (mestat.progress_kept_basis) or
	-- more than an eighth of the reports, and more than 10,000, are to be
	-- counted.
	if not p_partial then
		got_basis := (
			select md5(string_agg(b.line, E'\n' order by b.line collate "C"))
			  from (select 'reports received 1' as line
			        union all
			        select format('reporter %s %s %s', r.code, r.kind, r.active) from mestat.reporter r
			        union all
			        select format('indicator %s %s %s %s', i.code, i.active, i.scope, i.periodicity)
			          from mestat.indicator i
			        union all
			        select format('period %s %s %s %s', p.code, p.kind, p.k, p.due_date) from mestat.period p) as b);
	end if;
	-- The reports to count from the cells when the others are kept (empty
	-- for an incremental run, which counts those of pr_only_rp): of the
	-- reports owed (a row of pr_exp, as below), those of a queued cell and
	-- those with no row.
	-- (Two branches, not one filter with OR: a NOT EXISTS under an OR is
	-- probed once per report, 0.3 s at county scale. And the reports with
	-- no row as an EXCEPT, not a NOT EXISTS: the planner, estimating the
	-- reports owed at 769 for 122,550, probed the key once per report.)
	create temp table pr_rpc on commit drop as
	with owed as (
		select r.code as reporter, p.code as period
		  from mestat.reporter r
		 cross join mestat.period p
		 where not p_partial and r.active and r.kind <> 'department' and p.end_date < today and p.year >= 2016
		   and exists (select 1 from pg_temp.pr_exp en
		                where en.for_ministry = (r.kind = 'ministry') and en.period_kind = p.kind)
	)
	select o.reporter, o.period
	  from owed o
	 where (o.reporter, o.period) in (select c.reporter, c.period from pg_temp.pr_only_np c)
	union
	(select o.reporter, o.period from owed o
	 except
	 select s.reporter, s.period from mestat.reporting_status s where not p_partial);
	if not p_partial then
		select count(*), count(distinct c.reporter), count(distinct c.period) into rpc_pairs, rpc_reporters, rpc_periods
		  from pg_temp.pr_rpc c;
		got_all := got_basis is distinct from (select b.basis from mestat.progress_kept_basis b
		                                        where b.kept = 'reports received')
		        or rpc_pairs > greatest(10000, (select count(*) from mestat.reporting_status) / 8);
		if not got_all then
			analyze pg_temp.pr_rpc;
			-- The cells of those reports, as index conditions on one of
			-- mestat.cell's keys (as pr_val is for an incremental run),
			-- whichever costs less. By reporter, the key (reporter,
			-- indicator, period) passes every entry of each reporter
			-- named; by period, cell_period (indicator, period, reporter)
			-- may read every cell of each period named, of those reports
			-- or not. A cell read for nothing costs about 38 entries
			-- passed (at county scale 7.7 us, a heap page each, against
			-- 0.2 us): so by period when (periods x reporters owing -
			-- reports) x 38 < reporters x periods. Measured at county
			-- scale, this statement: at a quarter's end, every reporter's
			-- report of 2021Q1 and no cell yet, 0.1 s by period, 1.1 s by
			-- reporter (each of 2,850 reporters' whole range); one or 20
			-- reporters' every report 6 and 115 ms by reporter, 38-130
			-- and 300 ms by period; 50 or 500 reporters' reports of one
			-- quarter about the same either way (54-73, 435-620 ms).
			if (rpc_periods * (select count(*) from mestat.reporter r where r.active and r.kind <> 'department')
			    - rpc_pairs) * 38
			   < rpc_reporters * (select count(*) from mestat.period) then
				create temp table pr_gotc on commit drop as
				select o.*
				  from pg_temp.pr_cell o
				 where o.indicator = any (array(select i.code from mestat.indicator i))
				   and o.period = any (array(select distinct c.period from pg_temp.pr_rpc c))
				   and (o.reporter, o.period) in (select c.reporter, c.period from pg_temp.pr_rpc c);
			else
				create temp table pr_gotc on commit drop as
				select o.*
				  from pg_temp.pr_cell o
				 where o.reporter = any (array(select distinct c.reporter from pg_temp.pr_rpc c))
				   and o.period = any (array(select distinct c.period from pg_temp.pr_rpc c))
				   and (o.reporter, o.period) in (select c.reporter, c.period from pg_temp.pr_rpc c);
			end if;
		end if;
	end if;
	-- A full run that rests on its chain and keeps the counts computes only
	-- the rows of pr_rpc's reports: every other row owed is the one stored,
	-- its cells and what got_basis names unchanged (status_kept; below).
	status_kept := status_changes and not p_partial and not got_all;
	-- (Grouped first by reporter, period and whether the indicator is the
	-- ministry's; the reporter's kind is matched on the groups, the periods
	-- that have ended below. Each value's indicator and deadline come from
	-- the arrays above, not from a join of every value with the indicators
	-- and the periods: 2.2-2.5 s instead of 3.8-4.6 s at county scale.)
	execute format(
		'create temp table pr_gotn on commit drop as
		 select x.reporter, x.period, sum(x.n)::integer as received, sum(x.n_on_time)::integer as on_time
		   from (select v.reporter, v.period, v.indicator = any ($1) as nat_only, count(*) as n,
		                count(*) filter (where v.first_at < case when length(v.period) = 6 then $3[v.k]
		                                                        else $4[v.k] end) as n_on_time
		           from %s v
		          where v.indicator <> all ($2)
		          group by 1, 2, 3) as x
		   join mestat.reporter r on r.code = x.reporter and x.nat_only = (r.kind = ''ministry'')
		  group by x.reporter, x.period',
		case when p_partial or got_all then 'pg_temp.pr_val' else 'pg_temp.pr_gotc' end)
	using ministry_codes, inactive_codes, due_q, due_y;
	create temp table pr_got on commit drop as
	with got as (
		select g.reporter, g.period, g.received, g.on_time from pg_temp.pr_gotn g
		union all
		-- The counts kept (a full run not counting every report).
		select s.reporter, s.period, s.received, s.on_time
		  from mestat.reporting_status s
		 where not p_partial and not got_all and not status_kept
		   and not exists (select 1 from pg_temp.pr_rpc c where c.reporter = s.reporter and c.period = s.period)
	)
	select r.code as reporter, p.code as period, en.n as expected, coalesce(g.received, 0) as received,
	       coalesce(g.on_time, 0) as on_time, en.for_ministry, en.period_kind
	  from mestat.reporter r
	  cross join mestat.period p
	  join pg_temp.pr_exp en on en.for_ministry = (r.kind = 'ministry') and en.period_kind = p.kind
	  left join got g on g.reporter = r.code and g.period = p.code
	 where r.active and r.kind <> 'department' and p.end_date < today and p.year >= 2016
	   and (not p_partial or (r.code = any (array(select rp.reporter from pg_temp.pr_only_rp rp))
	                          and (r.code, p.code) in (select rp.reporter, rp.period from pg_temp.pr_only_rp rp)))
	   and (not status_kept or (r.code, p.code) in (select c.reporter, c.period from pg_temp.pr_rpc c));
	analyze pg_temp.pr_got;

	-- Which indicators are missing, only for reports received in part
	-- (few): their values, one pass over pr_val with a hash of those
	-- reports. Joined with pr_got as a whole, the planner hashed all of
	-- pr_val instead: 2,850 such reports at county scale made the insert
	-- 7-10 s instead of 4.7-5.8 s. With none, pr_val is not read.
	create temp table pr_part on commit drop as
	select g.reporter, g.period from pg_temp.pr_got g where g.received > 0 and g.received < g.expected;
	analyze pg_temp.pr_part;
	create temp table pr_status on commit drop as
	select g.reporter, g.period, g.expected, g.received, g.on_time,
	       case when g.received > 0 and g.received < g.expected then
	            array(select u.code from unnest(en.codes) as u(code) where u.code <> all (pa.codes) order by 1)
	       end as missing_indicators
	  from pg_temp.pr_got g
	  join pg_temp.pr_exp en on en.for_ministry = g.for_ministry and en.period_kind = g.period_kind
	  left join (select pg.reporter, pg.period, array_agg(v.indicator) as codes
	               from pg_temp.pr_part pg
	               join pg_temp.pr_val v on v.reporter = pg.reporter and v.period = pg.period
	              group by pg.reporter, pg.period) as pa on pa.reporter = g.reporter and pa.period = g.period;
	if got_all then
		delete from mestat.progress_kept_basis where kept = 'reports received';
		insert into mestat.progress_kept_basis (kept, basis) values ('reports received', got_basis);
	end if;
	-- A full run that rests on the chain (it stored its assessments as
	-- changes, above) stores, as for them, only the rows that changed,
	-- deleting those that differ or are no longer owed: rewriting all
	-- 122,550 at county scale, with their five indexes, took 1.8-2.1 s.
	-- A row kept names the run that last computed it differently, one of
	-- the chain, so that pruning an older chain takes none of them; a run
	-- that starts a chain rewrites every row (naming itself), as an
	-- incremental run rewrites the rows of its reports. Keeping the counts
	-- (status_kept) it compares only the rows of pr_rpc's reports, the
	-- others being the ones stored: 0.5 s less at county scale than
	-- computing and comparing all 122,550.
	if status_changes then
		create temp table pr_ssame on commit drop as
		select n.reporter, n.period
		  from pg_temp.pr_status n
		  join mestat.reporting_status s on s.reporter = n.reporter and s.period = n.period
		 where (n.expected, n.received, n.on_time, n.missing_indicators)
		       is not distinct from (s.expected, s.received, s.on_time, s.missing_indicators);
		analyze pg_temp.pr_ssame;
		-- (Two statements, not one with "status_kept or": a subquery under
		-- an OR is never made a join.)
		if status_kept then
			delete from mestat.reporting_status s
			 using pg_temp.pr_status n
			 where s.reporter = n.reporter and s.period = n.period
			   and not exists (select 1 from pg_temp.pr_ssame x where x.reporter = s.reporter and x.period = s.period);
		else
			delete from mestat.reporting_status s
			 where not exists (select 1 from pg_temp.pr_ssame x where x.reporter = s.reporter and x.period = s.period);
		end if;
		insert into mestat.reporting_status (reporter, period, expected, received, on_time, missing_indicators, snapshot,
		                                     computed_at)
		select n.reporter, n.period, n.expected, n.received, n.on_time, n.missing_indicators, snap, now()
		  from pg_temp.pr_status n
		 where not exists (select 1 from pg_temp.pr_ssame x where x.reporter = n.reporter and x.period = n.period);
	else
		delete from mestat.reporting_status s
		 where not p_partial
		    or (s.reporter = any (array(select rp.reporter from pg_temp.pr_only_rp rp))
		        and (s.reporter, s.period) in (select rp.reporter, rp.period from pg_temp.pr_only_rp rp));
		insert into mestat.reporting_status (reporter, period, expected, received, on_time, missing_indicators, snapshot,
		                                     computed_at)
		select n.reporter, n.period, n.expected, n.received, n.on_time, n.missing_indicators, snap, now()
		  from pg_temp.pr_status n;
	end if;

	-- The latest quarter with a cell. A full run has every (indicator,
	-- period) of pr_val in mestat.progress_national_point (a few thousand
	-- rows, where pr_val has one per cell: 0.9 s to scan at county scale).
	last_quarter := (select max(x.period)
	                   from (select np.period from mestat.progress_national_point np where not p_partial
	                         union all
	                         select v.period from pg_temp.pr_val v where p_partial) as x
	                  where x.period like '____Q_');
	update mestat.progress_snapshot
	   set as_of_period = last_quarter
	 where id = snap and (not p_partial or as_of_period is null or as_of_period < last_quarter);
	if not p_partial then
		drop view pg_temp.pr_val;
	end if;
	drop view pg_temp.pr_cell;
	return n_details;
end
$$;

comment on function mestat.progress_assess(bigint, boolean) is
	'The assessment of mestat.recompute_progress() (p_partial false: everything) and of '
	'mestat.recompute_progress_incremental() (p_partial true: the rows and reports named in pg_temp.pr_only_ind, '
	'pr_only_pair and pr_only_rp, reading the series of pr_need_ind). Writes the rows of snapshot SNAP into '
	'mestat.progress_snapshot_detail (a full run: those that differ from the previous snapshot''s whole, in its chain, '
	'setting SNAP''s base and written, or every row when it starts a chain; 057) and replaces the rows of '
	'mestat.reporting_status it covers; returns how many rows the whole has (an incremental run: how many it '
	'wrote). Method 2: docs/method.md. Called only by those two functions.';
