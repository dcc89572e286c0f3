-- 057: a full progress run stores only the assessments that changed.
--
-- A full run (mestat.recompute_progress: every assessment computed) wrote
-- every row of its snapshot, 285,100 at county scale (~125 MB), every
-- recompute_interval, even when nothing had changed. It now compares what it
-- computed with the previous snapshot's whole and, as an incremental run
-- does (040), stores only the rows that differ, in that snapshot's chain,
-- marking the rows they replace, or that are no more, superseded by it. A
-- chain starts anew, every row stored, when it would hold more than an
-- eighth more rows than its whole, so that a reader of the latest whole
-- reads at most 1.125 rows a row (mestat.progress_assess). Nothing changes
-- for readers: a snapshot's whole is its chain's rows up to it, not
-- superseded by then (report.progress_history). Only the words of the
-- columns that said a full snapshot is whole in itself change.

set local role mestat_owner;

comment on column mestat.progress_snapshot.base is
	'The snapshot that starts this one''s chain (from 040 for incremental snapshots, from 057 for full ones too): this '
	'snapshot stored only the rows it computed differently from the snapshot before it (an incremental run: the rows it '
	'reassessed), and its whole is the chain''s rows from the base up to it, each key''s latest (report.progress_history). '
	'NULL: the snapshot starts a chain and stored its whole (a full run with no snapshot before it, or whose chain had '
	'grown an eighth past its whole; before 057 every full run; an incremental one written before 040, which copied the '
	'unchanged rows). A snapshot cannot be deleted while another rests on it (prune a chain whole).';
comment on column mestat.progress_snapshot.kind is
	'full: every assessment computed (mestat.recompute_progress), the rows that differ from the previous snapshot''s '
	'whole stored (all of them when it starts a chain); incremental: the assessments a change could alter computed and '
	'stored, the others read from the snapshots before it back to its base (mestat.recompute_progress_incremental). '
	'Either way readers see the snapshot as a whole (report.progress_history).';
comment on column mestat.progress_snapshot.written is
	'Rows this run wrote to progress_snapshot_detail (details counts the rows of the whole; 0 for a full run that found '
	'nothing changed).';
comment on column mestat.progress_snapshot_detail.superseded_by is
	'The later snapshot of the same chain (incremental, or full from 057) that assessed this row''s (indicator, '
	'reporter) differently, or no more: the row belongs to the wholes of snapshots from its own up to the one before '
	'that. NULL: not replaced since.';
