-- mestat.ingest_begin: the current definition of this function.
-- First created in 005_ingest.sql, last changed in 022_data_quality_ingest.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).
--
-- The staging tables keep their rows past COMMIT and are emptied here, by
-- DELETE while they are small. ON COMMIT DELETE ROWS would keep the plans
-- cached for the statements reading them (PostgreSQL empties such a table in
-- its own file: a function reading one, called in four transactions, was
-- planned once), but at every commit it empties every such table, truncating
-- its TOAST table and building that one's index again, about 0.17 ms a table.
-- Tried for the three that grow with the rows sent: 140 plans made in 48
-- batches of 32 instead of 646, but a push alone cost 1.4 to 2.0 ms more
-- (docs/scale.md, "Staging tables emptied at commit, tried"). A TRUNCATE
-- gives the table a new file, and every cached plan reading it is made again
-- at its next call: the validation and storing statements. The dead rows a
-- DELETE leaves are never vacuumed (temporary tables are not), and an INSERT
-- does not reuse the space of pruned rows (nothing records it): the table
-- grows by what each submission writes (a 50-row push: the rows, and their
-- versions after the tidying updates, 4 to 5 pages). Past 32 pages (256 kB)
-- it is truncated instead: once in 7 such pushes. At 4 pages it was 2 in 3,
-- and the plans made anew cost 2 to 4 ms of a 50-row push's 21 to 25 ms;
-- reading the dead rows of 32 pages costs less than that. At 128 pages a
-- batch made a third of the plans, with nothing to show for it in bench/pull.

set local role mestat_owner;

create or replace function mestat.ingest_begin() returns void
language plpgsql
set search_path = mestat, pg_temp
as $$
declare
	-- Past this size a staging table is truncated rather than emptied (above).
	max_size constant bigint := 32 * current_setting('block_size')::bigint;
	stale text;
begin
	-- A session that staged rows before a migration changed these tables
	-- has the old ones (the newest column missing): they are made again.
	if exists (select 1 from (values ('pg_temp.ingest_row', 'submitter'),
	                                 ('pg_temp.ingest_rule_hit', 'submission')) as t (name, newest)
	            where to_regclass(t.name) is not null
	              and not exists (select 1 from pg_attribute a
	                               where a.attrelid = to_regclass(t.name) and a.attname = t.newest
	                                 and not a.attisdropped)) then
		foreach stale in array array['pg_temp.ingest_row', 'pg_temp.ingest_rule_hit', 'pg_temp.ingest_batch_row'] loop
			if to_regclass(stale) is not null then
				execute format('drop table %s', stale);
			end if;
		end loop;
	end if;
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
			aoc text,
			status text,
			unit_mult text,
			followup boolean,
			missing boolean,
			-- The submission mestat.ingest_open() opened before the rows
			-- were staged (in a batch, the staging statement names each
			-- row's: mestat.ingest_batch_open(), 067), and its reporter
			-- when a batch's submissions are judged together (065):
			-- mestat.ingest_batch_check().
			submission bigint default nullif(current_setting('mestat.ingest_opened', true), '')::bigint,
			submitter text
		) on commit preserve rows;
	elsif pg_relation_size('pg_temp.ingest_row') > max_size then
		truncate pg_temp.ingest_row;
	else
		delete from pg_temp.ingest_row;
	end if;
	-- The validation rules the staged values break, judged once by
	-- ingest_validate (refuse) and read again by ingest_warnings (warn).
	if to_regclass('pg_temp.ingest_rule_hit') is null then
		create temporary table ingest_rule_hit (
			rule text,
			severity text,
			reporter text,
			period text,
			left_value numeric,
			right_value numeric,
			indicators text[],
			message text,
			other_reporter text,
			submission bigint
		) on commit preserve rows;
	elsif pg_relation_size('pg_temp.ingest_rule_hit') > max_size then
		truncate pg_temp.ingest_rule_hit;
	else
		delete from pg_temp.ingest_rule_hit;
	end if;
	-- A batch's staged rows as sent, while they are judged together (065).
	if to_regclass('pg_temp.ingest_batch_row') is null then
		create temporary table ingest_batch_row (like pg_temp.ingest_row including defaults) on commit preserve rows;
	end if;
	-- The rows validated and kept for storing, with their submission's id,
	-- and the warn rules they break: one submission's, or a batch's
	-- (064). Emptied by mestat.ingest_kept_empty() before a submission or a
	-- batch keeps its rows.
	if to_regclass('pg_temp.ingest_kept') is null then
		create temporary table ingest_kept (
			submission bigint,
			seq integer,
			reporter text,
			indicator text,
			period text,
			value text,
			comment text,
			deleted boolean,
			status text,
			followup boolean,
			missing boolean
		) on commit preserve rows;
		create temporary table ingest_kept_hit (
			submission bigint,
			rule text,
			severity text,
			period text,
			indicators text[],
			message text
		) on commit preserve rows;
	end if;
end
$$;

comment on function mestat.ingest_begin() is
	'mestatd, step 1 of an ingest: create (first time in the session) or empty the temp table '
	'pg_temp.ingest_row(seq int, loc text, reporter text, indicator text, period text, value text, '
	'comment text, deleted bool, coc text, aoc text, status text, unit_mult text, followup bool, missing '
	'bool, submission bigint (default: the submission mestat.ingest_open() opened), submitter text), emptied '
	'here (its rows outlive the commit until the next ingest_begin), to be filled by the '
	'caller (mestatd: one INSERT from an array per column; from psql, COPY pg_temp.ingest_row FROM '
	'STDIN). status is the SDMX OBS_STATUS as sent (NULL: A), unit_mult the SDMX UNIT_MULT as sent (NULL: '
	'the catalog unit), followup the sender''s own follow-up mark (DHIS2), missing is set by validation. '
	'Steps: ingest_begin, INSERT submission, the rows, ingest_validate, ingest_apply (+ ingest_warnings), '
	'UPDATE submission, COMMIT. Creates, the first time, pg_temp.ingest_kept and pg_temp.ingest_kept_hit (the rows '
	'and warn rules of the submissions validated for storing; mestat.ingest_kept_empty()), and '
	'pg_temp.ingest_batch_row (a batch''s rows as sent; mestat.ingest_batch_check()).';
