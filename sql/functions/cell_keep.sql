-- mestat.cell_keep: the current definition of this function.
-- First created in 047_cell.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.cell_keep() returns trigger
language plpgsql
security definer
set search_path = mestat, pg_temp
-- A handful of rows: compiling the plan with JIT would take longer than running it.
set jit = off
-- And each join a probe of a key. A plan a connection keeps is made from
-- the statistics of its time: on a new database, where mestat.cell and
-- mestat.cell_series looked small, the planner hashed the written series and
-- read every row of the table against them (the sums' update, the series
-- that lost their last value).
set enable_hashjoin = off
set enable_mergejoin = off
-- One plan for every statement, whoever writes: under mestat.ingest_apply()
-- (which forces the generic plan) the series statement below was planned
-- once a connection, but a session storing small sets by COPY or INSERT had
-- it planned again at every statement, the planner judging the generic plan
-- dearer than its custom ones (0.2-0.4 ms of a 5-row statement's 1.6-2.0;
-- docs/scale.md). With hash and merge joins off, its shape is the same for
-- any number of rows.
set plan_cache_mode = force_generic_plan
as $$
declare
	k_r text[];
	k_i text[];
	k_p text[];
begin
	-- One transaction at a time writes a reporter's cells, as
	-- mestat.ingest_apply() has it (which holds the lock already): the sums
	-- at the end read the series as the transactions before it left them,
	-- so no 4-quarter sum misses a quarter written beside it. Each reporter
	-- written is locked first, in the order of their codes.
	if tg_op = 'INSERT' then
		perform pg_advisory_xact_lock(1835365237, hashtext(r.code))
		   from (select distinct n.reporter as code from new_rows n order by 1) as r;

		-- New versions: each cell written moves to its newest one. Versions
		-- get increasing ids, so a cell already at a higher id (a version of
		-- a transaction that committed first) keeps it and only counts this
		-- one. A statement may write a cell more than once. The cells
		-- written come back as (k_r, k_i); the sums below take each series
		-- once.
		with kept as (
			insert into mestat.cell as c (reporter, indicator, period, observation, value, deleted, status, comment,
			                              submission, changed_at, versions, first_recorded_at, first_value_at)
			select distinct on (n.reporter, n.indicator, n.period)
			       n.reporter, n.indicator, n.period, n.id, n.value, n.deleted, n.status, n.comment, n.submission,
			       n.recorded_at, (count(*) over w)::integer, min(n.recorded_at) over w,
			       min(n.recorded_at) filter (where not n.deleted) over w
			  from new_rows n
			window w as (partition by n.reporter, n.indicator, n.period)
			 order by n.reporter, n.indicator, n.period, n.id desc
			    on conflict (reporter, indicator, period) do update
			   set versions = c.versions + excluded.versions,
			       first_recorded_at = least(c.first_recorded_at, excluded.first_recorded_at),
			       first_value_at = least(c.first_value_at, excluded.first_value_at),
			       observation = greatest(c.observation, excluded.observation),
			       value = case when excluded.observation > c.observation then excluded.value else c.value end,
			       deleted = case when excluded.observation > c.observation then excluded.deleted else c.deleted end,
			       status = case when excluded.observation > c.observation then excluded.status else c.status end,
			       comment = case when excluded.observation > c.observation then excluded.comment else c.comment end,
			       submission = case when excluded.observation > c.observation then excluded.submission else c.submission end,
			       changed_at = case when excluded.observation > c.observation then excluded.changed_at else c.changed_at end
			returning c.reporter, c.indicator
		)
		select array_agg(kept.reporter), array_agg(kept.indicator) into k_r, k_i from kept;
	else
		-- An owner correcting history (update, delete): the cells of the
		-- rows touched, before and after, are rebuilt from the versions
		-- they have now.
		if tg_op = 'UPDATE' then
			select array_agg(t.reporter), array_agg(t.indicator), array_agg(t.period) into k_r, k_i, k_p
			  from (select n.reporter, n.indicator, n.period from new_rows n
			        union
			        select o.reporter, o.indicator, o.period from old_rows o) as t;
		else
			select array_agg(t.reporter), array_agg(t.indicator), array_agg(t.period) into k_r, k_i, k_p
			  from (select distinct o.reporter, o.indicator, o.period from old_rows o) as t;
		end if;
		perform pg_advisory_xact_lock(1835365237, hashtext(r.code))
		   from (select distinct x.code from unnest(k_r) as x(code) order by 1) as r;

		delete from mestat.cell c
		 where (c.reporter, c.indicator, c.period) in (select * from unnest(k_r, k_i, k_p));
		insert into mestat.cell (reporter, indicator, period, observation, value, deleted, status, comment, submission,
		                         changed_at, versions, first_recorded_at, first_value_at)
		select distinct on (o.reporter, o.indicator, o.period)
		       o.reporter, o.indicator, o.period, o.id, o.value, o.deleted, o.status, o.comment, o.submission,
		       o.recorded_at, (count(*) over w)::integer, min(o.recorded_at) over w,
		       min(o.recorded_at) filter (where not o.deleted) over w
		  from mestat.observation o
		 where (o.reporter, o.indicator, o.period) in (select * from unnest(k_r, k_i, k_p))
		window w as (partition by o.reporter, o.indicator, o.period)
		 order by o.reporter, o.indicator, o.period, o.id desc;
		-- It may remove every cell of a series: the series' row goes (the
		-- ends below are those of the series that have cells).
		delete from mestat.cell_series cs
		 where (cs.reporter, cs.indicator) in (select * from unnest(k_r, k_i))
		   and not exists (select 1 from mestat.cell c
		                    where c.reporter = cs.reporter and c.indicator = cs.indicator
		                      and (length(c.period) = 6) = cs.quarterly);
	end if;

	-- Then, for each series written, read apart by the prefix of the key
	-- and in its order (joined with all the series at once, the plan a
	-- connection keeps, made while mestat.cell was new and thought empty,
	-- scanned every cell at each submission: bench/pull 8.5-10.8 ms of
	-- PostgreSQL's CPU a submission instead of 4.2-4.9 ms):
	-- - its 4-quarter sums (sum4), stored where they changed: a quarter's
	--   value and the three quarters' before it, when the four are
	--   consecutive and each has a value (a deleted or reported-missing
	--   cell has none);
	-- - its ends in mestat.cell_series (056), from those sums: the first
	--   and the latest value after the base year (k 0), the base year's,
	--   the one four quarters before the latest, and the same of the sums;
	--   its quarters and its years apart. A series left without a value
	--   keeps its row with none (n 0); without a cell, it loses it.
	with ser as (
		select distinct u.reporter, u.indicator from unnest(k_r, k_i) as u(reporter, indicator)
	),
	s as (
		select x.reporter, x.indicator, x.period, x.k, x.quarterly, x.value, x.was, x.sum4,
		       max(x.k) filter (where x.k > 0 and x.value is not null) over e as kl,
		       max(x.k) filter (where x.k > 0 and x.sum4 is not null) over e as kl4
		  from ser
		 cross join lateral (
			select y.reporter, y.indicator, y.period, y.k, length(y.period) = 6 as quarterly, y.value,
			       y.sum4 as was,
			       case when length(y.period) = 6 and lag(y.k, 3) over w = y.k - 3 and count(y.value) over w = 4
			            then sum(y.value) over w end as sum4
			  from mestat.cell y
			 where y.reporter = ser.reporter and y.indicator = ser.indicator
			window w as (partition by length(y.period) = 6 order by y.period rows between 3 preceding and current row)
		       ) as x
		window e as (partition by x.reporter, x.indicator, x.quarterly)
	),
	sums as (
		update mestat.cell c
		   set sum4 = s.sum4
		  from s
		 where c.reporter = s.reporter and c.indicator = s.indicator and c.period = s.period
		   and s.sum4 is distinct from s.was
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
	)
	insert into mestat.cell_series as cs (reporter, indicator, quarterly, n, k_first, v_first, k_last, v_last, v_base,
	                                      v_prev, n4, k_first4, sum4_first, k_last4, sum4_last, sum4_base, sum4_prev)
	select * from ends
	    on conflict (reporter, indicator, quarterly) do update
	   set n = excluded.n, k_first = excluded.k_first, v_first = excluded.v_first, k_last = excluded.k_last,
	       v_last = excluded.v_last, v_base = excluded.v_base, v_prev = excluded.v_prev, n4 = excluded.n4,
	       k_first4 = excluded.k_first4, sum4_first = excluded.sum4_first, k_last4 = excluded.k_last4,
	       sum4_last = excluded.sum4_last, sum4_base = excluded.sum4_base, sum4_prev = excluded.sum4_prev
	 where (cs.*) is distinct from (excluded.*);
	return null;
end
$$;

comment on function mestat.cell_keep() is
	'Statement trigger on mestat.observation (insert, update, delete): keeps mestat.cell at the current version of '
	'each cell written. An insert moves each cell to its newest version; an update or a delete (an owner correcting '
	'history) rebuilds the cells of the old and new rows from their versions. Then the 4-quarter sums of the series '
	'written are computed again, and their ends in mestat.cell_series. Takes the advisory lock of each reporter '
	'written, as mestat.ingest_apply() does. '
	'SECURITY DEFINER: writers of observations need no right on mestat.cell.';
