-- 067: a batch's submissions opened by one call, their rows staged by one
-- statement.
--
-- mestatd sent, for each submission of a batch, mestat.ingest_open() and the
-- statement staging its rows: 32 statements for a batch of 16, each with its
-- executor start, and for the opening a plpgsql call with its lookup, its
-- insert and its setting. In a round of bench/pull 3000 the openings took
-- 0.36 ms a submission of the 1.6 ms PostgreSQL spent on it. Now
-- mestat.ingest_batch_open() starts the batch (mestat.ingest_batch_begin()),
-- looks up the earlier receipts of them all and inserts the submission rows
-- of the others by one statement each, and keeps their ids for the
-- transaction (setting mestat.ingest_batch_ids, in the batch's order, none
-- for a replay); mestatd stages every row of the batch by one statement,
-- each row taking the id of its submission's place. mestat.ingest_open()
-- now serves a submission alone only. The current definition is in
-- sql/functions/.

set local role mestat_owner;

-- Stub, replaced by sql/functions/ in the same run.
create function mestat.ingest_batch_open(p_reporter text[], p_via text[], p_source text[], p_format text[],
                                         p_content_type text[], p_sha256 text[], p_body bytea[],
                                         p_client_identity text[], p_idempotency_key text[])
returns table (id bigint, received_at text, receipt text)
language sql as 'select null::bigint, null::text, null::text where false';

comment on function mestat.ingest_batch_open(text[], text[], text[], text[], text[], text[], bytea[], text[], text[])
	is 'Opens a batch''s submissions (definition: sql/functions/).';

revoke all on function mestat.ingest_batch_open(text[], text[], text[], text[], text[], text[], bytea[], text[], text[])
	from public;
grant execute on function mestat.ingest_batch_open(text[], text[], text[], text[], text[], text[], bytea[], text[], text[])
	to mestat_daemon;
