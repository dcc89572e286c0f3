-- 051: the assessments' rows and the completeness rows name their snapshot
-- through statement triggers instead of foreign keys; the completeness
-- rows' keys to the catalog go, as the assessments' went in 033.
--
-- PostgreSQL checks a foreign key one row at a time, and a full run writes
-- every row of both tables: at county scale 285,100 assessments, each with
-- a key to its snapshot, and 122,550 completeness rows, each with three
-- (reporter, period, snapshot). The completeness rows inserted again took
-- 3.5 s with their keys and 1.2 s without, and the assessments' insert 2-3
-- s more than without the key (psql, a kept county database). Every row of
-- one insert names the same snapshot: a check per statement
-- (mestat.progress_snapshot_rows_check) locks the snapshots the new rows
-- name as a foreign key does (FOR KEY SHARE, so that a snapshot cannot be
-- deleted before the inserting transaction ends) and refuses, with a
-- foreign key's SQLSTATE 23503, a row whose snapshot is not there. Deleting
-- a snapshot still deletes its rows (the foreign keys' ON DELETE CASCADE),
-- truncating the snapshots empties both tables, and a snapshot's id cannot
-- change while rows name it (mestat.progress_snapshot_rows_cascade).
--
-- The completeness rows are written by mestat.progress_assess() only, from
-- the codes of the reporters and periods it reads in the catalog; a full
-- run replaces all of them, and a change of reporters or periods queues one
-- (032). Like the assessments' (033), they keep no key to the catalog.
-- The definitions of the trigger functions are in sql/functions/.

set local role mestat_owner;

alter table mestat.progress_snapshot_detail drop constraint progress_snapshot_detail_snapshot_fkey;
alter table mestat.reporting_status
	drop constraint reporting_status_reporter_fkey,
	drop constraint reporting_status_period_fkey,
	drop constraint reporting_status_snapshot_fkey;

-- Stubs, replaced by their files in sql/functions/ in the same run.
create function mestat.progress_snapshot_rows_check() returns trigger language plpgsql as $$ begin return null; end $$;
create function mestat.progress_snapshot_rows_cascade() returns trigger language plpgsql as $$ begin return null; end $$;
revoke all on function mestat.progress_snapshot_rows_check(), mestat.progress_snapshot_rows_cascade() from public;

create trigger snapshot_key after insert on mestat.progress_snapshot_detail
	referencing new table as new_rows
	for each statement execute function mestat.progress_snapshot_rows_check();
create trigger snapshot_key_update after update of snapshot on mestat.progress_snapshot_detail
	for each row execute function mestat.progress_snapshot_rows_check();
create trigger snapshot_key after insert on mestat.reporting_status
	referencing new table as new_rows
	for each statement execute function mestat.progress_snapshot_rows_check();
create trigger snapshot_key_update after update of snapshot on mestat.reporting_status
	for each row execute function mestat.progress_snapshot_rows_check();
comment on trigger snapshot_key on mestat.progress_snapshot_detail is
	'The snapshot each new row names exists (checked once per INSERT statement, SQLSTATE 23503) and is locked as a '
	'foreign key locks it.';
comment on trigger snapshot_key_update on mestat.progress_snapshot_detail is
	'A row moved to another snapshot names one that exists.';
comment on trigger snapshot_key on mestat.reporting_status is
	'The snapshot each new row names exists (checked once per INSERT statement, SQLSTATE 23503) and is locked as a '
	'foreign key locks it.';
comment on trigger snapshot_key_update on mestat.reporting_status is
	'A row moved to another snapshot names one that exists.';

create trigger snapshot_rows_delete after delete on mestat.progress_snapshot
	referencing old table as old_rows
	for each statement execute function mestat.progress_snapshot_rows_cascade();
create trigger snapshot_rows_truncate after truncate on mestat.progress_snapshot
	for each statement execute function mestat.progress_snapshot_rows_cascade();
create trigger snapshot_rows_update after update of id on mestat.progress_snapshot
	for each row execute function mestat.progress_snapshot_rows_cascade();
comment on trigger snapshot_rows_delete on mestat.progress_snapshot is
	'The assessments and completeness rows of the snapshots deleted go with them.';
comment on trigger snapshot_rows_truncate on mestat.progress_snapshot is
	'No snapshot is left: mestat.progress_snapshot_detail and mestat.reporting_status are emptied.';
comment on trigger snapshot_rows_update on mestat.progress_snapshot is
	'A snapshot''s id cannot change while rows name it (SQLSTATE 23503).';
