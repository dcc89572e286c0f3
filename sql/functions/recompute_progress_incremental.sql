-- mestat.recompute_progress_incremental: the current definition of this function.
-- First created in 032_incremental_progress.sql, last changed in 040_progress_delta_snapshots.sql
-- (it stores only the rows it reassesses).
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.recompute_progress_incremental() returns bigint
language plpgsql
security definer
set search_path = mestat, pg_temp
set work_mem = '256MB'
set client_min_messages = warning
set jit = off
as $$
declare
	snap bigint;
	prev bigint;
	started timestamptz := clock_timestamp();
	n_details integer;
	n_gone integer;
	chain_base bigint;
	prev_details integer;
begin
	-- The same lock as mestat.recompute_progress(): runs never overlap, so
	-- the previous snapshot is the one this run builds on.
	perform pg_advisory_xact_lock(1835365236, 1);
	perform mestat.flag_source_gaps();

	select s.id, coalesce(s.base, s.id), s.details into prev, chain_base, prev_details
	  from mestat.progress_snapshot s order by s.id desc limit 1;
	if prev is null or exists (select 1 from mestat.progress_pending p where p.indicator is null) then
		return mestat.recompute_progress();
	end if;

	-- Claim the queue before reading any value: a change committed after
	-- this statement stays queued for the next run.
	create temp table if not exists pr_claim (indicator text, reporter text, period text) on commit drop;
	truncate pg_temp.pr_claim;
	with claimed as (delete from mestat.progress_pending returning indicator, reporter, period)
	insert into pg_temp.pr_claim select distinct c.indicator, c.reporter, c.period from claimed c;
	if not found then
		return null; -- nothing changed since the last run
	end if;
	-- The national sums are kept in parts over the ranges of reporters the
	-- last full run cut (mestat.progress_national_part): a cell of a
	-- reporter in none (a change of the reporters queues a full run, so only
	-- a database the ranges were never cut in) needs a full run.
	if exists (select 1 from pg_temp.pr_claim c
	            where not exists (select 1 from mestat.progress_reporter_range g
	                               where c.reporter between g.lo and g.hi)) then
		return mestat.recompute_progress();
	end if;

	-- What the changed cells can alter (docs/method.md, "Incremental runs"):
	--   their own (indicator, reporter) rows;
	--   the national rows of their indicators, of the rates built from them
	--   (numerator, denominator) and of the columns listing them;
	--   the completeness of their (reporter, period) reports.
	-- Whether a reporter is added up, which source is national, targets and
	-- thresholds are not changed by values: a change to them queues a full run.
	perform mestat.progress_scope_reset();
	insert into pg_temp.pr_only_pair select distinct c.indicator, c.reporter from pg_temp.pr_claim c;
	insert into pg_temp.pr_only_rp select distinct c.reporter, c.period from pg_temp.pr_claim c;
	insert into pg_temp.pr_only_np select distinct c.indicator, c.period, c.reporter from pg_temp.pr_claim c;
	insert into pg_temp.pr_only_ind
	select c.indicator from pg_temp.pr_claim c
	union
	select i.code from mestat.indicator i join pg_temp.pr_claim c on c.indicator in (i.numerator, i.denominator)
	union
	select ci.column_indicator from mestat.column_item ci join pg_temp.pr_claim c on c.indicator = ci.indicator;
	-- A national row reads its indicator, a rate's parts and a column's items.
	insert into pg_temp.pr_need_ind
	select a.indicator from pg_temp.pr_only_ind a
	union
	select p.code from pg_temp.pr_only_ind a
	  join mestat.indicator i on i.code = a.indicator
	 cross join lateral (values (i.numerator), (i.denominator)) as p(code)
	 where p.code is not null
	union
	select ci.indicator from mestat.column_item ci join pg_temp.pr_only_ind a on a.indicator = ci.column_indicator;
	analyze pg_temp.pr_need_ind, pg_temp.pr_only_ind, pg_temp.pr_only_pair, pg_temp.pr_only_rp, pg_temp.pr_only_np;

	insert into mestat.progress_snapshot (note, kind, base)
	values ('mestat.recompute_progress_incremental() method 2 with national sources (docs/method.md)', 'incremental',
	        chain_base)
	returning id into snap;
	update mestat.progress_snapshot s
	   set as_of_period = p.as_of_period
	  from mestat.progress_snapshot p
	 where s.id = snap and p.id = prev;
	n_details := mestat.progress_assess(snap, true);

	-- The rest of the whole is the previous snapshot's, unchanged: it is not
	-- copied. The rows this run replaced are marked superseded in the chain
	-- (base .. prev), so that readers resolving this snapshot, or any later
	-- one, take the new rows, and those resolving an earlier one still take
	-- the old (report.progress_history).
	-- (Each key looked up in progress_snapshot_detail_chain, the lookup kept
	-- apart by OFFSET 0, then the rows updated by their ctid: right after a
	-- full run the table's statistics do not know the new chain, and a join
	-- or a filter read the whole of it.)
	update mestat.progress_snapshot_detail d
	   set superseded_by = snap
	 where d.ctid = any (array(
		select o.ctid
		  from pg_temp.pr_only_ind a
		 cross join lateral (select o.ctid from mestat.progress_snapshot_detail o
		                      where o.chain = chain_base and o.reporter is null and o.indicator = a.indicator
		                        and o.snapshot < snap and o.superseded_by is null offset 0) as o
		union all
		select o.ctid
		  from pg_temp.pr_only_pair p
		 cross join lateral (select o.ctid from mestat.progress_snapshot_detail o
		                      where o.chain = chain_base and o.reporter = p.reporter and o.indicator = p.indicator
		                        and o.snapshot < snap and o.superseded_by is null offset 0) as o));
	get diagnostics n_gone = row_count;

	update mestat.progress_snapshot
	   set elapsed = clock_timestamp() - started,
	       details = prev_details - n_gone + n_details,
	       written = n_details
	 where id = snap;
	return snap;
end
$$;

comment on function mestat.recompute_progress_incremental() is
	'mestatd soon after accepted submissions: reassess only what the changes queued in mestat.progress_pending can '
	'alter (the changed (indicator, reporter) rows, the national rows of their indicators and of the rates and columns '
	'built from them, the completeness of their reports) and store them as a new snapshot resting on the previous '
	'ones back to the last full one (progress_snapshot.base; the rows it replaced are marked superseded_by it), '
	'which readers see whole (report.progress_history); the same method and results as mestat.recompute_progress(), which it runs instead when no '
	'snapshot exists yet or a full run is queued (a catalog, target, reporter, threshold, setting or calendar change). '
	'Returns the snapshot id, or NULL when nothing was queued. SECURITY DEFINER; the same lock as '
	'mestat.recompute_progress().';
