-- 040: an incremental snapshot stores only the rows it reassessed; the rest
-- of its whole is read from the snapshots before it back to the full one it
-- rests on (its base). Copying the ~285,000 unchanged rows of a county-scale
-- snapshot was as large a write as a full run and most of an incremental
-- run's time. A row another snapshot of the chain reassessed is marked with
-- that snapshot (superseded_by), so that the whole of snapshot S is the rows
-- of the chain base(S) .. S not superseded by S or before
-- (report.progress_history; docs/method.md, "Incremental runs").

set local role mestat_owner;

alter table mestat.progress_snapshot
	add column base bigint references mestat.progress_snapshot (id),
	add column written integer;
comment on column mestat.progress_snapshot.base is
	'Incremental snapshots (from 040 on): the snapshot whole in itself (a full one) they rest on; their whole is that snapshot''s rows and '
	'those of the incremental snapshots after it up to this one, each key''s latest. NULL: the snapshot is whole in '
	'itself (a full run, or an incremental one written before 040, which copied the unchanged rows). A full snapshot '
	'cannot be deleted while an incremental one rests on it (prune a chain whole).';
comment on column mestat.progress_snapshot.written is
	'Rows this run wrote to progress_snapshot_detail (details counts the rows of the whole).';
comment on column mestat.progress_snapshot.details is
	'Number of assessments in the snapshot as a whole (for an incremental one, written counts the rows it stored).';

-- chain: the base of the row's snapshot (its own id for a full one). The
-- whole of any snapshot is then one range of the index on chain, and the
-- latest one comes out in the order the console pages it (reporter,
-- indicator); it replaces the index on (snapshot, reporter, indicator), so a
-- full run maintains no more indexes than before (the unique key, which
-- leads with snapshot, serves the cascade of a pruned snapshot).
alter table mestat.progress_snapshot_detail add column chain bigint, add column superseded_by bigint;
update mestat.progress_snapshot_detail set chain = snapshot;
alter table mestat.progress_snapshot_detail alter column chain set not null;
comment on column mestat.progress_snapshot_detail.chain is
	'The snapshot whole in itself that this row''s snapshot rests on (progress_snapshot.base), or that snapshot itself.';
drop index mestat.progress_snapshot_detail_scope;
create index progress_snapshot_detail_chain on mestat.progress_snapshot_detail (chain, reporter, indicator, snapshot);
comment on index mestat.progress_snapshot_detail_chain is
	'The rows of a chain (a full snapshot and the incremental ones resting on it), national (reporter NULL) or per '
	'reporter: any snapshot''s whole is a range of it.';
comment on column mestat.progress_snapshot_detail.superseded_by is
	'The later incremental snapshot of the same chain that reassessed this row''s (indicator, reporter): the row '
	'belongs to the wholes of snapshots from its own up to the one before that. NULL: not reassessed since.';

comment on column mestat.progress_snapshot.kind is
	'full: every assessment computed and stored; incremental: the assessments a change could alter computed and '
	'stored, the others read from the snapshots before it back to its base (mestat.recompute_progress_incremental). '
	'Either way readers see the snapshot as a whole (report.progress_history).';
