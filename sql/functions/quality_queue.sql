-- mestat.quality_queue: the current definition of this function.
-- First created in 038_quality_stat.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.quality_queue() returns trigger
language plpgsql
security definer
set search_path = mestat, pg_temp
as $$
begin
	-- One row per (reporter, year) the statement wrote: a submission of a
	-- quarter adds one row.
	if tg_op in ('INSERT', 'UPDATE') then
		insert into mestat.quality_pending (reporter, year)
		select distinct n.reporter, left(n.period, 4)::integer from new_rows n;
	end if;
	if tg_op in ('UPDATE', 'DELETE') then
		insert into mestat.quality_pending (reporter, year)
		select distinct o.reporter, left(o.period, 4)::integer from old_rows o;
	end if;
	return null;
end
$$;

comment on function mestat.quality_queue() is
	'Statement trigger on mestat.observation and mestat.follow_up (insert, update, delete): queues the (reporter, year) '
	'pairs of the rows written in mestat.quality_pending for mestat.quality_refresh(). SECURITY DEFINER: writers need '
	'no right on the queue.';
