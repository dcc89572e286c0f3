-- mestat.complete_quarter: the current definition of this function.
-- First created in 027_reporting_cycle.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.complete_quarter(p_reporter text, p_period text, p_by text default null)
returns jsonb
language plpgsql
security definer
set search_path = mestat, pg_temp
as $$
declare
	st mestat.reporting_state;
	actor text := mestat.cycle_actor(p_by);
	missing jsonb;
	n_expected integer;
begin
	if not exists (select 1 from mestat.period where code = p_period) then
		return jsonb_build_object('status', 422, 'error',
			format('unknown period "%s"; write quarters as 2018Q3 and years as 2018', p_period));
	end if;
	if exists (select 1 from mestat.period where code = p_period and start_date > current_date) then
		return jsonb_build_object('status', 422, 'error', format('period %s has not begun; it cannot be complete', p_period));
	end if;
	st := mestat.cycle_row(p_reporter, p_period);
	if st.state in ('accepted', 'locked') then
		return jsonb_build_object('status', 409, 'reporter', p_reporter, 'period', p_period, 'state', st.state,
		                          'error', mestat.cycle_locked_reason(st));
	end if;
	if st.state = 'complete' then
		return jsonb_build_object('status', 200, 'reporter', p_reporter, 'period', p_period, 'state', st.state,
		                          'completed_at', st.completed_at, 'completed_by', st.completed_by,
		                          'message', 'already complete');
	end if;
	select count(*), coalesce(jsonb_agg(jsonb_build_object('indicator', e.indicator, 'name_zh', e.name_zh,
	                                                      'name_en', e.name_en) order by e.indicator)
	                                    filter (where not e.received), '[]')
	  into n_expected, missing
	  from mestat.expected_indicators(p_reporter, p_period) e;
	if jsonb_array_length(missing) > 0 then
		return jsonb_build_object('status', 409, 'reporter', p_reporter, 'period', p_period, 'state', st.state,
			'error', format('%s of reporter %s is not complete: %s of %s expected indicators have no value (%s); send '
			                'them, or send them with status M (missing) or L (not collected) and no value, then '
			                'complete again', p_period, p_reporter, jsonb_array_length(missing), n_expected,
			                (select string_agg(m->>'indicator', ', ') from jsonb_array_elements(missing) m)),
			'missing', missing);
	end if;
	update mestat.reporting_state set completed_at = now(), completed_by = actor
	 where reporter = p_reporter and period = p_period;
	perform mestat.cycle_log(p_reporter, p_period, 'completed', 'complete', actor, null, now());
	return jsonb_build_object('status', 201, 'reporter', p_reporter, 'period', p_period, 'state', 'complete',
	                          'completed_at', now(), 'completed_by', actor,
	                          'return_reason', case when st.state = 'returned' then st.return_reason end);
end
$$;

comment on function mestat.complete_quarter(text, text, text) is
	'A reporter (POST /api/v1/completions, DHIS2 completeDataSetRegistrations) marks period p_period complete, on '
	'behalf of p_by. Returns a JSON answer with its HTTP status: 201 completed; 200 already complete; 409 with '
	'"missing" (indicator, name_zh, name_en) when an expected indicator has no current value (a reported-missing '
	'value counts), or when the period is accepted or locked (who, when); 422 an unknown period or one not begun. '
	'SECURITY DEFINER.';
