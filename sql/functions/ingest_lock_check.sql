-- mestat.ingest_lock_check: the current definition of this function.
-- First created in 027_reporting_cycle.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.ingest_lock_check()
returns table (seq integer, loc text, field text, status integer, reason text)
language plpgsql stable
set search_path = mestat, pg_temp
as $$
begin
	return query
	select r.seq, r.loc, 'period'::text, 409, mestat.cycle_locked_reason(s)
	  from pg_temp.ingest_row r
	  join mestat.reporting_state s on s.reporter = r.reporter and s.period = r.period
	 where s.state in ('accepted', 'locked')
	 order by r.seq;
end
$$;

comment on function mestat.ingest_lock_check() is
	'The last check of mestat.ingest_validate(), once the codes are resolved and nothing else is refused: one row (seq, loc, field, 409, reason) per '
	'staged value in a period accepted or locked for its reporter, the reason naming who accepted or locked it and '
	'when. No rows: nothing is locked.';
