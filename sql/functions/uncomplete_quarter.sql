-- mestat.uncomplete_quarter: the current definition of this function.
-- First created in 027_reporting_cycle.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.uncomplete_quarter(p_reporter text, p_period text, p_by text default null)
returns jsonb
language plpgsql
security definer
set search_path = mestat, pg_temp
as $$
declare
	st mestat.reporting_state;
	actor text := mestat.cycle_actor(p_by);
begin
	if not exists (select 1 from mestat.period where code = p_period) then
		return jsonb_build_object('status', 422, 'error',
			format('unknown period "%s"; write quarters as 2018Q3 and years as 2018', p_period));
	end if;
	st := mestat.cycle_row(p_reporter, p_period);
	if st.state in ('accepted', 'locked') then
		return jsonb_build_object('status', 409, 'reporter', p_reporter, 'period', p_period, 'state', st.state,
		                          'error', mestat.cycle_locked_reason(st) || '; its completion cannot be undone');
	end if;
	if st.state <> 'complete' then
		return jsonb_build_object('status', 409, 'reporter', p_reporter, 'period', p_period, 'state', st.state,
		                          'error', format('%s of reporter %s is not complete (%s); there is no completion to undo',
		                                          p_period, p_reporter, st.state));
	end if;
	update mestat.reporting_state set completed_at = null, completed_by = null
	 where reporter = p_reporter and period = p_period;
	perform mestat.cycle_log(p_reporter, p_period, 'uncompleted', 'open', actor, null, now());
	return jsonb_build_object('status', 200, 'reporter', p_reporter, 'period', p_period, 'state', 'open',
	                          'message', 'completion undone');
end
$$;

comment on function mestat.uncomplete_quarter(text, text, text) is
	'A reporter (DELETE /api/v1/completions) undoes its completion of p_period while the plan office has not acted: '
	'200 open again; 409 when it is not complete, or already accepted or locked. SECURITY DEFINER.';
