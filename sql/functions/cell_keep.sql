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
-- the statistics of its time: on a new database, where mestat.cell looked
-- small, the planner hashed the written rows and read every row of the
-- table against them.
set enable_hashjoin = off
set enable_mergejoin = off
-- One plan for every statement, whoever writes: under mestat.ingest_apply()
-- (which forces the generic plan) its statements were planned once a
-- connection, but a session storing small sets by COPY or INSERT had them
-- planned again at every statement, the planner judging the generic plan
-- dearer than its custom ones (0.2-0.4 ms of a 5-row statement's 1.6-2.0;
-- docs/scale.md). With hash and merge joins off, their shape is the same for
-- any number of rows.
set plan_cache_mode = force_generic_plan
as $$
declare
	k_r text[];
	k_i text[];
	k_p text[];
begin
	-- One transaction at a time writes a reporter's cells, as
	-- mestat.ingest_apply() has it (which holds the lock already): an
	-- owner's correction (below) rebuilds cells by deleting and inserting
	-- them again. Each reporter written is locked first, in the order of
	-- their codes. (The series' ends and 4-quarter sums are no longer kept
	-- here but by the progress runs, which claim every cell written:
	-- mestat.series_keep, 062.)
	if tg_op = 'INSERT' then
		perform pg_advisory_xact_lock(1835365237, hashtext(r.code))
		   from (select distinct n.reporter as code from new_rows n order by 1) as r;

		-- New versions: each cell written moves to its newest one. Versions
		-- get increasing ids, so a cell already at a higher id (a version of
		-- a transaction that committed first) keeps it and only counts this
		-- one. A statement may write a cell more than once.
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
		       changed_at = case when excluded.observation > c.observation then excluded.changed_at else c.changed_at end;
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
	end if;

	return null;
end
$$;

comment on function mestat.cell_keep() is
	'Statement trigger on mestat.observation (insert, update, delete): keeps mestat.cell at the current version of '
	'each cell written. An insert moves each cell to its newest version; an update or a delete (an owner correcting '
	'history) rebuilds the cells of the old and new rows from their versions. Takes the advisory lock of each '
	'reporter written, as mestat.ingest_apply() does. (The series'' ends, mestat.cell_series, are kept by the progress '
	'runs: mestat.series_keep.) '
	'SECURITY DEFINER: writers of observations need no right on mestat.cell.';
