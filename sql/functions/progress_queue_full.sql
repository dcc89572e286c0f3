-- mestat.progress_queue_full: the current definition of this function.
-- First created in 032_incremental_progress.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.progress_queue_full() returns trigger
language plpgsql
security definer
set search_path = mestat, pg_temp
as $$
begin
	-- 'forget kept' (a truncation of the values or the follow-ups, 060): no
	-- cell is left to queue, so the full run goes over every cell for what
	-- it would otherwise keep (mestat.progress_kept_basis).
	if tg_nargs > 0 and tg_argv[0] = 'forget kept' then
		delete from mestat.progress_kept_basis;
	end if;
	insert into mestat.progress_pending (indicator) values (null);
	return null;
end
$$;

comment on function mestat.progress_queue_full() is
	'Statement trigger on what every assessment depends on (mestat.indicator, target, reporter, class_threshold, '
	'column_item, setting, period): queues a full run (a mestat.progress_pending row with indicator NULL), which the '
	'next mestat.recompute_progress_incremental() performs instead of an incremental one. With the argument '
	'''forget kept'' (on a truncation of mestat.observation or mestat.follow_up) it also empties '
	'mestat.progress_kept_basis, so that the full run goes over every cell. SECURITY DEFINER.';
