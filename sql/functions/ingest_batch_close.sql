-- mestat.ingest_batch_close: the current definition of this function.
-- First created in 066_ingest_batch_close.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.ingest_batch_close(p_entries jsonb) returns void
language plpgsql
set search_path = mestat, pg_temp
-- A handful of rows: compiling the plan with JIT would take longer than running it.
set jit = off
-- One probe of the key an entry, whatever the table's size when the plan
-- was made: a plan a connection made on a new database's few pages hashed
-- or scanned every submission at each batch (066). With neither a hash,
-- a merge nor a scan of the table to choose, the entries drive a loop of
-- probes of the primary key.
set enable_hashjoin = off
set enable_mergejoin = off
set enable_seqscan = off
set enable_bitmapscan = off
as $$
begin
	-- Each column written only where the entry names it: the receipt once,
	-- the outcome of a refused one. One statement for the batch: an UPDATE
	-- an entry from a loop took twice as long, 78-106 ms against 36-38 ms
	-- for 48 batches of 32 (docs/scale.md, "A batch's answers written by one
	-- statement").
	update mestat.submission s
	   set counts = coalesce(x.counts, s.counts), receipt = coalesce(x.receipt, s.receipt),
	       outcome = coalesce(x.outcome, s.outcome), http_status = coalesce(x.http_status, s.http_status),
	       error_detail = coalesce(x.error_detail, s.error_detail)
	  from jsonb_to_recordset(p_entries) as x(id bigint, counts jsonb, receipt text, outcome text,
	                                           http_status integer, error_detail jsonb)
	 where s.id = x.id;
end
$$;

comment on function mestat.ingest_batch_close(jsonb) is
	'mestatd, last step of a batch before COMMIT: write each submission''s answer, p_entries being a JSON array of '
	'{id, counts, receipt} for a submission stored (the signed receipt, written once) and {id, outcome, http_status, '
	'error_detail} for one refused; a column is written only where the entry names it. One UPDATE for the batch, '
	'probing the key an entry.';
