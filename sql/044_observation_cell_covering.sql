-- 044: a series read from the index alone. Scoring a submitted value against
-- its reporter's history (mestat.outliers_of_submission) reads the current
-- version of every period of the series (reporter, indicator); a progress run
-- reads the current version of every cell it assesses (mestat.progress_assess,
-- pr_val). Both walk observation_cell in its order, and both went to the
-- heap for every version they passed, one page each (the rows lie in the
-- order they were stored, by submission). With what they read in the index
-- (value, status, deletion mark, when it was recorded), and the pages marked
-- all-visible (043: observation is vacuumed after 1 % new rows), they are
-- index-only scans: a 50-row submission's 28 series of 48 quarters are about
-- 30 index pages.
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
