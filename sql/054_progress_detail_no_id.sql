-- 054: the assessments (mestat.progress_snapshot_detail) lose their id.
--
-- Each row had an identity column and a primary key on it that nothing
-- read: the readers find rows by the chain index, the incremental runs mark
-- the rows they replace by their ctid, and nothing refers to an assessment
-- by id. A row's key is (chain, reporter, indicator, snapshot, period), kept
-- unique by progress_snapshot_detail_chain (053). A full run wrote 285,100
-- ids at county scale, each drawn from the sequence and each an entry of the
-- primary key's index: a run now writes two indexes instead of three.
--
-- Measured on a kept county database (bench/progress, 285,100 assessments a
-- run), full runs in a rolled-back transaction, with and without the column
-- alternating, ten pairs: 46.2, 40.6, 31.3, 33.3, 42.3, 45.2, 44.9, 38.1,
-- 32.7 and 31.5 s without it (38.6 s on average; lower in 8 of the 10
-- pairs) against 47.7, 50.3, 35.7, 33.7, 37.9, 49.2, 44.2, 39.0, 39.5 and
-- 34.7 s with it (41.2 s).

set local role mestat_owner;

alter table mestat.progress_snapshot_detail drop column id;
