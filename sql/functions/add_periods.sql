-- mestat.add_periods: the current definition of this function.
-- First created in 002_catalog.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.add_periods(p_first_year integer, p_last_year integer) returns integer
language plpgsql
set search_path = mestat, pg_temp
as $$
declare
	due integer := coalesce((select value::integer from mestat.setting where name = 'due_days'), 30);
	n integer;
begin
	if p_first_year is null or p_last_year is null or p_first_year > p_last_year
	   or p_first_year < 2000 or p_last_year > 2100 then
		raise exception 'add_periods: years must be given with 2000 <= first <= last <= 2100, got % and %',
			p_first_year, p_last_year using errcode = '22023';
	end if;
	insert into mestat.period (code, kind, year, quarter, start_date, end_date, due_date)
	select y::text || coalesce('Q' || q::text, ''),
	       case when q is null then 'year' else 'quarter' end,
	       y, q, s, e, e + due
	  from generate_series(p_first_year, p_last_year) as y,
	       lateral (values (null::integer), (1), (2), (3), (4)) as qs(q),
	       lateral (select make_date(y, coalesce(3 * q - 2, 1), 1) as s) as st,
	       lateral (select (s + case when q is null then interval '1 year' else interval '3 months' end
	                        - interval '1 day')::date as e) as en
	on conflict (code) do nothing;
	get diagnostics n = row_count;
	return n;
end
$$;

comment on function mestat.add_periods(integer, integer) is
	'Owner: add the years and quarters of years p_first_year … p_last_year that are missing, due after the current '
	'due_days setting. Returns how many periods were added.';
