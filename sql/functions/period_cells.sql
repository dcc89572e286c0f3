-- mestat.period_cells: the current definition of this function.
-- First created beside the index it reads (042_observation_period_index.sql).
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

-- No SET clause (search_path): with one, PostgreSQL would not inline the
-- function into the query that calls it, and each call would be planned
-- apart. Every name is qualified instead.
create or replace function mestat.period_cells(p_indicator text, p_period text)
returns table (reporter text, value numeric, status text, id bigint)
language sql
stable
as $$
	select c.reporter, c.value, c.status, c.observation
	  from mestat.cell c
	 where c.indicator = p_indicator and c.period = p_period and not c.deleted
$$;

comment on function mestat.period_cells(text, text) is
	'The current version of the cell (p_indicator, each reporter, p_period) of every reporter that has one and has not '
	'deleted it: value (NULL when reported missing), status and observation id. One range of mestat.cell''s index '
	'cell_period; what an incremental progress run adds up nationally (mestat.progress_assess).';
