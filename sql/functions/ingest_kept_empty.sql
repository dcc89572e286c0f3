-- mestat.ingest_kept_empty: the current definition of this function.
-- First created in 064_ingest_batch.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).
--
-- Emptied as mestat.ingest_begin() empties the staging table, and for the
-- same reason: by DELETE while the table is small (a truncation invalidates
-- every cached plan that reads it), by TRUNCATE past 32 pages (the dead rows
-- of a temporary table are never vacuumed).

set local role mestat_owner;

create or replace function mestat.ingest_kept_empty() returns void
language plpgsql
set search_path = mestat, pg_temp
as $$
declare
	max_size constant bigint := 32 * current_setting('block_size')::bigint;
begin
	if to_regclass('pg_temp.ingest_kept') is null then
		raise exception 'pg_temp.ingest_kept does not exist: call mestat.ingest_begin() first' using errcode = '55000';
	end if;
	if pg_relation_size('pg_temp.ingest_kept') > max_size then
		truncate pg_temp.ingest_kept;
	else
		delete from pg_temp.ingest_kept;
	end if;
	if pg_relation_size('pg_temp.ingest_kept_hit') > max_size then
		truncate pg_temp.ingest_kept_hit;
	else
		delete from pg_temp.ingest_kept_hit;
	end if;
end
$$;

comment on function mestat.ingest_kept_empty() is
	'mestatd, through mestat.ingest_apply() and mestat.ingest_batch_begin(): empty pg_temp.ingest_kept and '
	'pg_temp.ingest_kept_hit (made by mestat.ingest_begin()), the rows and warn rules kept for storing.';
