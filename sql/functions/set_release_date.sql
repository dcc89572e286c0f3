-- mestat.set_release_date: the current definition of this function.
-- First created in 019_release.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.set_release_date(p_period text, p_date date) returns date
language plpgsql
security definer
set search_path = mestat, pg_temp
as $$
begin
	if not exists (select 1 from mestat.period where code = p_period and kind = 'quarter') then
		raise exception 'set_release_date: "%" is not a quarter (e.g. 2018Q3)', p_period using errcode = '22023';
	end if;
	if exists (select 1 from mestat.release where period = p_period) then
		raise exception 'set_release_date: % is already published; publish a correction instead', p_period
			using errcode = '55000';
	end if;
	if p_date is null then
		delete from mestat.release_date where period = p_period;
	else
		insert into mestat.release_date as d (period, release_date) values (p_period, p_date)
		on conflict (period) do update set release_date = excluded.release_date, set_at = now(), set_by = session_user;
	end if;
	return p_date;
end
$$;

comment on function mestat.set_release_date(text, date) is
	'Plan office: set the release date (Beijing) of one quarter not yet published; NULL returns it to due date + '
	'release_days.';
