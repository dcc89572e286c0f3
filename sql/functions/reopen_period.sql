-- mestat.reopen_period: the current definition of this function.
-- First created in 002_catalog.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.reopen_period(p_code text, p_by text) returns boolean
language plpgsql
security definer
set search_path = mestat, pg_temp
as $$
begin
	if coalesce(btrim(p_by), '') = '' then
		raise exception 'reopen_period: say who reopens the period (second argument)' using errcode = '22023';
	end if;
	if not exists (select 1 from mestat.period where code = p_code) then
		raise exception 'reopen_period: unknown period "%"', p_code using errcode = '22023';
	end if;
	perform set_config('mestat.actor', p_by, true);
	update mestat.period set closed = false where code = p_code and closed;
	return found;
end
$$;

comment on function mestat.reopen_period(text, text) is
	'Plan office: reopen period p_code on behalf of p_by. Logged in period_event. Returns false if it was open.';
