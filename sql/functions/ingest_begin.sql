-- mestat.ingest_begin: the current definition of this function.
-- First created in 005_ingest.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.ingest_begin() returns void
language plpgsql
set search_path = mestat, pg_temp
as $$
begin
	if to_regclass('pg_temp.ingest_row') is null then
		create temporary table ingest_row (
			seq integer,
			loc text,
			reporter text,
			indicator text,
			period text,
			value text,
			comment text,
			deleted boolean,
			coc text,
			aoc text
		) on commit delete rows;
	else
		delete from pg_temp.ingest_row;
	end if;
end
$$;

comment on function mestat.ingest_begin() is
	'mestatd, step 1 of an ingest: create (first time in the session) or empty the temp table pg_temp.ingest_row(seq int, '
	'loc text, reporter text, indicator text, period text, value text, comment text, deleted bool, coc text, aoc text), '
	'ON COMMIT DELETE ROWS, to be filled with COPY pg_temp.ingest_row FROM STDIN. seq is the 1-based row number, loc where '
	'the row came from ("line 3", "/values/2"). SECURITY INVOKER: the table belongs to the login, which needs TEMPORARY on '
	'the database. Steps: ingest_begin, INSERT submission, COPY, ingest_validate, ingest_apply, UPDATE submission, COMMIT.';
