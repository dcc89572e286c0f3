-- 059: each assessment carries its indicator's place in the plan
-- (sort_key, mestat.indicator.sort_key), and the rows of a chain have an
-- index in the order report.progress_by_reporter lists them: (chain,
-- reporter, sort_key, indicator).
--
-- The view sorted every row it read: the chain index gave them by
-- reporter, then indicator code, and the plan's order (sort_key) came from
-- the catalog, joined on. At county scale (285,000 rows of ~900 bytes,
-- after the labels are joined) the sort took a third of the read: all of
-- the view in 1.71-1.78 s, in 1.08-1.18 s from the new index with no sort
-- (a kept county database, EXPLAIN ANALYZE with timing off, the same
-- session). report.progress (the national rows, reporter NULL) reads the
-- same index for its order by (sort_key, indicator).
--
-- The column is written by the progress runs (mestat.progress_assess) and
-- compared with the rest of a row, so a clause moved in the catalog, which
-- queues a full run, rewrites the rows it reorders. It may be NULL, as the
-- catalog's is for an indicator without a clause of the plan.

set local role mestat_owner;

alter table mestat.progress_snapshot_detail add column sort_key integer;
comment on column mestat.progress_snapshot_detail.sort_key is
	'The indicator''s place in the plan when the row was computed (mestat.indicator.sort_key): the report views list '
	'rows by (reporter, sort_key, indicator), read in that order from progress_snapshot_detail_order.';
update mestat.progress_snapshot_detail d
   set sort_key = i.sort_key
  from mestat.indicator i
 where i.code = d.indicator and d.sort_key is distinct from i.sort_key;
create index progress_snapshot_detail_order on mestat.progress_snapshot_detail (chain, reporter, sort_key, indicator);
comment on index mestat.progress_snapshot_detail_order is
	'The rows of a chain in the order the report views list them (reporter, then the plan''s order): '
	'report.progress_by_reporter and report.progress read them without a sort (059).';
