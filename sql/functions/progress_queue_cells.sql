-- mestat.progress_queue_cells: the current definition of this function.
-- First created in 032_incremental_progress.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.progress_queue_cells() returns trigger
language plpgsql
security definer
set search_path = mestat, pg_temp
as $$
begin
	-- One row per cell the statement wrote, in the writer's transaction: the
	-- incremental run sees the cell exactly when it sees the value. An
	-- owner's correction or removal (update, delete; 060) queues the cells
	-- of the old rows too.
	if tg_op in ('INSERT', 'UPDATE') then
		insert into mestat.progress_pending (indicator, reporter, period)
		select distinct n.indicator, n.reporter, n.period from new_rows n;
	end if;
	if tg_op in ('UPDATE', 'DELETE') then
		insert into mestat.progress_pending (indicator, reporter, period)
		select distinct o.indicator, o.reporter, o.period from old_rows o;
	end if;
	return null;
end
$$;

comment on function mestat.progress_queue_cells() is
	'Statement trigger on mestat.observation and mestat.follow_up (insert, update, delete): queues the cells of the '
	'rows written, old and new, in mestat.progress_pending for the next progress run. SECURITY DEFINER: writers need '
	'no right on the queue.';
