-- mestat.cycle_locked_reason: the current definition of this function.
-- First created in 027_reporting_cycle.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

-- cycle_locked_reason: why writes into a locked or accepted period are
-- refused, in words a clerk can act on; NULL when writable.
create or replace function mestat.cycle_locked_reason(st mestat.reporting_state) returns text
language sql stable
set search_path = mestat, pg_temp
as $$
	select case st.state
	       when 'accepted' then
	            format('%s of reporter %s was accepted by %s on %s and is locked; ask the plan office to reopen it '
	                   '(mestat.reopen_quarter) before changing its values', st.period, st.reporter, st.accepted_by,
	                   to_char(st.accepted_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI "Beijing time"'))
	       when 'locked' then
	            format('%s of reporter %s was locked by %s on %s; ask the plan office to reopen it '
	                   '(mestat.reopen_quarter) before changing its values', st.period, st.reporter, st.locked_by,
	                   to_char(st.locked_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI "Beijing time"'))
	       end
$$;

comment on function mestat.cycle_locked_reason(mestat.reporting_state) is
	'The refusal message for a write into an accepted or locked period (who and when), NULL when it is writable.';
