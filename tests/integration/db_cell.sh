#!/bin/bash
# db_cell.sh: mestat.cell holds each cell's current version (047), kept by
# statement triggers on mestat.observation, and mestat.cell_series each
# series' ends with its 4-quarter sums (056), kept by the progress runs for
# the series of the cells queued since the last one (062). After writes of
# every kind (one statement writing a cell several times, revisions,
# deletions, values reported missing, the daemon's ingest, an owner's update
# and delete of versions, a transaction whose version lost the race to a
# later one, two transactions writing one series at once, a truncation) and
# an incremental progress run, they have exactly the rows computed from the
# versions themselves, compared with EXCEPT ALL both ways (the series' ends
# with those of the reference's cells); and mestat.current_value, which
# reads mestat.cell, has the rows its former definition (022) gave.
. "$TOP/tests/lib.sh"
. "$TOP/tests/integration/db_lib.sh"

db_fresh
db_logins "$DB"
sq() { psql -X -q -At -F '|' -v ON_ERROR_STOP=1 -U postgres -d "$DB" -c "$1"; }
owner() {
	local out
	out=$(psql -X -q -At -F '|' -v ON_ERROR_STOP=1 -U postgres -d "$DB" -c "set role mestat_owner; $1" 2>&1) ||
		not_ok "owner SQL runs" "${out:0:300}"
}

# The cells as the versions give them, and current_value as 022 defined it.
# A quarter's 4-quarter sum (055) is its value and the three quarters'
# before it, by their codes, when all four have a value.
sq "create schema t_ref;
create view t_ref.cell_at as
select distinct on (o.reporter, o.indicator, o.period)
       o.reporter, o.indicator, o.period, o.id as observation, o.value, o.deleted, o.status, o.comment, o.submission,
       o.recorded_at as changed_at, (count(*) over w)::integer as versions, min(o.recorded_at) over w as first_recorded_at,
       min(o.recorded_at) filter (where not o.deleted) over w as first_value_at, mestat.period_k(o.period) as k
  from mestat.observation o
window w as (partition by o.reporter, o.indicator, o.period)
 order by o.reporter, o.indicator, o.period, o.id desc;
create view t_ref.cell_sum as
with c as (select * from t_ref.cell_at)
select c.*,
       (select sum(q.value) from c as q
         where q.reporter = c.reporter and q.indicator = c.indicator
           and q.period in (select p.code from mestat.period p
                             where p.kind = 'quarter' and p.k between c.k - 3 and c.k)
        having count(q.value) = 4 and length(c.period) = 6) as sum4
  from c;
-- A series' ends (each series with a cell, quarters and years apart): how
-- many values, the first and the latest value after the base year (k 0),
-- the base year's, the one four quarters before the latest, and the same of
-- the 4-quarter sums, each looked up by its k.
create view t_ref.cell_series as
with c as (select r.reporter, r.indicator, length(r.period) = 6 as quarterly, r.k, r.value, r.sum4 from t_ref.cell_sum r),
g as (select c.reporter, c.indicator, c.quarterly, count(c.value)::integer as n,
             min(c.k) filter (where c.k > 0 and c.value is not null) as k_first,
             max(c.k) filter (where c.k > 0 and c.value is not null) as k_last,
             count(c.sum4)::integer as n4,
             min(c.k) filter (where c.k > 0 and c.sum4 is not null) as k_first4,
             max(c.k) filter (where c.k > 0 and c.sum4 is not null) as k_last4
        from c group by c.reporter, c.indicator, c.quarterly)
select g.reporter, g.indicator, g.quarterly, g.n, g.k_first, f.value as v_first, g.k_last, l.value as v_last,
       b.value as v_base, p.value as v_prev, g.n4, g.k_first4, f4.sum4 as sum4_first, g.k_last4,
       l4.sum4 as sum4_last, b.sum4 as sum4_base, p4.sum4 as sum4_prev
  from g
  left join c f on (f.reporter, f.indicator, f.quarterly, f.k) = (g.reporter, g.indicator, g.quarterly, g.k_first)
  left join c l on (l.reporter, l.indicator, l.quarterly, l.k) = (g.reporter, g.indicator, g.quarterly, g.k_last)
  left join c b on (b.reporter, b.indicator, b.quarterly, b.k) = (g.reporter, g.indicator, g.quarterly, 0)
  left join c p on (p.reporter, p.indicator, p.quarterly, p.k) = (g.reporter, g.indicator, g.quarterly, g.k_last - 4)
  left join c f4 on (f4.reporter, f4.indicator, f4.quarterly, f4.k) = (g.reporter, g.indicator, g.quarterly, g.k_first4)
  left join c l4 on (l4.reporter, l4.indicator, l4.quarterly, l4.k) = (g.reporter, g.indicator, g.quarterly, g.k_last4)
  left join c p4 on (p4.reporter, p4.indicator, p4.quarterly, p4.k)
                  = (g.reporter, g.indicator, g.quarterly, g.k_last4 - 4);
create view t_ref.current_value as
select v.indicator, v.reporter, v.period, v.value, v.comment, v.revision_count, v.first_recorded_at,
       v.last_changed_at, v.submission, v.observation_id, v.status
  from (select distinct on (o.reporter, o.indicator, o.period)
               o.indicator, o.reporter, o.period, o.value, o.deleted, o.comment, o.submission, o.status,
               o.id as observation_id, o.recorded_at as last_changed_at,
               (count(*) over cell)::integer as revision_count, min(o.recorded_at) over cell as first_recorded_at
          from mestat.observation o
        window cell as (partition by o.reporter, o.indicator, o.period)
         order by o.reporter, o.indicator, o.period, o.id desc) as v
 where not v.deleted and v.value is not null" >/dev/null

# run: an incremental progress run, as mestatd starts one after a write (a
# full one when there is no snapshot yet); it keeps the series' ends.
run() { sq "select mestat.recompute_progress_incremental()" >/dev/null; }

# same WHAT [MIN]: after a progress run, mestat.cell, mestat.cell_series and
# mestat.current_value equal their references, and mestat.cell has at least
# MIN rows (a comparison of two empty tables proves nothing).
same() {
	local d n
	run
	d=$(sq "select (select count(*) from (select * from mestat.cell except all select * from t_ref.cell_at) a)
	             + (select count(*) from (select * from t_ref.cell_at except all select * from mestat.cell) b)
	             + (select count(*) from (select * from mestat.current_value except all select * from t_ref.current_value) c)
	             + (select count(*) from (select * from t_ref.current_value except all select * from mestat.current_value) d)
	             + (select count(*) from (select * from mestat.cell_series except all select * from t_ref.cell_series) e)
	             + (select count(*) from (select * from t_ref.cell_series except all select * from mestat.cell_series) f)")
	n=$(sq "select count(*) from mestat.cell")
	if [ "$d" = 0 ] && [ "$n" -ge "${2:-0}" ]; then
		ok "mestat.cell, cell_series and current_value match the versions $1 ($n cells)"
	else
		not_ok "mestat.cell and current_value match the versions $1" \
			"$d rows differ, $n cells: $(sq "select * from (select * from mestat.cell except all select * from t_ref.cell_at) a limit 3")
			$(sq "select * from (select * from mestat.cell_series except all select * from t_ref.cell_series) e limit 3")"
	fi
}

same "in an empty database"

owner "select setseed(0.11);
insert into mestat.submission (reporter, via, format, sha256, outcome, http_status)
select r, 'push', 'csv', md5(r || 'c11') || md5('c11' || r), 'accepted', 201
  from unnest(array['330000', '320000', '110000']) r"

# One statement writing most cells once and some of them two or three times.
owner "select setseed(0.12);
insert into mestat.observation (indicator, reporter, period, value, status, submission)
select x.indicator, x.reporter, x.period,
       case when x.r < 0.08 then null else round((random() * 1000)::numeric, 2) end,
       case when x.r < 0.08 then 'M' else 'A' end, x.submission
  from (select i.code as indicator, s.reporter, p.code as period, s.id as submission, g, random() as r,
               random() as keep
          from mestat.submission s
          cross join mestat.indicator i
          join mestat.period p on p.year between 2016 and 2018
           and p.kind = case i.periodicity when 'quarterly' then 'quarter' else 'year' end
          cross join generate_series(1, 3) g
        offset 0) x
 -- Drawn per row: a condition on g alone would be checked once per g.
 where x.keep < case x.g when 1 then 0.8 else 0.15 end
 order by random()"
expect_eq "one statement wrote some cells more than once" "t" "$(sq "select bool_or(versions > 1) from mestat.cell")"
# The base year (k 0) for one reporter, quarters and year.
owner "insert into mestat.observation (indicator, reporter, period, value, submission)
select i.code, '330000', p.code, 10 + p.k + length(i.code), (select max(id) from mestat.submission where reporter = '330000')
  from mestat.indicator i
  join mestat.period p on p.year = 2015
   and p.kind = case i.periodicity when 'quarterly' then 'quarter' else 'year' end"
same "after one statement writing cells one to three times" 100

# Revisions, deletions, values reported missing, values after a deletion.
owner "select setseed(0.27);
insert into mestat.observation (indicator, reporter, period, value, deleted, status, submission)
select c.indicator, c.reporter, c.period,
       case when x < 0.6 then round((random() * 1000)::numeric, 2) when x < 0.7 then 0 end,
       x >= 0.7 and x < 0.85, case when x >= 0.85 then 'L' else 'A' end, c.submission
  from (select c.*, random() as x from mestat.cell c) c
 where random() < 0.4"
owner "select setseed(0.31);
insert into mestat.observation (indicator, reporter, period, value, submission)
select c.indicator, c.reporter, c.period, round((random() * 1000)::numeric, 2), c.submission
  from mestat.cell c
 where (c.deleted or c.value is null) and random() < 0.5"
expect_eq "some cells are deleted, some reported missing, some revised" "t|t|t" \
	"$(sq "select bool_or(deleted), bool_or(not deleted and value is null), bool_or(versions > 1) from mestat.cell")"
expect_eq "a write leaves the series' ends to the next progress run, which has its cells queued" "t|t" \
	"$(sq "select exists (select * from mestat.cell_series except all select * from t_ref.cell_series),
	              exists (select 1 from mestat.progress_pending)")"
same "after revisions, deletions and values reported missing" 100
expect_eq "series have ends: a base year's value and 4-quarter sum, the value and sum four quarters before the latest" \
	"t|t|t|t|t" "$(sq "select bool_or(v_base > 0), bool_or(sum4_base > 0), bool_or(v_prev > 0), bool_or(sum4_prev > 0),
	                         bool_or(n4 > 0) from mestat.cell_series")"

# The daemon's own path: ingest_begin, the rows, ingest_validate, ingest_apply.
out=$(db_submit "$DB" 330000 "" <<'ROWS'
line 2,330000,incubators,2018Q1,4321,,
line 3,330000,incubators,2019Q1,17,,
ROWS
)
expect_match "the daemon stores through ingest_apply" '^counts\|' "$out"
expect_eq "the cells of an ingest are at its versions" "4321|17" \
	"$(sq "select string_agg(c.value::text, '|' order by c.period) from mestat.cell c
	        join mestat.observation o on o.id = c.observation and o.submission = c.submission
	       where c.reporter = '330000' and c.indicator = 'incubators' and c.period in ('2018Q1', '2019Q1')
	         and c.submission = (select max(id) from mestat.submission)")"
same "after an ingest"

# A version that lost the race: its statement took its id, then (while it
# still ran, for 2 s) another transaction stored a newer version of the same
# cell and committed. The cell stays at the newer one.
( psql -X -q -At -U postgres -d "$DB" -c "set role mestat_owner;
insert into mestat.observation (indicator, reporter, period, value, submission)
select 'makerspaces', '320000', x.period, x.v, (select max(id) from mestat.submission where reporter = '320000')
  from (values (1, '2017Q2', 111), (2, '2017Q3', 222)) x(n, period, v)
 where x.n = 1 or pg_sleep(2) is not null" >"$T_TMP/slow.out" 2>&1 ) &
slow=$!
sleep 0.7
owner "insert into mestat.observation (indicator, reporter, period, value, submission)
values ('makerspaces', '320000', '2017Q2', 999, (select max(id) from mestat.submission where reporter = '320000'))"
wait "$slow" || not_ok "the slower statement commits" "$(head -c 300 "$T_TMP/slow.out")"
expect_eq "the older version was written first and committed last" "t" \
	"$(sq "select max(id) filter (where value = 111) < max(id) filter (where value = 999)
	          and max(recorded_at) filter (where value = 111) < max(recorded_at) filter (where value = 999)
	         from mestat.observation where reporter = '320000' and indicator = 'makerspaces' and period = '2017Q2'")"
expect_eq "... and the cell stays at the newer version" "999" \
	"$(sq "select value from mestat.cell where reporter = '320000' and indicator = 'makerspaces' and period = '2017Q2'")"
same "after a version that committed after a newer one"

# Two transactions writing one series at once: the first stores 2020Q1 and
# stays open for 2 s; meanwhile the second stores 2020Q2-Q4, waiting for the
# reporter's lock until the first commits. The 4-quarter sum of 2020Q4
# needs both; the next run adds it up from the cells both left.
( psql -X -q -At -U postgres -d "$DB" -c "begin" -c "set role mestat_owner" -c "
insert into mestat.observation (indicator, reporter, period, value, submission)
values ('incubators', '110000', '2020Q1', 1000, (select max(id) from mestat.submission where reporter = '110000'))" \
	-c "select pg_sleep(2)" -c "commit" >"$T_TMP/first.out" 2>&1 ) &
first=$!
sleep 0.7
owner "insert into mestat.observation (indicator, reporter, period, value, submission)
select 'incubators', '110000', p, v, (select max(id) from mestat.submission where reporter = '110000')
  from (values ('2020Q2', 200), ('2020Q3', 30), ('2020Q4', 4)) x(p, v)"
wait "$first" || not_ok "the first transaction commits" "$(head -c 300 "$T_TMP/first.out")"
same "after two transactions wrote one series at once"
expect_eq "a series written by two transactions at once has its latest 4-quarter sum (2020Q4, k 20)" "20|1234" \
	"$(sq "select k_last4, sum4_last from mestat.cell_series
	        where reporter = '110000' and indicator = 'incubators' and quarterly")"

# The owner corrects history: the newest versions of one reporter removed,
# every version of one cell removed, a version moved to another cell.
owner "delete from mestat.observation o
 where o.id in (select max(o2.id) from mestat.observation o2 where o2.reporter = '110000'
                 group by o2.indicator, o2.period having count(*) > 1)"
owner "delete from mestat.observation where reporter = '320000' and indicator = 'makerspaces' and period = '2017Q3'"
expect_eq "a cell without a version is gone" "0" \
	"$(sq "select count(*) from mestat.cell where reporter = '320000' and indicator = 'makerspaces' and period = '2017Q3'")"
run
expect_eq "... and 320000's makerspaces have a series" "1" \
	"$(sq "select count(*) from mestat.cell_series where reporter = '320000' and indicator = 'makerspaces'")"
owner "delete from mestat.observation where reporter = '320000' and indicator = 'makerspaces'"
run
expect_eq "a series without a cell has no ends" "0" \
	"$(sq "select count(*) from mestat.cell_series where reporter = '320000' and indicator = 'makerspaces'")"
owner "insert into mestat.observation (indicator, reporter, period, value, deleted, submission)
select o.indicator, o.reporter, o.period, null, true, o.submission
  from mestat.cell o where o.reporter = '330000' and o.indicator = 'incubators' and not o.deleted"
run
expect_eq "a series whose cells are all deleted has ends with no value" "0|0||" \
	"$(sq "select n, n4, k_last, v_last from mestat.cell_series where reporter = '330000' and indicator = 'incubators'")"
owner "update mestat.observation set period = '2016Q1'
 where id = (select max(id) from mestat.observation where reporter = '330000' and period like '2018Q%')"
owner "update mestat.observation set value = value + 1 where reporter = '320000' and value is not null and id % 7 = 0"
same "after the owner deletes and updates versions"

# What the runs keep forgotten (a row deleted by hand, as a truncation or a
# queue too long to list does): the next run computes every series' ends
# again, and a series with no cell (of its kind: years of a quarterly
# indicator) loses its row.
owner "delete from mestat.progress_kept_basis where kept = 'series ends';
insert into mestat.cell_series (reporter, indicator, quarterly, n, n4)
select '110000', i.code, i.periodicity <> 'quarterly', 3, 0 from mestat.indicator i where i.code = 'makerspaces';
update mestat.cell_series set v_last = -1 where reporter = '330000'"
sq "select mestat.recompute_progress()" >/dev/null
same "after what the runs keep was forgotten and the series' ends spoilt"
expect_eq "... and the run stored its 'series ends' row again" 1 \
	"$(sq "select count(*) from mestat.progress_kept_basis where kept = 'series ends'")"

expect_match "nobody but the owner writes mestat.cell" "permission denied" \
	"$(psql -X -q -At -U t_daemon -d "$DB" -c "delete from mestat.cell" 2>&1)"

owner "truncate mestat.observation cascade"
expect_eq "a truncation of the versions empties mestat.cell and mestat.cell_series" "0|0|0" \
	"$(sq "select (select count(*) from mestat.observation), (select count(*) from mestat.cell),
	              (select count(*) from mestat.cell_series)")"

db_drop
