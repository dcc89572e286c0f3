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
as $$
declare
	e record;
begin
	-- One UPDATE of the key an entry: a probe of the index whatever the
	-- table's size when the plan was made. Joined with the entries, the
	-- plan a connection made on a new database's few pages hashed every
	-- submission at each batch (066).
	for e in
		select x.id, x.counts, x.receipt, x.outcome, x.http_status, x.error_detail
		  from jsonb_to_recordset(p_entries) as x(id bigint, counts jsonb, receipt text, outcome text,
		                                           http_status integer, error_detail jsonb)
	loop
		-- Each column written only where the entry names it: the receipt
		-- once, the outcome of a refused one.
		update mestat.submission s
		   set counts = coalesce(e.counts, s.counts), receipt = coalesce(e.receipt, s.receipt),
		       outcome = coalesce(e.outcome, s.outcome), http_status = coalesce(e.http_status, s.http_status),
		       error_detail = coalesce(e.error_detail, s.error_detail)
		 where s.id = e.id;
	end loop;
end
$$;

comment on function mestat.ingest_batch_close(jsonb) is
	'mestatd, last step of a batch before COMMIT: write each submission''s answer, p_entries being a JSON array of '
	'{id, counts, receipt} for a submission stored (the signed receipt, written once) and {id, outcome, http_status, '
	'error_detail} for one refused; a column is written only where the entry names it. One UPDATE of the key an '
	'entry.';
