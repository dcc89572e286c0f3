-- mestat.data_quality: the current definition of this view.
-- First created in 023_data_quality_report.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace view mestat.data_quality as
with rs as (
	select s.reporter, left(s.period, 4)::integer as year, sum(s.expected)::integer as expected,
	       sum(s.received)::integer as received, sum(s.on_time)::integer as on_time, max(s.computed_at) as computed_at
	  from mestat.reporting_status s
	 group by s.reporter, left(s.period, 4)::integer
),
cells as (
	-- One pass over observation in the order of its index observation_cell
	-- (reporter, indicator, period, id desc), no sort: per cell, the values
	-- newest first; the current value is the first, the first version's the
	-- last (either may be a deletion, NULL).
	select c.reporter, left(c.period, 4)::integer as year, count(*)::integer as cells,
	       count(*) filter (where c.n_values > 1)::integer as revised,
	       avg(case when c.vs[c.n] <> 0 then abs(c.vs[1] - c.vs[c.n]) / abs(c.vs[c.n]) end) as mar
	  from (select o.reporter, o.indicator, o.period, array_agg(o.value order by o.id desc) as vs,
	               count(*) as n, count(o.value) as n_values
	          from mestat.observation o
	         group by o.reporter, o.indicator, o.period) as c
	 where c.vs[1] is not null
	 group by c.reporter, left(c.period, 4)::integer
),
flags as (
	select f.reporter, left(f.period, 4)::integer as year,
	       count(*) filter (where f.kind in ('history', 'peers', 'jump'))::integer as flagged,
	       count(*) filter (where f.kind in ('history', 'peers', 'jump') and f.decision = 'confirmed')::integer as confirmed,
	       count(*) filter (where f.kind in ('history', 'peers', 'jump') and f.decision = 'correction_requested')::integer
	           as correction_requested
	  from mestat.follow_up f
	 group by f.reporter, left(f.period, 4)::integer
),
rules as (
	select v.reporter, left(v.period, 4)::integer as year, count(*)::integer as violations
	  from mestat.validation_violation v
	 group by v.reporter, left(v.period, 4)::integer
),
keys as (
	select reporter, year from rs union select reporter, year from cells
	union select reporter, year from flags union select reporter, year from rules
),
m as (
	select k.reporter, k.year, rs.expected, rs.received, rs.on_time, rs.computed_at,
	       round(rs.received::numeric / rs.expected, 4) as completeness,
	       round(rs.on_time::numeric / rs.expected, 4) as timeliness,
	       coalesce(c.cells, 0) as cells, coalesce(c.revised, 0) as revised,
	       round(coalesce(c.mar, 0), 4) as mean_abs_revision,
	       coalesce(f.flagged, 0) as outliers_flagged, coalesce(f.confirmed, 0) as outliers_confirmed,
	       coalesce(f.correction_requested, 0) as corrections_requested,
	       coalesce(v.violations, 0) as rule_violations
	  from keys k
	  left join rs on rs.reporter = k.reporter and rs.year = k.year
	  left join cells c on c.reporter = k.reporter and c.year = k.year
	  left join flags f on f.reporter = k.reporter and f.year = k.year
	  left join rules v on v.reporter = k.reporter and v.year = k.year
)
select m.*,
       -- Accuracy counts in proportion to what was received: silence earns nothing.
       -- A reporter nothing was expected of that year (a department, a base
       -- year) has no score: its figures are not measured against a plan.
       case when m.expected is not null then round(100 * (0.40 * coalesce(m.completeness, 0)
                    + 0.30 * coalesce(m.timeliness, 0)
                    + 0.30 * coalesce(m.completeness, 0)
                      * ((1 - least(1, m.mean_abs_revision))
                         + (1 - least(1, (m.outliers_flagged - m.outliers_confirmed)::numeric / greatest(1, m.cells)))
                         + (1 - least(1, m.rule_violations::numeric / greatest(1, m.cells)))) / 3), 1) end as score
  from m;

comment on view mestat.data_quality is 'The data quality scorecard; see report.data_quality.';
