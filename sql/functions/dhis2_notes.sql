-- mestat.dhis2_notes: the current definition of this function.
-- First created in 029_dhis2_import.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.dhis2_notes(p_submission bigint) returns integer
language plpgsql
set search_path = mestat, pg_temp
set jit = off
as $$
declare
	n integer;
begin
	if to_regclass('pg_temp.ingest_row') is null
	   or not exists (select 1 from pg_attribute a
	                   where a.attrelid = to_regclass('pg_temp.ingest_row') and a.attname = 'note_only'
	                     and not a.attisdropped) then
		return 0;
	end if;
	with moved as (
		delete from pg_temp.ingest_row r where r.note_only
		returning r.seq, r.reporter, r.indicator, r.period, r.comment
	)
	insert into mestat.value_comment (reporter, indicator, period, comment, submission)
	select m.reporter, m.indicator, m.period, m.comment, p_submission from moved m order by m.seq;
	get diagnostics n = row_count;
	return n;
end
$$;

comment on function mestat.dhis2_notes(bigint) is
	'After mestat.dhis2_validate() found no problem: moves the staged comments without a value into '
	'mestat.value_comment for submission p_submission; returns how many.';
