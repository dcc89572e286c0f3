-- mestat.source_state_failing: the current definition of this function.
-- First created in 028_notifications.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.source_state_failing() returns trigger
language plpgsql
as $$
begin
	if new.consecutive_failures = 0 then
		new.failing_since := null;
	elsif new.failing_since is null then
		new.failing_since := coalesce(new.last_attempt, now());
	end if;
	return new;
end
$$;

comment on function mestat.source_state_failing() is 'Trigger: keeps source_state.failing_since from consecutive_failures.';
