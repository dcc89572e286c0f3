-- 066: a batch's receipts written by the key of each submission.
--
-- mestatd wrote a batch's receipts and refusals by one UPDATE joining
-- mestat.submission with the entries by id. A connection keeps its plan of
-- that statement, and one made in a new database's first minute, while the
-- table was a few unanalyzed pages, hashed every submission at each batch
-- (bench/pull: 623 scans read 934,815 rows in a round of 3,000;
-- docs/scale.md, "Plans made on a new database"). mestat.ingest_batch_close()
-- writes each entry by its own UPDATE of the key, which the planner makes a
-- probe of the index at any size. The current definition is in
-- sql/functions/.

set local role mestat_owner;

-- Stub, replaced by sql/functions/ in the same run.
create function mestat.ingest_batch_close(p_entries jsonb) returns void
language sql as 'select';

comment on function mestat.ingest_batch_close(jsonb) is 'Writes a batch''s receipts (definition: sql/functions/).';

revoke all on function mestat.ingest_batch_close(jsonb) from public;
grant execute on function mestat.ingest_batch_close(jsonb) to mestat_daemon;
