-- mestat.return_quarter: the current definition of this function.
-- First created in 027_reporting_cycle.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.return_quarter(p_reporter text, p_period text, p_reason text, p_by text default null)
returns mestat.reporting_state
language plpgsql
security definer
set search_path = mestat, pg_temp
as $$
declare
	st mestat.reporting_state;
	actor text := mestat.cycle_actor(p_by);
begin
	if coalesce(btrim(p_reason), '') = '' then
		raise exception 'return_quarter: say why the period is returned (third argument): the reporter reads it'
			using errcode = '22023';
	end if;
	st := mestat.cycle_row(p_reporter, p_period);
	if st.state not in ('complete', 'accepted') then
		raise exception 'return_quarter: % of reporter % is %; only a completed or accepted period can be returned',
			p_period, p_reporter, st.state using errcode = '55000';
	end if;
	update mestat.reporting_state
	   set returned_at = now(), returned_by = actor, return_reason = p_reason, completed_at = null,
	       completed_by = null, accepted_at = null, accepted_by = null, locked_at = null, locked_by = null
	 where reporter = p_reporter and period = p_period;
	perform mestat.cycle_log(p_reporter, p_period, 'returned', 'returned', actor, p_reason, now());
	select * into st from mestat.reporting_state where reporter = p_reporter and period = p_period;
	return st;
end
$$;

comment on function mestat.return_quarter(text, text, text, text) is
	'Plan office: return the completed (or accepted) period p_period to reporter p_reporter with reason p_reason '
	'(shown to the reporter). The period is open again for that reporter until it completes it again. Logged. '
	'SECURITY DEFINER.';
