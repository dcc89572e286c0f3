-- mestat.ingest_batch_begin: the current definition of this function.
-- First created in 064_ingest_batch.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.ingest_batch_begin() returns void
language plpgsql
set search_path = mestat, pg_temp
as $$
begin
	perform mestat.ingest_begin();
	perform mestat.ingest_kept_empty();
	perform set_config('mestat.ingest_opened', '', true);
	-- The submissions are opened by mestat.ingest_batch_open(), which calls
	-- this, and their rows staged side by side (065, 067); for the rest of
	-- the transaction mestat.ingest_open() and mestat.ingest_batch_add()
	-- refuse.
	perform set_config('mestat.ingest_batch', 'on', true);
end
$$;

comment on function mestat.ingest_batch_begin() is
	'mestatd, first step of a batch (several submissions of different reporters in one transaction; see '
	'064_ingest_batch.sql and 065_ingest_batch_check.sql): the staging tables made or emptied (mestat.ingest_begin()), '
	'no row kept for storing (mestat.ingest_kept_empty()), and for the rest of the transaction a batch '
	'(mestat.ingest_open() and mestat.ingest_batch_add() refuse). Called by mestat.ingest_batch_open(), which opens the '
	'submissions; then every row staged (each takes the id of its submission''s place, setting '
	'mestat.ingest_batch_ids); then mestat.ingest_batch_check() (the validation of them all); last '
	'mestat.ingest_batch_apply(), the receipts and COMMIT.';
