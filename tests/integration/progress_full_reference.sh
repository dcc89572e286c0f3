#!/bin/bash
# progress_full_reference.sh: mestat.recompute_progress() gives, row for row,
# what the full assessment gave before its passes over the values were merged
# (tests/integration/progress_assess_ref.sql, that definition kept as a
# reference), on randomized data: provinces, a separate-plan city, a
# department (a national source) and the ministry (national-only indicators,
# a column's items), statuses B, M, P and E, deletions, follow-ups and rates.
# Each round runs the current definition, then the reference in its place,
# and compares report.progress, report.progress_by_reporter,
# report.completeness, report.timeliness and report.overdue both ways
# (EXCEPT ALL).
. "$TOP/tests/lib.sh"
. "$TOP/tests/integration/db_lib.sh"
. "$TOP/tests/integration/progress_lib.sh"

pr_random_db

VIEWS="progress progress_by_reporter completeness timeliness overdue"

# capture NAME: the latest snapshot and the reporting status (with the
# indicators a report received in part lacks, in overdue) through the
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
