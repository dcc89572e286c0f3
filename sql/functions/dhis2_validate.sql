-- mestat.dhis2_validate: the current definition of this function.
-- First created in 029_dhis2_import.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.dhis2_validate(p_reporter text)
returns table (seq integer, loc text, field text, status integer, reason text)
language plpgsql
set search_path = mestat, pg_temp
set jit = off
as $$
#variable_conflict use_column
declare
	n integer;
begin
	if to_regclass('pg_temp.ingest_row') is null then
		raise exception 'pg_temp.ingest_row does not exist: call mestat.ingest_begin() first' using errcode = '55000';
	end if;

	-- A comment without a value is validated as a deletion would be (its
	-- cell, not a value) and set apart by mestat.dhis2_notes().
	if not exists (select 1 from pg_attribute a
	                where a.attrelid = to_regclass('pg_temp.ingest_row') and a.attname = 'note_only'
	                  and not a.attisdropped) then
		alter table pg_temp.ingest_row add column note_only boolean not null default false;
	end if;
	update pg_temp.ingest_row r
	   set note_only = true, deleted = true
	 where not coalesce(r.deleted, false) and nullif(btrim(r.value), '') is null
	   and nullif(btrim(r.comment), '') is not null and nullif(btrim(r.status), '') is null;

	-- The operand DE.COC as the sender wrote it names the indicator.
	update pg_temp.ingest_row r
	   set indicator = m.our_code, coc = null
	  from mestat.code_mapping m
	 where not mestat.dhis2_default_combo(p_reporter, r.coc)
	   and m.reporter = p_reporter and m.scheme = 'dhis2_coc'
	   and m.their_code = btrim(r.indicator) || '.' || btrim(r.coc);

	return query
	select r.seq, r.loc, 'coc'::text, 422,
	       format('category option combo "%s" of data element "%s" is not mapped to a mestat indicator; the plan office '
	              'maps each disaggregation as %s.%s (mestat.add_code_mapping(''%s'', ''dhis2_coc'', ''%s.%s'', indicator)), '
	              'or send the total with the default combo', btrim(r.coc), btrim(r.indicator), btrim(r.indicator),
	              btrim(r.coc), p_reporter, btrim(r.indicator), btrim(r.coc))
	  from pg_temp.ingest_row r
	 where not mestat.dhis2_default_combo(p_reporter, r.coc)
	union all
	select r.seq, r.loc, 'aoc'::text, 422,
	       format('attribute option combo "%s" is not used by mestat; send the value with the default attribute option '
	              'combo', btrim(r.aoc))
	  from pg_temp.ingest_row r
	 where not mestat.dhis2_default_combo(p_reporter, r.aoc)
	 order by 1;
	get diagnostics n = row_count;
	if n > 0 then
		return;
	end if;
	return query select * from mestat.ingest_validate(p_reporter, 'dhis2');
end
$$;

comment on function mestat.dhis2_validate(text) is
	'Step 4 of an ingest on the DHIS2 endpoint: maps category option combos (operand DE.COC, code_mapping scheme '
	'dhis2_coc) to indicators, refuses unmapped combos and non-default attribute option combos, then runs '
	'mestat.ingest_validate(p_reporter, ''dhis2''). Same result shape as ingest_validate.';
