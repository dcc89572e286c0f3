-- 044: a series read from the index alone. Scoring a submitted value against
-- its reporter's history (mestat.outliers_of_submission) reads the current
-- version of every period of each series (reporter, indicator) the
-- submission touches; a progress run reads the current version of every
-- cell it assesses (mestat.progress_assess, pr_val). With what they read in
-- observation_cell (value, status, deletion mark, when it was recorded), and
-- the pages marked all-visible (043: observation is vacuumed after 1 % new
-- rows), both are index-only scans in the index's order. A 50-row push of
-- bench/ingest (28 series of 48 quarters, 5 versions a cell) reads 158 index
-- pages; walking each series period by period, which the planner served
-- from observation_period_cell (indicator, period, reporter) and so passed
-- every other reporter's versions at each step, read about 7,700 for the
-- same kind of push (at 8 versions a cell).
--
-- Rebuilding the index locks observation against writes while it is built
-- (under a second at the 37 provinces' scale).

set local role mestat_owner;

drop index mestat.observation_cell;
create index observation_cell on mestat.observation (reporter, indicator, period, id desc)
	include (value, status, deleted, recorded_at);
comment on index mestat.observation_cell is
	'Latest version per cell: the first entry of each (reporter, indicator, period), with what the readers of a series '
	'take (value, status, deleted, recorded_at) so that an index-only scan serves them: the outlier scoring of a '
	'submission (mestat.outliers_of_submission) and the values a progress run assesses (mestat.progress_assess).';
