-- 053: one index fewer on the assessments (mestat.progress_snapshot_detail).
--
-- The table had a unique key (snapshot, indicator, reporter, period) and the
-- chain index (chain, reporter, indicator, snapshot) that every reader uses
-- (040). A row's chain follows from its snapshot (the snapshot's base, or
-- the snapshot itself when it has none), so one unique index on (chain,
-- reporter, indicator, snapshot, period) keys the rows as the two did, and a
-- run writes three indexes instead of four. Nothing read the unique key but
-- the cascade of a deleted snapshot, which now finds the rows by chain.
--
-- That the chain follows from the snapshot was kept by the progress runs
-- only; it is now checked where the snapshot is (the statement triggers of
-- 051, mestat.progress_snapshot_rows_check and _cascade): a row naming a
-- chain other than its snapshot's is refused, inserted or moved, and a
-- snapshot's base cannot change while rows name it (SQLSTATE 23503, as a
-- foreign key on (snapshot, chain) would refuse them).
--
-- Measured on two kept county databases (285,100 assessments a run), full
-- runs in a rolled-back transaction, the two alternating: 39.2, 33.5, 35.2,
-- 36.5, 35.9, 41.6 and 35.8 s with the one index (36.8 s on average) against
-- 41.2, 38.7, 34.5, 40.2, 40.1, 44.1 and 37.3 s with both (39.4 s). Deleting
-- an incremental snapshot now reads its chain's range of the index: 0.2 s
-- at county scale.

set local role mestat_owner;

do $$
declare
	bad record;
begin
	select d.id, d.snapshot, d.chain, coalesce(s.base, s.id) as should into bad
	  from mestat.progress_snapshot_detail d
	  join mestat.progress_snapshot s on s.id = d.snapshot
	 where d.chain <> coalesce(s.base, s.id)
	 limit 1;
	if found then
		raise exception '053: assessment % of snapshot % names chain %, not its snapshot''s chain %',
			bad.id, bad.snapshot, bad.chain, bad.should;
	end if;
end
$$;

alter table mestat.progress_snapshot_detail
	drop constraint progress_snapshot_detail_snapshot_indicator_reporter_period_key;
drop index mestat.progress_snapshot_detail_chain;
create unique index progress_snapshot_detail_chain on mestat.progress_snapshot_detail
	(chain, reporter, indicator, snapshot, period) nulls not distinct;
comment on index mestat.progress_snapshot_detail_chain is
	'The rows of a chain (a full snapshot and the incremental ones resting on it), national (reporter NULL) or per '
	'reporter: any snapshot''s whole is a range of it. Unique: one row per (snapshot, indicator, reporter, period), '
	'the chain following from the snapshot (053).';

drop trigger snapshot_key_update on mestat.progress_snapshot_detail;
create trigger snapshot_key_update after update of snapshot, chain on mestat.progress_snapshot_detail
	for each row execute function mestat.progress_snapshot_rows_check();
comment on trigger snapshot_key_update on mestat.progress_snapshot_detail is
	'A row moved to another snapshot or chain names a snapshot that exists, and that snapshot''s chain.';
comment on trigger snapshot_key on mestat.progress_snapshot_detail is
	'The snapshot each new row names exists and the row names its chain (checked once per INSERT statement, SQLSTATE '
	'23503); the snapshot is locked as a foreign key locks it.';

drop trigger snapshot_rows_update on mestat.progress_snapshot;
create trigger snapshot_rows_update after update of id, base on mestat.progress_snapshot
	for each row execute function mestat.progress_snapshot_rows_cascade();
comment on trigger snapshot_rows_update on mestat.progress_snapshot is
	'A snapshot''s id cannot change while rows name it, nor its base while assessments name it (SQLSTATE 23503).';
