-- mestat.indicator_source_check: the current definition of this function.
-- First created in 025_departments.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.indicator_source_check() returns trigger
language plpgsql
set search_path = mestat, pg_temp
as $$
declare
	k text;
begin
	if new.national_source is null then
		return new;
	end if;
	select r.kind into k from mestat.reporter r where r.code = new.national_source;
	if k is distinct from 'department' and k is distinct from 'ministry' then
		raise exception 'indicator %: national_source % is a % reporter; name a department or the ministry',
			new.code, new.national_source, coalesce(k, 'unknown') using errcode = '23514';
	end if;
	if new.scope <> 'provincial' or new.numerator is not null or new.aggregation not in ('sum', 'mean') then
		raise exception 'indicator %: only a provincial indicator added up by sum or mean can have a national source '
			'other than the provinces (rates are recomputed from their parts)', new.code using errcode = '23514';
	end if;
	return new;
end
$$;

comment on function mestat.indicator_source_check() is
	'Trigger on mestat.indicator: a national_source names a department or the ministry, and only for a provincial '
	'indicator added up by sum or mean (national-only indicators are the ministry''s; rates come from their parts).';
