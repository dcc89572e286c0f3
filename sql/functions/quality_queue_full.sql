-- mestat.quality_queue_full: the current definition of this function.
-- First created in 038_quality_stat.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.quality_queue_full() returns trigger
language plpgsql
security definer
set search_path = mestat, pg_temp
as $$
begin
	insert into mestat.quality_pending (reporter) values (null);
	return null;
end
$$;

comment on function mestat.quality_queue_full() is
	'Statement trigger on what every pair''s rule violations depend on (mestat.validation_rule, mestat.reporter) and on '
	'a truncation of the values or follow-ups: queues a refresh of every pair (a mestat.quality_pending row with '
	'reporter NULL) for the next mestat.quality_refresh().';
