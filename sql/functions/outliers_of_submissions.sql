-- mestat.outliers_of_submissions: the current definition of this function.
-- First created in 064_ingest_batch.sql (mestat.outliers_of_submission(), 022,
-- for an array of submissions).
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

-- Outlier scores of the values stored by some submissions (one, or a batch
-- of different reporters' stored by one call: mestat.ingest_batch_apply()).
--
-- For each value: the comparable earlier value of the same reporter is the
-- same quarter a year before for quarterly flows (seasonal), the quarter
-- before for quarterly stocks, the year before for annual indicators. The
-- log change x = ln(value / earlier) is scored against the reporter's own
-- earlier changes h (the changes involving this cell left out, and no change
-- measured across a break in series, status B) with the modified z-score of
-- Iglewicz and Hoaglin, M = 0.6745 (x - median h) / MAD h. When MAD is 0
-- the mean absolute deviation stands in (M = (x - median) / (1.253314 MeanAD));
-- when that is 0 too the history never moved, and a change of more than 5%
-- from it is held. With fewer than 4 earlier changes the same change of at
-- least 5 other provinces in the same period is the reference (kind peers,
-- provincial indicators, changes of 25% or more: a smaller one is no typo
-- worth asking about); with fewer, a tenfold rise or fall is held (kind
-- jump).
--
-- Each series is read once. Where more than one of its values is scored,
-- its changes are sorted once, each value's median is read from them at
-- the places its own two changes do not take, and only the deviations from
-- it are sorted value by value (docs/scale.md, "Each value's median read
-- from its series sorted once").
create or replace function mestat.outliers_of_submissions(p_submissions bigint[])
returns table (submission bigint, observation bigint, reporter text, indicator text, period text, value numeric,
               kind text, score double precision, threshold numeric, compared_period text, compared_value numeric,
               message text)
language plpgsql
stable
set search_path = mestat, pg_temp
-- A handful of rows: compiling the plan with JIT would take longer than running it.
set jit = off
-- One plan for every submission: its shape does not depend on which one,
-- and the planner, estimating a new submission's rows from statistics taken
-- before it existed, found the generic plan dearer and planned every call
-- anew (1.6 ms of a 50-row push).
set plan_cache_mode = force_generic_plan
-- Each series (one key range of mestat.cell, a row a period) read by walking
-- the index: the generic plan built a bitmap of its 15-20 rows first, for
-- every series. 3-9 % less time for the scoring of a bench/pull batch (6 %
-- in most runs), the same rows (docs/scale.md, "A series read by its index").
set enable_bitmapscan = off
-- plpgsql, not sql: the plan is kept for the session instead of made anew on every call.
as $$
#variable_conflict use_column
begin
	return query
	-- Each series (reporter, indicator) the submission touches is read once,
	-- from mestat.cell (one row a period), into arrays; each value is then
	-- scored on its series' changes in memory. The work grows with the rows
	-- sent, whatever the planner thinks of the tables' statistics.
	with obs as (
		select o.submission, o.id, o.reporter, o.indicator, o.period, o.value, i.outlier_threshold as thr, i.scope,
		       case when i.periodicity = 'annual' or i.measure = 'flow' then 4 else 1 end as lag,
		       case when i.periodicity = 'annual' or i.measure = 'flow' then 'year-on-year' else 'quarter-on-quarter' end
		           as basis,
		       p.k,
		       prior.period as e_period, prior.value as e_value,
		       ln(o.value::double precision / prior.value::double precision) as x
		  from unnest(p_submissions) as sub(id)
		  -- Each submission's values by the key of its index: a plan made
		  -- while mestat.observation was small (a new database, before its
		  -- first analysis) scanned the whole table, and a connection keeps
		  -- its plan (docs/scale.md, "Plans made on a new database").
		  cross join lateral (
			select o.*
			  from mestat.observation o
			 where o.submission = sub.id and o.value > 0 and o.status <> 'B'
			offset 0
		  ) as o
		  join mestat.indicator i on i.code = o.indicator
		  join mestat.period p on p.code = o.period
		  -- Only a value with a comparable earlier one can be judged.
		  cross join lateral (
			select o2.period, o2.value
			  from mestat.cell o2
			 where o2.reporter = o.reporter and o2.indicator = o.indicator
			   and o2.period = case
			                   when p.kind = 'year' then (p.year - 1)::text
			                   when i.measure = 'flow' then (p.year - 1)::text || 'Q' || p.quarter
			                   when p.quarter = 1 then (p.year - 1)::text || 'Q4'
			                   else p.year::text || 'Q' || (p.quarter - 1)
			                   end
			 -- One row at most (the key); LIMIT keeps this a probe made once
			 -- the value's period and indicator are known. Pulled up into the
			 -- join, it was ordered before them and read the whole series
			 -- for each value (46,432 rows for a 1,000-row push).
			 limit 1
		  ) as prior
		 where i.outlier_threshold is not null
		   and prior.value > 0
	),
	series as materialized (
		select sr.reporter, sr.indicator, ch.k_to, ch.k_from, ch.h, sr.many
		  -- many: more than one of its values scored (below).
		  from (select b.reporter, b.indicator, b.lag, count(*) > 1 as many from obs b group by 1, 2, 3) as sr
		  cross join lateral (
			-- The current version of each period: the series is one range of
			-- mestat.cell's key, one row a period, however often it was revised,
			-- with the period's quarter index stored (050): no join with
			-- mestat.period, which hashed its every row again for each series.
			with c as (
				select c.value, c.status, c.k
				  from mestat.cell c
				 where c.reporter = sr.reporter and c.indicator = sr.indicator and c.value > 0
			),
			-- Each value's comparable earlier one (lag quarters before), by a
			-- window over the series, not a join the planner may turn into
			-- a loop over every pair.
			w as (
				select c.k, c.value, c.status, first_value(c.k) over e as e_k, first_value(c.value) over e as e_value
				  from c
				window e as (order by c.k range between sr.lag preceding and sr.lag preceding)
			)
			select array_agg(w.k) as k_to, array_agg(w.e_k) as k_from,
			       array_agg(ln(w.value::double precision / w.e_value::double precision)) as h
			  from w
			 where w.status <> 'B' and w.e_k is not null
		  ) as ch
	),
	-- The changes of each series with more than one value scored, sorted
	-- once for them all.
	sorted as materialized (
		select r.reporter, r.indicator, r.k_to, r.k_from, r.h,
		       (select array_agg(u.h order by u.h) from unnest(r.h) as u(h)) as sorted
		  from series r
		 where r.many
	),
	-- Their values, each with its own changes, left out of its history:
	-- the series' change ending at its cell (jt) and the one starting there
	-- (jf); the n changes left, and their median m, read from the series'
	-- changes sorted: the middle one, or the middle two (lo, hi; 1 the
	-- first) of those left, counted past the places the two left out take
	-- there (a, then z: the smaller first; two equal ones are found at one
	-- place, and counting past it twice passes both); for two, what
	-- percentile_cont(0.5) gives, as it computes it:
	-- lo + 0.5 (hi - lo). Materialized: each value's median is computed
	-- once, not again for each of its deviations below.
	mid as materialized (
		select b.*, j.n, r.h, j.jt, j.jf,
		       case when j.n = 0 then null
		            when j.n % 2 = 1 then r.sorted[q.lo]
		            else r.sorted[q.lo] + 0.5::double precision * (r.sorted[q.hi] - r.sorted[q.lo])
		       end as m
		  from obs b
		  join sorted r on r.reporter = b.reporter and r.indicator = b.indicator
		  -- (OFFSET 0, twice: each place looked up once, not again
		  -- wherever it is used.)
		  cross join lateral (
			select t.jt, t.jf, coalesce(cardinality(r.h), 0) - (t.jt is not null)::integer - (t.jf is not null)::integer as n,
			       array_position(r.sorted, r.h[t.jt]) - 1 as pt, array_position(r.sorted, r.h[t.jf]) - 1 as pf
			  from (select array_position(r.k_to, b.k) as jt, array_position(r.k_from, b.k) as jf offset 0) as t
			offset 0
		  ) as j
		  cross join lateral (
			select least(j.pt, j.pf) as a, case when j.pt is null or j.pf is null then j.n + 3 else greatest(j.pt, j.pf) end as z
		  ) as ab
		  cross join lateral (
			select (j.n - 1) / 2 + ((j.n - 1) / 2 >= ab.a)::integer as f, j.n / 2 + (j.n / 2 >= ab.a)::integer as c
		  ) as q1
		  cross join lateral (
			select q1.f + (q1.f >= ab.z)::integer + 1 as lo, q1.c + (q1.c >= ab.z)::integer + 1 as hi
		  ) as q
	),
	hist as (
		-- A series' values scored together: the deviations of each one's
		-- changes left from its median, in the series' order.
		select b.submission, b.id, b.reporter, b.indicator, b.period, b.value, b.thr, b.scope, b.lag, b.basis, b.k,
		       b.e_period, b.e_value, b.x, b.n::bigint as n, b.m, sp.mad, sp.meanad
		  from mid b
		  cross join lateral (
			select percentile_cont(0.5) within group (order by abs(u.h - b.m)) as mad, avg(abs(u.h - b.m)) as meanad
			  from unnest(b.h) with ordinality as u(h, j)
			 where u.j is distinct from b.jt and u.j is distinct from b.jf
		  ) as sp
		union all
		-- A value alone in its series: its changes left picked out and
		-- sorted for it alone (sorting the series first would be one sort
		-- more), kept as one array for its spread.
		select b.submission, b.id, b.reporter, b.indicator, b.period, b.value, b.thr, b.scope, b.lag, b.basis, b.k,
		       b.e_period, b.e_value, b.x, md.n, md.m,
		       sp.mad, sp.meanad
		  from obs b
		  join series r on r.reporter = b.reporter and r.indicator = b.indicator and not r.many
		  cross join lateral (
			select count(*) as n, percentile_cont(0.5) within group (order by u.h) as m, array_agg(u.h) as hl
			  from unnest(r.k_to, r.k_from, r.h) as u(k_to, k_from, h)
			 where u.k_to <> b.k and u.k_from <> b.k
		  ) as md
		  cross join lateral (
			select percentile_cont(0.5) within group (order by abs(h - md.m)) as mad, avg(abs(h - md.m)) as meanad
			  from unnest(md.hl) as h
		  ) as sp
	),
	-- Where a value's own history is too short: the same change of the
	-- other provinces (province-level reporters) in the same period, read
	-- once for each indicator and period that needs it, however many of the
	-- batch's values share them.
	peer as materialized (
		select k.indicator, k.period, k.e_period, pr.code as reporter,
		       ln(c.value::double precision / e.value::double precision) as y
		  from (select distinct h.indicator, h.period, h.e_period
		          from hist h
		         where h.n < 4 and h.scope = 'provincial' and abs(h.x) >= ln(1.25::double precision)) as k
		  cross join mestat.reporter pr
		  -- Each province's cell as it was before these submissions:
		  -- a batch-mate's (another reporter's submission stored by
		  -- the same call) is read at its version before (none: no
		  -- value then), so that no submission of a batch is scored
		  -- against another's values.
		  cross join lateral (
			select case when o.submission = any (p_submissions) then b.value else o.value end as value,
			       case when o.submission = any (p_submissions) then b.status else o.status end as status
			  from mestat.cell o
			  left join lateral (
				select v.value, v.status from mestat.observation v
				 where o.submission = any (p_submissions)
				   and v.reporter = o.reporter and v.indicator = o.indicator and v.period = o.period
				   and v.submission <> all (p_submissions)
				 order by v.id desc
				 limit 1
			  ) as b on true
			 where o.reporter = pr.code and o.indicator = k.indicator and o.period = k.period
			   and (b.status is not null or o.submission <> all (p_submissions))
		  ) as c
		  cross join lateral (
			select case when o.submission = any (p_submissions) then b.value else o.value end as value
			  from mestat.cell o
			  left join lateral (
				select v.value from mestat.observation v
				 where o.submission = any (p_submissions)
				   and v.reporter = o.reporter and v.indicator = o.indicator and v.period = o.period
				   and v.submission <> all (p_submissions)
				 order by v.id desc
				 limit 1
			  ) as b on true
			 where o.reporter = pr.code and o.indicator = k.indicator and o.period = k.e_period
			   and (b.value is not null or o.submission <> all (p_submissions))
		  ) as e
		 where mestat.added_nationally(pr.active, pr.parent, pr.kind)
		   and c.value > 0 and e.value > 0 and c.status <> 'B'
	),
	scored as (
		select h.*,
		       case when h.n < 4 then null
		            when h.mad > 0 then 0.6745 * (h.x - h.m) / h.mad
		            when h.meanad > 0 then (h.x - h.m) / (1.253314 * h.meanad)
		       end as z,
		       case when h.n < 4 and pe.n >= 5 and pe.mad > 0 then 0.6745 * (h.x - pe.m) / pe.mad end as zp,
		       pe.n as peers, pe.m as peer_median
		  from hist h
		  -- The other provinces' changes, this value's own reporter left out.
		  left join lateral (
			with ys as (
				select p.y
				  from peer p
				 where p.indicator = h.indicator and p.period = h.period and p.e_period = h.e_period
				   and p.reporter <> h.reporter
				   -- Here, not in the join condition: a lateral join's condition is
				   -- checked after the subquery ran.
				   and h.n < 4 and h.scope = 'provincial' and abs(h.x) >= ln(1.25::double precision)
			),
			pm as (
				select count(*) as n, percentile_cont(0.5) within group (order by ys.y) as m from ys
			)
			select pm.n, pm.m, (select percentile_cont(0.5) within group (order by abs(ys.y - pm.m)) from ys) as mad
			  from pm
		  ) as pe on true
	)
	select s.submission, s.id, s.reporter, s.indicator, s.period, s.value,
	       case when s.n >= 4 then 'history' when s.zp is not null then 'peers' else 'jump' end,
	       coalesce(s.z, s.zp), s.thr, s.e_period, s.e_value,
	       mestat.outlier_message(s.value, s.e_period, s.e_value, coalesce(s.z, s.zp), s.thr,
	                              case when s.n >= 4 then s.basis end,
	                              case when s.zp is not null then s.peers end, s.peer_median)
	  from scored s
	 where case
	       when s.n >= 4 and s.z is not null then abs(s.z) > s.thr
	       when s.n >= 4 then abs(s.x - s.m) > ln(1.05::double precision)
	       when s.zp is not null then abs(s.zp) > s.thr
	       else abs(s.x) >= ln(10::double precision)
	       end;
end
$$;

comment on function mestat.outliers_of_submissions(bigint[]) is
	'The values stored by the submissions p_submissions that are far from their reporter''s own history: modified '
	'z-score (Iglewicz-Hoaglin) of the log change year-on-year (flows, annual indicators) or quarter-on-quarter (stocks) '
	'against the reporter''s earlier changes, above the indicator''s outlier_threshold; with fewer than 4 earlier '
	'changes, the same score against the other provinces'' changes in the same period (at least 5 of them, each read '
	'as it was before these submissions), else a tenfold change. No change is measured across a break in series '
	'(status B). One row a value held, with its submission.';
