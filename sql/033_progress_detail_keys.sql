-- 033: the assessments' rows are written by mestat.progress_assess() and
-- copied by mestat.recompute_progress_incremental() only, from codes and ids
-- they read in the catalog, which keeps every version it ever had (observations
-- keep their indicators, reporters and periods; target versions refuse
-- deletion). Checking five foreign keys on each of a county-scale snapshot's
-- 285,000 rows was a fifth of a full run and most of an incremental one's
-- copy: the keys to the catalog go; the one to the snapshot stays (pruning
-- deletes a snapshot's rows with it).

set local role mestat_owner;

alter table mestat.progress_snapshot_detail
	drop constraint progress_snapshot_detail_first_period_fkey,
	drop constraint progress_snapshot_detail_indicator_fkey,
	drop constraint progress_snapshot_detail_period_fkey,
	drop constraint progress_snapshot_detail_reporter_fkey,
	drop constraint progress_snapshot_detail_target_id_fkey;
