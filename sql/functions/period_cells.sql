-- mestat.period_cells: the current definition of this function.
-- First created beside the index it reads (042_observation_period_index.sql).
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

-- No SET clause (search_path): with one, PostgreSQL would not inline the
-- function into the query that calls it, and each call would be planned
-- apart. Every name is qualified instead.
--
-- It reads the versions, not mestat.cell (047), whose rows hold the same
-- current versions: the versions' index observation_period_cell (043)
-- carries the value, status and deletion mark, each cell's newest version
-- first, and mestat.observation only grows, so its pages stay all-visible
-- and the range is read from the index alone. mestat.cell's rows of one
-- (indicator, period) lie on a heap page each (they are in the order they
-- were stored, by submission); an incremental run adding up a quarter of
-- 100 indicators at 500 reporters read 50,000 of them, 0.53 s. Carrying the
-- same columns in cell_period would end the heap-only rewrite of a cell's
-- row on each revision: measured in bench/ingest, 1.4-9.2 ms more
-- PostgreSQL CPU a 50-row push (three pairs of runs).
create or replace function mestat.period_cells(p_indicator text, p_period text)
returns table (reporter text, value numeric, status text, id bigint)
language sql
stable
as $$
	select c.reporter, c.value, c.status, c.id
	  from (select distinct on (o.reporter) o.reporter, o.value, o.status, o.id, o.deleted
	          from mestat.observation o
	         where o.indicator = p_indicator and o.period = p_period
	         order by o.reporter, o.id desc) as c
	 where not c.deleted
$$;

comment on function mestat.period_cells(text, text) is
	'The current version of the cell (p_indicator, each reporter, p_period) of every reporter that has one and has not '
	'deleted it: value (NULL when reported missing), status and observation id. One range of the index '
	'observation_period_cell, read from the index alone; what an incremental progress run adds up nationally and a '
	'national row''s note reads (mestat.progress_assess, mestat.quality_note).';

-- The same, for the reporters of one range of codes, p_lo to p_hi, both
-- included (mestat.progress_reporter_range): the bounds are index conditions
-- on observation_period_cell's third column.
create or replace function mestat.period_cells(p_indicator text, p_period text, p_lo text, p_hi text)
returns table (reporter text, value numeric, status text, id bigint)
language sql
stable
as $$
	select c.reporter, c.value, c.status, c.id
	  from (select distinct on (o.reporter) o.reporter, o.value, o.status, o.id, o.deleted
	          from mestat.observation o
	         where o.indicator = p_indicator and o.period = p_period
	           and o.reporter between p_lo and p_hi
	         order by o.reporter, o.id desc) as c
	 where not c.deleted
$$;

comment on function mestat.period_cells(text, text, text, text) is
	'mestat.period_cells(p_indicator, p_period) for the reporters whose code is from p_lo to p_hi, both included: what '
	'a progress run adds up for one range of reporters (mestat.progress_national_part).';
