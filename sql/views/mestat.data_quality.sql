-- mestat.data_quality: the current definition of this view.
-- First created in 023_data_quality_report.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace view mestat.data_quality as
-- The statistics are kept per (reporter, year) in mestat.quality_stat by
-- mestat.quality_refresh(), which mestatd runs right after each progress
-- run: this view is as fresh as report.progress. Its rows are those of the
-- definition it had before (023: completeness and timeliness summed from
-- mestat.reporting_status; cells, revisions, follow-ups and rule violations
-- counted over every version in mestat.observation, mestat.follow_up and
-- mestat.validation_violation), as of that refresh;
-- tests/integration/quality_stat.sh compares the two.
select m.reporter, m.year, m.expected, m.received, m.on_time, m.computed_at, m.completeness, m.timeliness, m.cells,
       m.revised, m.mean_abs_revision, m.outliers_flagged, m.outliers_confirmed, m.corrections_requested,
       m.rule_violations,
       -- Accuracy counts in proportion to what was received: silence earns nothing.
       -- A reporter nothing was expected of that year (a department, a base
       -- year) has no score: its figures are not measured against a plan.
       case when m.expected is not null then round(100 * (0.40 * coalesce(m.completeness, 0)
                    + 0.30 * coalesce(m.timeliness, 0)
                    + 0.30 * coalesce(m.completeness, 0)
                      * ((1 - least(1, m.mean_abs_revision))
                         + (1 - least(1, (m.outliers_flagged - m.outliers_confirmed)::numeric / greatest(1, m.cells)))
                         + (1 - least(1, m.rule_violations::numeric / greatest(1, m.cells)))) / 3), 1) end as score,
       -- rank() over (partition by year, score is null order by score desc)
       -- for the rows with a score, kept by the refresh.
       m.rank_in_year
  from ( -- a subquery, not WITH: a view with a WITH list is never merged
         -- into the query that reads it, and then no filter or ORDER BY ...
         -- LIMIT of the read API reaches quality_stat's indexes
	select q.reporter, q.year, q.expected, q.received, q.on_time, q.computed_at,
	       round(q.received::numeric / q.expected, 4) as completeness,
	       round(q.on_time::numeric / q.expected, 4) as timeliness,
	       q.cells, q.revised,
	       round(coalesce(q.revision_sum / nullif(q.revision_n, 0), 0), 4) as mean_abs_revision,
	       q.outliers_flagged, q.outliers_confirmed, q.corrections_requested, q.rule_violations, q.rank_in_year
	  from mestat.quality_stat q
       ) as m;

comment on view mestat.data_quality is 'The data quality scorecard, as of the last mestat.quality_refresh(); see report.data_quality.';
comment on column mestat.data_quality.rank_in_year is
	'Rank by score within the year (1 = best); NULL without a score. Kept by mestat.quality_refresh().';
