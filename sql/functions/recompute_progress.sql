-- mestat.recompute_progress: the current definition of this function.
-- First created in 008_progress.sql, last changed in 032_incremental_progress.sql
-- (the assessment itself moved to mestat.progress_assess); 040 added the
-- snapshot's written count.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.recompute_progress() returns bigint
language plpgsql
security definer
set search_path = mestat, pg_temp
set work_mem = '256MB'
set client_min_messages = warning
-- The assessment's estimated cost is far above what it does (a few thousand
-- rows, a few lookups each): compiling it with JIT took minutes.
set jit = off
as $$
declare
	snap bigint;
	started timestamptz := clock_timestamp();
	n_details integer;
begin
	-- One run at a time in a database (key 'mest', 1); mestatd also takes a
	-- session lock first so that several daemons do not queue up here.
	perform pg_advisory_xact_lock(1835365236, 1);

	-- A gap between a national source and the provinces becomes a follow-up
	-- first, so that this run's notes already name it.
	perform mestat.flag_source_gaps();
	-- Everything queued for an incremental run is covered by this one: the
	-- queue is claimed before the values are read, so a change committed
	-- meanwhile stays queued (and is read again by the next run). The cells
	-- claimed are those whose parts of the national sums and reports
	-- received it computes again (pr_only_np), unless it goes over every
	-- cell for them (mestat.progress_assess). Past 100,000 cells (a load, a
	-- province's history sent again) going over every cell is the quicker:
	-- what is kept is forgotten (mestat.progress_kept_basis), which has the
	-- run do that, and the queue emptied without listing the cells.
	perform mestat.progress_scope_reset();
	if (select count(*) from (select from mestat.progress_pending limit 100001) as q) > 100000 then
		delete from mestat.progress_kept_basis;
		delete from mestat.progress_pending;
	else
		with claimed as (delete from mestat.progress_pending returning indicator, reporter, period)
		insert into pg_temp.pr_only_np
		select distinct c.indicator, c.period, c.reporter from claimed c where c.reporter is not null;
		analyze pg_temp.pr_only_np;
	end if;

	insert into mestat.progress_snapshot (note) values ('mestat.recompute_progress() method 2 with national sources (docs/method.md)')
	returning id into snap;

	n_details := mestat.progress_assess(snap, false);

	update mestat.progress_snapshot
	   set elapsed = clock_timestamp() - started,
	       details = n_details,
	       -- (progress_assess says how many it stored: a full run stores
	       -- only what changed, unless it starts a chain.)
	       written = coalesce(written, n_details)
	 where id = snap;
	return snap;
end
$$;

comment on function mestat.recompute_progress() is
	'mestatd (on a schedule and after accepted submissions) or the plan office: assess every active indicator with a '
	'target version in force, nationally and per reporter, and write it as a new snapshot (mestat.progress_snapshot + '
	'progress_snapshot_detail; earlier snapshots are kept): the rows that differ from the previous snapshot''s whole, '
	'in its chain, or every row when it starts a chain (057). A target''s basis decides the method: plan_number → ratio '
	'(or a column''s coverage), plan_direction → growth since the base year, monitoring → trend without a class. '
	'National values are assessed at the latest complete period, on the figure of the indicator''s national source '
	'(its department, or the provinces added up; columns source and source_reporter, and the note); a gap outside '
	'tolerance between a source and the provinces'' sum becomes a follow-up (mestat.flag_source_gaps). Also replaces mestat.reporting_status (completeness '
	'and timeliness, from 2016). Returns the snapshot id. Method 2: docs/method.md. SECURITY DEFINER; one run at a time '
	'per database (advisory transaction lock 1835365236, 1). Values rest on their status: a reported-missing cell (status M, L...) '
	'counts as received but is no value; a break in series (status B) is never crossed by growth or a trend; the note '
	'names the provisional, estimated... values and those under follow-up a row rests on (mestat.quality_note).';
