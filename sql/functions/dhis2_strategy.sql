-- mestat.dhis2_strategy: the current definition of this function.
-- First created in 029_dhis2_import.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.dhis2_strategy(p_strategy text) returns integer
language plpgsql
set search_path = mestat, pg_temp
set jit = off
as $$
declare
	n integer;
begin
	if p_strategy not in ('CREATE', 'UPDATE') then
		raise exception 'dhis2_strategy: strategy must be CREATE or UPDATE, got "%"', p_strategy using errcode = '22023';
	end if;
	with cur as (
		select r.seq,
		       exists (select 1
		                 from mestat.current_value c
		                where c.reporter = r.reporter and c.indicator = r.indicator and c.period = r.period) as has
		  from pg_temp.ingest_row r
	)
	delete from pg_temp.ingest_row r
	 using cur
	 where cur.seq = r.seq and cur.has = (p_strategy = 'CREATE');
	get diagnostics n = row_count;
	return n;
end
$$;

comment on function mestat.dhis2_strategy(text) is
	'DHIS2 importStrategy, after validation: CREATE sets aside the staged rows whose cell has a current value, UPDATE '
	'those whose cell has none; returns how many were set aside (DHIS2 counts them as ignored).';
