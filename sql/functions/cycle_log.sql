-- mestat.cycle_log: the current definition of this function.
-- First created in 027_reporting_cycle.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.cycle_log(p_reporter text, p_period text, p_event text, p_state text, p_actor text,
                                 p_reason text, p_at timestamptz)
returns void
language sql
set search_path = mestat, pg_temp
as $$
	insert into mestat.reporting_event (reporter, period, event, state, actor, reason, at)
	values (p_reporter, p_period, p_event, p_state, p_actor, p_reason, p_at);
	update mestat.reporting_state set state = p_state, changed_at = p_at
	 where reporter = p_reporter and period = p_period;
$$;

comment on function mestat.cycle_log(text, text, text, text, text, text, timestamptz) is
	'Internal: log one event and set the state it leads to.';
