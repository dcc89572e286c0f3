-- mestat.accept_quarter: the current definition of this function.
-- First created in 027_reporting_cycle.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.accept_quarter(p_reporter text, p_period text, p_by text default null)
returns mestat.reporting_state
language plpgsql
security definer
set search_path = mestat, pg_temp
as $$
declare
	st mestat.reporting_state;
	actor text := mestat.cycle_actor(p_by);
begin
	st := mestat.cycle_row(p_reporter, p_period);
	if st.state <> 'complete' then
		raise exception 'accept_quarter: % of reporter % is %, not complete; only a completed period can be accepted',
			p_period, p_reporter, st.state using errcode = '55000';
	end if;
	update mestat.reporting_state
	   set accepted_at = now(), accepted_by = actor, locked_at = now(), locked_by = actor
	 where reporter = p_reporter and period = p_period;
	perform mestat.cycle_log(p_reporter, p_period, 'accepted', 'accepted', actor, null, now());
	select * into st from mestat.reporting_state where reporter = p_reporter and period = p_period;
	return st;
end
$$;

comment on function mestat.accept_quarter(text, text, text) is
	'Plan office: accept the completed period p_period of reporter p_reporter (optionally on behalf of p_by). The '
	'period is then locked for that reporter: later writes are refused (409) naming who accepted it and when. '
	'Logged in mestat.reporting_event. Raises 55000 unless the period is complete. SECURITY DEFINER.';
