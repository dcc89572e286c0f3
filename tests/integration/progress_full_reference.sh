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

# install FILE: the definition of mestat.progress_assess in FILE.
install() {
	pg_psql -d "$DB" -1 -f "$1" >/dev/null 2>"$T_TMP/install.err" ||
		{ not_ok "install $(basename "$1")" "$(cat "$T_TMP/install.err")"; exit 1; }
}

# The base: every chosen series, 2015Q1-2020Q4, all final values.
base_rows | push
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
	# (The latest snapshot and the reporting status, with the indicators a
	# report received in part lacks in overdue.)
	pr_capture cur $VIEWS
	install "$TOP/tests/integration/progress_assess_ref.sql"
	dq "select mestat.recompute_progress()" >/dev/null
	pr_capture ref $VIEWS
	install "$TOP/sql/functions/progress_assess.sql"
	pr_compare cur ref "round $round: report.%s of the full run is the reference's" $VIEWS
done
expect_eq "both definitions wrote as many rows" t \
	"$(sq "select count(distinct details) = 1 from (select details from mestat.progress_snapshot order by id desc limit 2) as s")"

db_drop
