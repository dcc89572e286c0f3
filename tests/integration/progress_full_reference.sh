#!/bin/bash
# progress_full_reference.sh: mestat.recompute_progress() gives, row for row,
# what the full assessment gave before its passes over the values were merged
# (tests/integration/progress_assess_ref.sql, that definition kept as a
# reference), on randomized data: provinces, a separate-plan city, a
# department (a national source) and the ministry (national-only indicators,
# a column's items), statuses B, M, P and E, deletions, follow-ups and rates.
# Each round runs the current definition, then the reference in its place,
# and compares report.progress, report.progress_by_reporter,
# report.completeness and report.timeliness both ways (EXCEPT ALL).
. "$TOP/tests/lib.sh"
. "$TOP/tests/integration/db_lib.sh"

DB=$(t_newdb)
t_conf "$T_TMP/mestatd.conf" "$DB"
"$MESTATD" --migrate -c "$T_TMP/mestatd.conf" >"$T_TMP/migrate.log" 2>&1 ||
	{ not_ok "migrations apply" "$(tail -n 3 "$T_TMP/migrate.log")"; exit 1; }
db_logins "$DB"
sq() { pg_psql -d "$DB" -tA -c "$1"; }
dq() { db_q t_daemon "$DB" "$1"; }

SEED=${PROGRESS_SEED:-$((RANDOM * 32768 + RANDOM))}
RANDOM=$SEED
echo "# seed $SEED (PROGRESS_SEED=$SEED replays it)"

# Own targets for two reporters (ratio rows per reporter), and values to
# build on: every chosen series from 2015, the plain way.
pg_psql -d "$DB" >/dev/null <<'SQL'
set role mestat_owner;
insert into mestat.target (indicator, scope, kind, baseline_value, target_value, path, effective_from, clause, note)
values ('incubators', '110000', 'point', 100, 300, 'linear', '2017-04-14', null, 'test: an own target'),
       ('online_retail_share', '120000', 'point', 10, 30, 'linear', '2017-04-14', null, 'test: an own target');
SQL
PROVINCES=(110000 120000 150000 310000 210000 330000)
CHILD=210200   # Dalian, under Liaoning: assessed on its own, never added up
QIND=(incubators modern_service_value_added tech_contracts online_retail_sales retail_sales_total online_retail_share)
MIND=(field_projects_deployed col1_item1_projects col1_item2_projects col1_demo_launched)
STATUSES=(A A A A A A B M P E X) # X: a deletion

# rows N: N random CSV lines reporter,indicator,period,value,status.
rows() {
	local n=$1 i ind rep per st val
	for ((i = 0; i < n; i++)); do
		if ((RANDOM % 5 == 0)); then
			ind=${MIND[RANDOM % ${#MIND[@]}]} rep=000000 per=$((2015 + RANDOM % 6))
		else
			ind=${QIND[RANDOM % ${#QIND[@]}]}
			case $((RANDOM % 10)) in
			0) rep=$CHILD ;;
			1) rep=920001 ;; # the department whose figure is modern_service_value_added's national one
			2) rep=000000 ;; # tech_contracts' national source is the ministry
			*) rep=${PROVINCES[RANDOM % ${#PROVINCES[@]}]} ;;
			esac
			per=$((2015 + RANDOM % 6))Q$((1 + RANDOM % 4))
		fi
		st=${STATUSES[RANDOM % ${#STATUSES[@]}]}
		val=$((50 + RANDOM % 500)).$((RANDOM % 100))
		[ "$st" = M ] || [ "$st" = X ] && val=
		echo "$rep,$ind,$per,$val,$st"
	done
}

# push: store the CSV lines on stdin as one accepted submission per reporter,
# as ingestion does (one transaction), with a follow-up on some values and a
# decision on some open follow-ups.
push() {
	pg_psql -d "$DB" >/dev/null <<SQL
begin;
set local role mestat_owner;
create temp table t_in (reporter text, indicator text, period text, value numeric, status text, seq serial) on commit drop;
copy t_in (reporter, indicator, period, value, status) from stdin with (format csv);
$(cat)
\\.
create temp table t_sub on commit drop as select reporter, null::bigint as id from t_in group by reporter;
with ins as (
	insert into mestat.submission (reporter, via, format, sha256, outcome, http_status, received_at)
	select t.reporter, 'push', 'csv', encode(sha256(convert_to(t.reporter || clock_timestamp()::text || random()::text, 'UTF8')), 'hex'),
	       'accepted', 201, now()
	  from t_sub t
	returning id, reporter
)
update t_sub s set id = ins.id from ins where ins.reporter = s.reporter;
insert into mestat.observation (indicator, reporter, period, value, deleted, submission, recorded_at, status)
select i.indicator, i.reporter, i.period, i.value, i.status = 'X', s.id, now(),
       case when i.status = 'X' then 'A' else i.status end
  from t_in i join t_sub s on s.reporter = i.reporter
 order by i.seq;
insert into mestat.follow_up (observation, submission, reporter, indicator, period, value, kind, message)
select o.id, o.submission, o.reporter, o.indicator, o.period, o.value, 'reporter', 'test: marked for follow-up'
  from mestat.observation o join t_sub s on s.id = o.submission
 where o.value is not null and random() < 0.15;
update mestat.follow_up set decision = 'confirmed', decided_at = now(), decided_by = 'test'
 where decision is null and random() < 0.3;
commit;
SQL
}

VIEWS="progress progress_by_reporter completeness timeliness"

# capture NAME: the latest snapshot and the reporting status through the
# evaluators' views, without the snapshot id and the times.
capture() {
	local v cols
	for v in $VIEWS; do
		cols=$(sq "select string_agg(quote_ident(column_name), ', ' order by ordinal_position)
		             from information_schema.columns
		            where table_schema = 'report' and table_name = '$v' and column_name not in ('snapshot', 'taken_at', 'computed_at')")
		sq "drop table if exists public.${1}_$v; create table public.${1}_$v as select $cols from report.$v" >/dev/null
	done
}

# install FILE: the definition of mestat.progress_assess in FILE.
install() {
	pg_psql -d "$DB" -1 -f "$1" >/dev/null 2>"$T_TMP/install.err" ||
		{ not_ok "install $(basename "$1")" "$(cat "$T_TMP/install.err")"; exit 1; }
}

compare() {
	local v diff n
	for v in $VIEWS; do
		n=$(sq "select count(*) from public.cur_$v")
		diff=$(sq "select count(*) from ((select * from public.cur_$v except all select * from public.ref_$v)
		                                   union all
		                                  (select * from public.ref_$v except all select * from public.cur_$v)) as x")
		if [ "$diff" = 0 ] && [ "$n" -gt 0 ]; then
			ok "round $1: report.$v of the full run is the reference's ($n rows)"
		else
			not_ok "round $1: report.$v of the full run is the reference's" \
				"$diff rows differ of $n; first: $(sq "select row_to_json(x) from ((select * from public.cur_$v except all select * from public.ref_$v) limit 2) as x")"
		fi
	done
}

# The base: every chosen series, 2015Q1-2020Q4, all final values.
{
	for rep in "${PROVINCES[@]}" $CHILD 920001 000000; do
		for ind in "${QIND[@]}"; do
			for y in 2015 2016 2017 2018 2019 2020; do
				for qn in 1 2 3 4; do echo "$rep,$ind,${y}Q$qn,$((100 + RANDOM % 400)),A"; done
			done
		done
	done
	for ind in "${MIND[@]}"; do
		for y in 2015 2016 2017 2018 2019 2020; do echo "000000,$ind,$y,$((1 + RANDOM % 9)),A"; done
	done
} | push
for round in 1 2 3 4; do
	if [ "$round" = 3 ]; then
		sq "set role mestat_owner;
		    insert into mestat.target (indicator, kind, baseline_value, target_value, path, effective_from, clause,
		                               decision_ref, decision_date, note)
		    values ('incubators', 'point', 1000, 5000, 'linear', '2019-06-01', null, '测试〔2019〕1号', '2019-05-20',
		            'test: a revision')" >/dev/null
	fi
	[ "$round" = 1 ] || rows $((20 + RANDOM % 60)) | push
	dq "select mestat.recompute_progress()" >/dev/null
	capture cur
	install "$TOP/tests/integration/progress_assess_ref.sql"
	dq "select mestat.recompute_progress()" >/dev/null
	capture ref
	install "$TOP/sql/functions/progress_assess.sql"
	compare "$round"
done
expect_eq "both definitions wrote as many rows" t \
	"$(sq "select count(distinct details) = 1 from (select details from mestat.progress_snapshot order by id desc limit 2) as s")"

db_drop
