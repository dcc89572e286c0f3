-- 065: a batch's submissions validated by one run of the rules.
--
-- In a batch (064) each submission was still validated by a run of its own:
-- some forty statements, whatever its size, most of what a five-row
-- submission costs once its storing is shared (docs/scale.md, "Submissions
-- validated together"). The rows of a batch's submissions are now staged
-- side by side, each with the id of its submission
-- (pg_temp.ingest_row.submission), and mestat.ingest_batch_check() judges
-- them all by one run of mestat.ingest_validate(), each row against its own
-- sender (pg_temp.ingest_row.submitter; mestat.ingest_validate_catalog_rows()
-- with no p_reporter). That run gives each submission the judgement it
-- would have alone when no rule can read one's rows for another's: the
-- reporters differ, none is the ministry, a department or the parent of
-- another. When it refuses anything, or they are not such, each submission
-- is judged again alone, on its rows as sent, for its own answer. The
-- current definitions are in sql/functions/.

set local role mestat_owner;

-- Stub, replaced by sql/functions/ in the same run.
create function mestat.ingest_batch_check()
returns table (submission bigint, seq integer, loc text, field text, status integer, reason text)
language sql as 'select null::bigint, null::integer, null::text, null::text, null::integer, null::text where false';

comment on function mestat.ingest_batch_check() is 'Validates a batch (definition: sql/functions/).';

revoke all on function mestat.ingest_batch_check() from public;
grant execute on function mestat.ingest_batch_check() to mestat_daemon;
