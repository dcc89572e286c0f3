-- mestat.ingest_validate_rows: the current definition of this function.
-- First created in 025_departments.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.ingest_validate_rows(p_reporter text, p_scheme text default null)
returns table (seq integer, loc text, field text, status integer, reason text)
language plpgsql
set search_path = mestat, pg_temp
set jit = off
-- One plan for every submission, as in ingest_apply: on some connections
-- the plan cache kept choosing custom plans, and every call was planned anew
-- (up to 3 ms a plan).
set plan_cache_mode = force_generic_plan
as $$
#variable_conflict use_column
declare
	me mestat.reporter;
begin
	select * into me from mestat.reporter r where r.code = p_reporter;
	-- The ministry's refusal of provincial indicators does not hold for those
	-- it is the national source of.
	return query
	select x.seq, x.loc, x.field, x.status, x.reason
	  from mestat.ingest_validate_catalog_rows(p_reporter, p_scheme) x
	 where not (coalesce(me.kind = 'ministry', false) and x.field = 'indicator' and x.status = 403
	            and exists (select 1 from pg_temp.ingest_row r join mestat.indicator i on i.code = r.indicator
	                         where r.seq = x.seq and i.scope = 'provincial' and i.national_source = me.code));
	-- The rows are tidied and mapped by now.
	if me.kind = 'department' then
		return query
		select r.seq, r.loc, 'indicator'::text, 403,
		       case when exists (select 1 from mestat.indicator s where s.national_source = me.code) then
		            format('%s (%s) is the national source of %s only; indicator "%s" is not one of them: leave it out of '
		                   'your submission', me.name_en, me.name_zh,
		                   (select string_agg(s.code, ', ' order by s.code) from mestat.indicator s
		                     where s.national_source = me.code), i.code)
		       else format('%s (%s) is the national source of no indicator yet; ask the plan office', me.name_en,
		                   me.name_zh) end
		  from pg_temp.ingest_row r
		  join mestat.indicator i on i.code = r.indicator
		 where i.national_source is distinct from me.code and i.scope = 'provincial';
	end if;
end
$$;

comment on function mestat.ingest_validate_rows(text, text) is
	'The row rules of mestat.ingest_validate(): mestat.ingest_validate_catalog_rows() (005''s rules), except that the '
	'ministry may report the provincial indicators it is the national source of; and a department may report only the '
	'indicators it is the national source of (403 otherwise; its rows for another reporter are refused by the rules of '
	'005 like anyone''s).';
