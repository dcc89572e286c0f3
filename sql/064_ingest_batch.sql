-- 064: several submissions stored, scored and acknowledged by shared statements.
--
-- Each submission paid for every statement of its own: the storing, the
-- outlier scoring, the follow-up insert and the receipt, each with its
-- executor start, its statement triggers and its plan, whatever it held
-- (docs/scale.md, "What a submission costs by its size"). mestatd now sends
-- the submissions of different reporters that wait for a connection
-- together, in one transaction: each is opened, staged and validated on its
-- own as before (mestat.ingest_batch_add(): its refusal touches no other),
-- the valid ones' rows are kept aside with their submission's id
-- (pg_temp.ingest_kept), and one call stores and scores them all
-- (mestat.ingest_batch_apply()).
--
-- The single submission's functions now work the same way, on one:
-- mestat.ingest_apply() keeps its rows aside and stores them by the same
-- statement (mestat.ingest_store_kept()), mestat.ingest_warnings() scores
-- them by the same function (mestat.ingest_warnings_of()), so the two paths
-- cannot drift apart. The scoring takes an array of submissions
-- (mestat.outliers_of_submissions()); its comparison with the other
-- provinces reads a batch-mate's cell as it was before the batch, as if
-- the batch's submissions had been stored at once, none seeing the others
-- (as concurrent submissions may). The current definitions are in
-- sql/functions/.

set local role mestat_owner;

-- Stubs, replaced by sql/functions/ in the same run.
create function mestat.ingest_kept_empty() returns void
language sql as 'select';
create function mestat.ingest_keep(p_submission bigint) returns void
language sql as 'select';
create function mestat.ingest_store_kept()
returns table (submission bigint, new integer, revised integer, unchanged integer, deleted integer)
language sql as 'select null::bigint, null::integer, null::integer, null::integer, null::integer where false';
create function mestat.outliers_of_submissions(p_submissions bigint[])
returns table (submission bigint, observation bigint, reporter text, indicator text, period text, value numeric,
               kind text, score double precision, threshold numeric, compared_period text, compared_value numeric,
               message text)
language sql as 'select null::bigint, null::bigint, null::text, null::text, null::text, null::numeric, null::text,
                        null::double precision, null::numeric, null::text, null::numeric, null::text where false';
create function mestat.ingest_warnings_of(p_submissions bigint[])
returns table (submission bigint, warnings jsonb)
language sql as 'select null::bigint, null::jsonb where false';
create function mestat.ingest_batch_begin() returns void
language sql as 'select';
create function mestat.ingest_batch_add(p_reporter text, p_scheme text default null)
returns table (seq integer, loc text, field text, status integer, reason text)
language sql as 'select null::integer, null::text, null::text, null::integer, null::text where false';
create function mestat.ingest_batch_apply()
returns table (submission bigint, new integer, revised integer, unchanged integer, deleted integer, warnings jsonb)
language sql as 'select null::bigint, null::integer, null::integer, null::integer, null::integer, null::jsonb where false';

comment on function mestat.ingest_kept_empty() is 'Empties the kept rows (definition: sql/functions/).';
comment on function mestat.ingest_keep(bigint) is 'Keeps rows for storing (definition: sql/functions/).';
comment on function mestat.ingest_store_kept() is 'Stores the kept rows (definition: sql/functions/).';
comment on function mestat.outliers_of_submissions(bigint[]) is 'Outliers of submissions (definition: sql/functions/).';
comment on function mestat.ingest_warnings_of(bigint[]) is 'Warnings of submissions (definition: sql/functions/).';
comment on function mestat.ingest_batch_begin() is 'Starts a batch (definition: sql/functions/).';
comment on function mestat.ingest_batch_add(text, text) is 'Adds a submission to a batch (definition: sql/functions/).';
comment on function mestat.ingest_batch_apply() is 'Stores a batch (definition: sql/functions/).';

revoke all on function mestat.ingest_kept_empty() from public;
revoke all on function mestat.ingest_keep(bigint) from public;
revoke all on function mestat.ingest_store_kept() from public;
revoke all on function mestat.outliers_of_submissions(bigint[]) from public;
revoke all on function mestat.ingest_warnings_of(bigint[]) from public;
revoke all on function mestat.ingest_batch_begin() from public;
revoke all on function mestat.ingest_batch_add(text, text) from public;
revoke all on function mestat.ingest_batch_apply() from public;
grant execute on function mestat.ingest_kept_empty(), mestat.ingest_keep(bigint), mestat.ingest_store_kept(),
	mestat.outliers_of_submissions(bigint[]), mestat.ingest_warnings_of(bigint[]), mestat.ingest_batch_begin(),
	mestat.ingest_batch_add(text, text), mestat.ingest_batch_apply() to mestat_daemon;
