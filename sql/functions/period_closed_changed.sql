-- mestat.period_closed_changed: the current definition of this function.
-- First created in 002_catalog.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

-- Periods are closed and reopened under an exclusive advisory lock that
-- mestat.ingest_apply() holds shared: a period never closes between the check
-- of an ingest and its commit. Key (1835365236 = 'mest', 0).
create or replace function mestat.period_closed_changed() returns trigger
language plpgsql
set search_path = mestat, pg_temp
as $$
declare
	actor text := coalesce(nullif(current_setting('mestat.actor', true), ''), session_user);
begin
	if new.closed is not distinct from old.closed then
		return new;
	end if;
	perform pg_advisory_xact_lock(1835365236, 0);
	if new.closed then
		new.closed_at := now();
		new.closed_by := coalesce(nullif(new.closed_by, ''), actor);
		insert into mestat.period_event (period, event, actor) values (new.code, 'closed', new.closed_by);
	else
		new.closed_at := null;
		new.closed_by := null;
		insert into mestat.period_event (period, event, actor) values (new.code, 'reopened', actor);
	end if;
	return new;
end
$$;

comment on function mestat.period_closed_changed() is
	'Trigger: when period.closed changes, waits for ingests in flight (advisory lock), stamps closed_at/closed_by '
	'and logs the change in mestat.period_event.';
