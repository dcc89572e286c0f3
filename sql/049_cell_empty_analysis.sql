-- 049: mestat.cell is not planned as an empty table once it holds cells.
--
-- 047 analyzed mestat.cell right after filling it from the versions. On a
-- new database there were none, and PostgreSQL trusts an analysis that
-- found no row: until the next ANALYZE, a plan reads the table as empty,
-- however many cells it holds by then. mestatd's connections keep one plan
-- of the ingest's statements, made at their first submission: each later
-- one read the key of each row it stored by scanning every cell
-- (bench/pull, 3,000 sources of 5 rows into a new database: 3,056 scans,
-- 22.4 million cells read; PostgreSQL's CPU per submission 8.3-13.8 ms,
-- against 5.7-6.4 ms before 047's readers). A table never analyzed is
-- planned as at least 10 pages, and a probe of its key as an index scan.
-- Truncating the table while it is empty forgets the analysis; one with
-- cells keeps its statistics. (Truncating mestat.observation empties
-- mestat.cell the same way, mestat.cell_keep_truncate.)

set local role mestat_owner;

do $$
begin
	if not exists (select 1 from mestat.cell) then
		truncate mestat.cell;
	end if;
end
$$;
