-- 043: the cells of one (indicator, period) read from the index alone. An
-- incremental progress run adds up, for each (indicator, period) a submission
-- changed, that cell of every reporter (mestat.period_cells): for a county's
-- quarter of 100 indicators at 2,850 reporters, 285,000 cells, each on a heap
-- page of its own (the rows lie in the order they were stored, by
-- submission), 0.9 s of a 1.4 s run. With the value, status and deletion mark
-- in the index, and the pages marked all-visible, it is an index-only scan
-- of about 40 index pages a pair (0.18 s for the 100 pairs).
--
-- observation is append-only (a revision or a deletion is a new version), so
-- a vacuum only marks pages all-visible, and it is cheap. Autovacuum's
-- default insert threshold, 20 % of the table, would leave the latest
-- quarters (the ones being revised) unmarked for a year of county data:
-- observation is vacuumed after 1 % instead.
--
-- Rebuilding the index locks observation against writes while it is built
-- (12 s for 5.7 million values; under a second at the 37 provinces' scale).

set local role mestat_owner;

drop index mestat.observation_period_cell;
create index observation_period_cell on mestat.observation (indicator, period, reporter, id desc)
	include (value, status, deleted);
comment on index mestat.observation_period_cell is
	'The cells of one (indicator, period) of every reporter, each one''s latest version first, with what is added up '
	'(value, status, deleted) so that an index-only scan reads them: the national sums a progress run adds up '
	'(mestat.period_cells, mestat.progress_assess) and the statuses a national row''s note names (mestat.quality_note).';

alter table mestat.observation set (autovacuum_vacuum_insert_scale_factor = 0.01);
