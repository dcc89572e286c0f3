-- mestat.outliers_of_submission: the current definition of this function.
-- First created in 022_data_quality_ingest.sql; since 064_ingest_batch.sql, the
-- scoring of mestat.outliers_of_submissions() for one submission.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.outliers_of_submission(p_submission bigint)
returns table (observation bigint, reporter text, indicator text, period text, value numeric, kind text,
               score double precision, threshold numeric, compared_period text, compared_value numeric, message text)
language sql
stable
as $$
	select o.observation, o.reporter, o.indicator, o.period, o.value, o.kind, o.score, o.threshold, o.compared_period,
	       o.compared_value, o.message
	  from mestat.outliers_of_submissions(array[p_submission]) o
$$;

comment on function mestat.outliers_of_submission(bigint) is
	'The values stored by submission p_submission that are far from the reporter''s own history: modified z-score '
	'(Iglewicz-Hoaglin) of the log change year-on-year (flows, annual indicators) or quarter-on-quarter (stocks) against '
	'the reporter''s earlier changes, above the indicator''s outlier_threshold; with fewer than 4 earlier changes, the '
	'same score against the other provinces'' changes in the same period (at least 5 of them), else a tenfold change. '
	'No change is measured across a break in series (status B).';
