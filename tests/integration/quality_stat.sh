#!/bin/bash
# quality_stat.sh: report.data_quality reads statistics kept per (reporter,
# year) in mestat.quality_stat by mestat.quality_refresh(). After random
# writes of every kind (new values, revisions, deletions, reported-missing
# values, follow-ups flagged and decided, rule violations appearing and
# going, a rule and a reporter changed, history corrected by the owner) and a
# progress run followed by a refresh, mestat.data_quality has exactly the
# rows of its former definition, which aggregated everything on each read
# (023, computed here inline), and report.data_quality's ranks those its
# window function gave: compared with EXCEPT ALL both ways. The
# refresh recomputes only the pairs written (and their parents); mestatd
# runs it after each progress run.
. "$TOP/tests/lib.sh"
. "$TOP/tests/integration/db_lib.sh"
. "$TOP/tests/integration/quality_lib.sh"

db_fresh
db_logins "$DB"
sq() { psql -X -q -At -F '|' -v ON_ERROR_STOP=1 -U postgres -d "$DB" -c "$1"; }
exec 3>&1
# owner SQL: as mestat_owner (who alone may correct history); a failure is a
# failed test, with the error.
owner() {
	local out
	out=$(psql -X -q -At -F '|' -v ON_ERROR_STOP=1 -U postgres -d "$DB" -c "set role mestat_owner; $1" 2>&1) ||
		not_ok "owner SQL runs" "${out:0:300}" >&3
	printf '%s\n' "$out"
}

# The former definition of mestat.data_quality, word for word (023), as a
# view of the test's own.
sq "create schema t_old" >/dev/null
sq "create view t_old.data_quality as
with rs as (
	select s.reporter, left(s.period, 4)::integer as year, sum(s.expected)::integer as expected,
	       sum(s.received)::integer as received, sum(s.on_time)::integer as on_time, max(s.computed_at) as computed_at
	  from mestat.reporting_status s
	 group by s.reporter, left(s.period, 4)::integer
),
cells as (
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
       case when m.expected is not null then round(100 * (0.40 * coalesce(m.completeness, 0)
                    + 0.30 * coalesce(m.timeliness, 0)
                    + 0.30 * coalesce(m.completeness, 0)
                      * ((1 - least(1, m.mean_abs_revision))
                         + (1 - least(1, (m.outliers_flagged - m.outliers_confirmed)::numeric / greatest(1, m.cells)))
                         + (1 - least(1, m.rule_violations::numeric / greatest(1, m.cells)))) / 3), 1) end as score
  from m" >/dev/null
sq "create view t_old.report_data_quality as
select d.reporter, r.name_zh as reporter_name_zh, r.name_en as reporter_name_en, r.kind as reporter_kind, d.year,
       d.expected, d.received, d.on_time, d.completeness, d.timeliness, d.cells, d.revised, d.mean_abs_revision,
       d.outliers_flagged, d.outliers_confirmed, d.corrections_requested, d.rule_violations, d.score,
       case when d.score is not null then rank() over (partition by d.year, d.score is null order by d.score desc) end
           as rank_in_year,
       d.computed_at
  from t_old.data_quality d
  join mestat.reporter r on r.code = d.reporter" >/dev/null
cols="reporter, year, expected, received, on_time, computed_at, completeness, timeliness, cells, revised,
      mean_abs_revision, outliers_flagged, outliers_confirmed, corrections_requested, rule_violations, score"

# same NAME [MIN_VIOLATIONS]: after a progress run and a refresh, the view
# and the former definition have the same rows (and at least MIN_VIOLATIONS
# rule violations between them, so that the case is not empty).
same() {
	local name=$1 min=${2:-0} got
	sq "select mestat.recompute_progress_incremental()" >/dev/null || not_ok "$name: progress run" "it failed"
	sq "select mestat.quality_refresh()" >/dev/null || not_ok "$name: refresh" "it failed"
	got=$(sq "select (select count(*) from (select $cols from t_old.data_quality except all
	                                        select $cols from mestat.data_quality) a),
	                 (select count(*) from (select $cols from mestat.data_quality except all
	                                        select $cols from t_old.data_quality) b),
	                 (select count(*) from mestat.data_quality) > 0,
	                 (select coalesce(sum(rule_violations), 0) >= $min from mestat.data_quality)")
	expect_eq "$name: mestat.data_quality has exactly the rows of its former definition" "0|0|t|t" "$got"
	got=$(sq "select (select count(*) from (select * from t_old.report_data_quality except all
	                                        select * from report.data_quality) a),
	                 (select count(*) from (select * from report.data_quality except all
	                                        select * from t_old.report_data_quality) b)")
	expect_eq "$name: ... and report.data_quality those of its own, ranks included" "0|0" "$got"
}

refreshed_pairs() { sq "select pairs from mestat.quality_state"; }

# The first refresh counts everything (the migration queued every pair).
expect_eq "the migration queues a refresh of every pair" "1" \
	"$(sq "select count(*) from mestat.quality_pending where reporter is null")"
same "an empty database"
all=$(sq "select count(*) from mestat.reporter")
expect_eq "... and then pending is empty" "0" "$(sq "select count(*) from mestat.quality_pending")"

# A submission queues its (reporter, year): one row for one quarter.
qsubmit "$DB" 330000 "" >/dev/null <<'ROWS'
line 2,330000,incubators,2018Q1,100,,,,,
line 3,330000,makerspaces,2018Q1,50,,,,,
ROWS
expect_eq "a submission of one quarter queues one (reporter, year)" "330000|2018" \
	"$(sq "select reporter, year from mestat.quality_pending")"
same "after one submission"
expect_eq "... the refresh recomputed the pair written" "1" "$(refreshed_pairs)"

# Random values for a province and its city, two more provinces and a
# ministry-less municipality: every indicator a rule names and a few others,
# 2016 to 2019, the quarters and the years; some first values 0, some
# reported missing (status M).
owner "select setseed(0.14);
insert into mestat.submission (reporter, via, format, sha256, outcome, http_status)
select r, 'push', 'csv', md5(r || 'q14') || md5('q14' || r), 'accepted', 201
  from unnest(array['330000', '330200', '320000', '110000', '210000', '210200']) r;
insert into mestat.observation (indicator, reporter, period, value, status, submission)
select x.indicator, x.reporter, x.period,
       case when x.r < 0.08 then null when x.r < 0.13 then 0 else round((random() * 1000)::numeric, 2) end,
       case when x.r < 0.08 then 'M' else 'A' end, x.submission
  from (select i.code as indicator, s.reporter, p.code as period, s.id as submission, random() as r
  from mestat.submission s
  cross join mestat.indicator i
  join mestat.period p on p.year between 2016 and 2019
   and p.kind = case i.periodicity when 'quarterly' then 'quarter' else 'year' end
 where s.sha256 = md5(s.reporter || 'q14') || md5('q14' || s.reporter)
   and (i.code in (select t.indicator from mestat.validation_rule_term t) or i.code in ('incubators', 'makerspaces'))
   and random() < 0.7) x
 order by random()" >/dev/null
same "after random values (some 0, some reported missing)" 1
expect_eq "... recomputing the pairs written and their parents only" "t" \
	"$(sq "select pairs < $all from mestat.quality_state")"

# Revisions, deletions, values reported missing after a value, values after a
# deletion.
owner "select setseed(0.27);
insert into mestat.observation (indicator, reporter, period, value, deleted, status, submission)
select c.indicator, c.reporter, c.period,
       case when x < 0.6 then round((random() * 1000)::numeric, 2) when x < 0.7 then 0 end,
       x >= 0.7 and x < 0.85, case when x >= 0.85 then 'L' else 'A' end, c.submission
  from (select distinct on (o.reporter, o.indicator, o.period) o.*, random() as x
          from mestat.observation o order by o.reporter, o.indicator, o.period, o.id desc) c
 where random() < 0.4" >/dev/null
owner "select setseed(0.31);
insert into mestat.observation (indicator, reporter, period, value, submission)
select c.indicator, c.reporter, c.period, round((random() * 1000)::numeric, 2), c.submission
  from (select distinct on (o.reporter, o.indicator, o.period) o.*
          from mestat.observation o order by o.reporter, o.indicator, o.period, o.id desc) c
 where (c.deleted or c.value is null) and random() < 0.5" >/dev/null
same "after revisions, deletions, reported-missing values and values after them" 1

# Follow-ups flagged (every kind), then decided.
owner "select setseed(0.42);
insert into mestat.follow_up (observation, submission, reporter, indicator, period, value, kind, message)
select o.id, o.submission, o.reporter, o.indicator, o.period, o.value,
       (array['history', 'peers', 'jump', 'reporter'])[1 + floor(random() * 4)::integer], 'test'
  from mestat.observation o where o.value is not null and random() < 0.1" >/dev/null
same "after follow-ups of every kind"
owner "select setseed(0.5);
select mestat.resolve_follow_up(f.id, case when random() < 0.5 then 'confirm' else 'correct' end, 'test')
  from mestat.follow_up f where random() < 0.6" >/dev/null
expect_eq "some follow-ups were decided both ways" "t|t" \
	"$(sq "select bool_or(decision = 'confirmed'), bool_or(decision = 'correction_requested') from mestat.follow_up")"
same "after follow-ups confirmed and sent back for correction"

# Rule violations appear (a city above its province, an online part above its
# whole) and go (the province corrects its figure).
owner "insert into mestat.observation (indicator, reporter, period, value, submission)
select t.indicator, '330200', p.code, 1000000, (select max(id) from mestat.submission where reporter = '330200')
  from mestat.validation_rule_term t join mestat.validation_rule r on r.name = t.rule and r.reporters = 'parent'
  join mestat.indicator i on i.code = t.indicator
  join mestat.period p on p.code = case i.periodicity when 'quarterly' then '2018Q2' else '2019' end
 where t.side = 'left';
insert into mestat.observation (indicator, reporter, period, value, submission)
select x.i, '320000', case ind.periodicity when 'quarterly' then '2017Q3' else '2017' end, x.v,
       (select max(id) from mestat.submission where reporter = '320000')
  from (values ('online_retail_sales', 900), ('retail_sales_total', 100), ('ecommerce_turnover', 50)) x(i, v)
  join mestat.indicator ind on ind.code = x.i" \
	>/dev/null
v1=$(sq "select count(*) from mestat.validation_violation
          where (reporter = '330000' and other_reporter = '330200' and period in ('2018Q2', '2019'))
             or (reporter = '320000' and period in ('2017Q3', '2017'))")
expect_match "the city above its province and the online part above its whole violate rules" '^[1-9][0-9]*$' "$v1"
same "after rule violations appear" "$v1"
owner "insert into mestat.observation (indicator, reporter, period, value, submission)
select t.indicator, '330000', p.code, 2000000, (select max(id) from mestat.submission where reporter = '330000')
  from mestat.validation_rule_term t join mestat.validation_rule r on r.name = t.rule and r.reporters = 'parent'
  join mestat.indicator i on i.code = t.indicator
  join mestat.period p on p.code = case i.periodicity when 'quarterly' then '2018Q2' else '2019' end
 where t.side = 'left'" >/dev/null
v2=$(sq "select count(*) from mestat.validation_violation where reporter = '330000' and other_reporter = '330200'
          and period in ('2018Q2', '2019')")
expect_eq "the province's corrected figures end those violations" "0" "$v2"
same "after rule violations go"

# A new rule, then the rule switched off: every pair is recomputed.
owner "insert into mestat.validation_rule (name, left_side, operator, right_side, severity, message_zh, message_en)
values ('t_incubators_lt_makerspaces', '{\"incubators\": 1}', '<', '{\"makerspaces\": 1}', 'warn', '孵化器少于众创空间', 'fewer incubators')" >/dev/null
expect_eq "a rule change queues a refresh of every pair" "1" \
	"$(sq "select count(*) from mestat.quality_pending where reporter is null")"
same "after a new validation rule" 1
expect_eq "... which recomputed every reporter in every year" "t" "$(sq "select pairs >= $all from mestat.quality_state")"
owner "update mestat.validation_rule set active = false where name = 't_incubators_lt_makerspaces'" >/dev/null
same "after the rule is switched off"

# A city becomes part of another province; the owner corrects history by
# deleting and updating versions.
owner "update mestat.reporter set parent = '320000' where code = '330200'" >/dev/null
same "after a reporter's parent changes"
owner "delete from mestat.follow_up where id in (select min(id) from mestat.follow_up);
delete from mestat.observation o where o.id in (select max(o2.id) from mestat.observation o2 where o2.reporter = '110000')
   and not exists (select 1 from mestat.follow_up f where f.observation = o.id);
update mestat.observation set period = '2016Q1' where id = (select max(id) from mestat.observation where reporter = '210000'
   and period like '2019Q%' and not exists (select 1 from mestat.follow_up f where f.observation = mestat.observation.id))" \
	>/dev/null
same "after the owner deletes and updates versions (history corrected)"

# Between a write and the next refresh the scorecard is as of the refresh
# before (as report.progress is as of the last progress run).
before=$(sq "select cells from mestat.data_quality where reporter = '330000' and year = 2018")
qsubmit "$DB" 330000 "" >/dev/null <<'ROWS'
line 2,330000,incubators,2018Q4,100,,,,,
ROWS
expect_eq "a value written waits for the next refresh" "$before" \
	"$(sq "select cells from mestat.data_quality where reporter = '330000' and year = 2018")"
same "after the next refresh"

# mestatd refreshes right after its progress runs (one soon after a push).
db_drop
conf=$T_TMP/mestatd.conf
log=$T_TMP/mestatd.log
t_conf "$conf" "$(t_newdb)" "recompute_interval = 1h" "recompute_delay = 1s"
t_up "$conf" "$log"
waited=$(t_wait_sql 15 "select refreshed_at is not null from mestat.quality_state")
if [ "$waited" != timeout ]; then ok "mestatd refreshes the scorecard after its first progress run"; else
	not_ok "mestatd refreshes the scorecard after its first progress run" "$(tail -n 3 "$log")"
fi
out=$(t_curl --cert "$T_CERTS/client-110000.crt" --key "$T_CERTS/client-110000.key" -H 'Content-Type: application/json' \
	-d '{"reporter":"110000","period":"2018Q3","values":[{"indicator":"incubators","value":40}]}' \
	"https://127.0.0.1:$T_PORT/api/v1/submissions")
expect_eq "a push is accepted" 201 "$(tail -n 1 <<<"$out")"
waited=$(t_wait_sql 15 "select exists (select 1 from mestat.data_quality where reporter = '110000' and year = 2018 and cells = 1)")
if [ "$waited" != timeout ]; then ok "... and the scorecard counts it after the progress run it triggers"; else
	not_ok "... and the scorecard counts it after the progress run it triggers" "$(tail -n 3 "$log")"
fi
expect_match "... logged" 'msg="data quality statistics refreshed" pairs=[1-9]' "$(grep 'data quality' "$log" | tail -n 1)"
t_stop
pg_psql -d postgres -c "DROP DATABASE IF EXISTS \"$T_DB\"" >/dev/null 2>&1
