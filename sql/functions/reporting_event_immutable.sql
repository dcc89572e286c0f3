-- mestat.reporting_event_immutable: the current definition of this function.
-- First created in 027_reporting_cycle.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.reporting_event_immutable() returns trigger
language plpgsql
as $$
begin
	raise exception 'mestat.reporting_event is append-only: its rows are never changed or deleted'
		using errcode = '42501';
end
$$;

comment on function mestat.reporting_event_immutable() is 'Trigger: refuses UPDATE and DELETE on mestat.reporting_event.';
