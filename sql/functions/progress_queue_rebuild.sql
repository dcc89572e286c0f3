-- mestat.progress_queue_rebuild: the current definition of this function.
-- First created in 060_progress_kept.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).
set local role mestat_owner;
create or replace function mestat.progress_queue_rebuild() returns trigger
language plpgsql
security definer
set search_path = mestat, pg_temp
as $$
begin
	delete from mestat.progress_kept_basis;
	insert into mestat.progress_pending (indicator) values (null);
	return null;
end
$$;
comment on function mestat.progress_queue_rebuild() is
	'Statement trigger on a truncation of mestat.observation or mestat.follow_up: empties mestat.progress_kept_basis '
	'and queues a full run, which then goes over every cell again (no cell is left to queue). '
	'SECURITY DEFINER: the truncating role needs no right on the queue.';
