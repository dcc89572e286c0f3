#!/bin/bash
# progress_full_kept.sh: a full progress run keeps what the cells queued
# since the last run cannot have changed (060, mestat.progress_kept_basis):
# the parts of the national sums (mestat.progress_national_part, 048), of
# which it adds up again only those of the queued cells, and the counts of
# the reports received (mestat.reporting_status), of which it counts again
# only the reports of the queued cells and those it has no row of. Each goes
# over every cell again when what it rests on besides the cells changed. On
# randomized data (pr_random_db: provinces, a separate-plan city, a
# department, the ministry, statuses B, M, P, E, deletions, follow-ups,
# rates), each round writes without an incremental run (new values, an
# owner's correction or removal of a current version, follow-ups decided or
# removed, reporting rows pruned, a period's reports all without a row),
# runs a full run that keeps both, then one that goes over every cell (what
# is kept forgotten), and compares the two: the parts and the national
# points to the byte, and report.progress, report.progress_by_reporter,
# report.completeness, report.timeliness and report.overdue both ways
# (EXCEPT ALL), and the series' ends (mestat.cell_series, 062: each run
# computes again those of the series holding a queued cell, one that has
# forgotten what is kept every series'). A change of the reporters, a rate,
# an indicator's collection, 100,001 queued cells or a truncation of the
# follow-ups has the next full run go over every cell for what it alters.
. "$TOP/tests/lib.sh"
. "$TOP/tests/integration/db_lib.sh"
. "$TOP/tests/integration/progress_lib.sh"

pr_random_db

VIEWS="progress progress_by_reporter completeness timeliness overdue"

# capture NAME: the latest snapshot through the evaluators' views
# (pr_capture), the parts of the national sums and the national points,
# their numbers as text (to the byte), and the series' ends.
capture() {
	pr_capture "$1" $VIEWS
	sq "drop table if exists public.${1}_parts;
	    create table public.${1}_parts as
	    select indicator, period, part, agg_n, agg_sum::text, rate_n, rate_num::text, rate_den::text, n_break, n_flag
	      from mestat.progress_national_part;
	    drop table if exists public.${1}_points;
	    create table public.${1}_points as
	    select indicator, period, k, agg_n, agg_sum::text, agg_avg::text, rate_n, rate_num::text, rate_den::text,
	           n_break, n_flag
	      from mestat.progress_national_point;
	    drop table if exists public.${1}_series;
	    create table public.${1}_series as select * from mestat.cell_series" >/dev/null
}

# compare WHAT: the kept run's capture against the one that went over every
# cell, both ways.
compare() {
	pr_compare kept all "$1: %s of the run that kept the parts and counts is the one that went over every cell" \
		$VIEWS parts points series
}

# built [KEPT]: when the parts ("national parts") or the counts ("reports
# received") were last computed from every cell (empty: never, or
# forgotten); without KEPT both, "parts reports".
built() {
	if [ $# = 1 ]; then
		sq "select built_at from mestat.progress_kept_basis where kept = '$1'"
	else
		sq "select coalesce((select built_at::text from mestat.progress_kept_basis where kept = 'national parts'), '-')
		           || ' ' ||
		           coalesce((select built_at::text from mestat.progress_kept_basis where kept = 'reports received'), '-')"
	fi
}

# full_pair WHAT: a full run that keeps the parts and the counts (checked:
# it computed neither from every cell), then one that computes both from
# every cell, compared.
full_pair() {
	local before
	before=$(built)
	dq "select mestat.recompute_progress()" >/dev/null
	expect_eq "$1: the full run kept the parts and the counts (the digests are the ones stored before)" "$before" \
		"$(built)"
	expect_eq "$1: ... and its national sums are every reporter's cells added up" "0 true" "$(pr_kept_sums)"
	capture kept
	# (The series' ends spoilt too: the run that has forgotten what is kept
	# computes every series' again.)
	sq "set role mestat_owner; delete from mestat.progress_kept_basis;
	    update mestat.cell_series set n = n + 1000, v_last = null" >/dev/null
	dq "select mestat.recompute_progress()" >/dev/null
	expect_match "$1: the run after what was kept was forgotten went over every cell for both" "^2.* 2" "$(built)"
	capture all
	compare "$1"
}

# rebuilt KEPT BEFORE: "t" when KEPT was computed from every cell since BEFORE.
rebuilt() { sq "select built_at > '$2' from mestat.progress_kept_basis where kept = '$1'"; }

# The base: every chosen series, 2015Q1-2020Q4, all final values.
base_rows | push
expect_eq "before any run nothing is kept" "- -" "$(built)"
dq "select mestat.recompute_progress()" >/dev/null
expect_match "the first full run goes over every cell for both and stores their digests" "^2.* 2" "$(built)"
expect_eq "... and its national sums are every reporter's cells added up" "0 true" "$(pr_kept_sums)"

# (A province's current version of a cell, which no follow-up names: an
# owner may correct or remove it, and the cell changes.)
current_version="select c.observation from mestat.cell c
                  where c.reporter in ($(printf "'%s'," "${PROVINCES[@]}" | sed 's/,$//')) and c.value is not null
                    and not c.deleted
                    and not exists (select 1 from mestat.follow_up f where f.observation = c.observation)
                  order by random() limit 1"
# queued ID...: "N M", the cells of those versions and how many of them are
# queued (the queue is empty before: each round's runs claimed it).
queued() {
	local ids
	ids=$(echo "$@" | tr ' ' ',')
	sq "select count(*) || ' ' || count(*) filter (where exists (select 1 from mestat.progress_pending p
	                                                               where (p.indicator, p.reporter, p.period)
	                                                                     = (v.indicator, v.reporter, v.period)))
	      from (select distinct indicator, reporter, period from public.touched where id in ($ids)) as v"
}
for round in 1 2 3 4 5 6 7; do
	expect_eq "round $round: nothing is queued after the last run" 0 "$(sq "select count(*) from mestat.progress_pending")"
	case $round in
	2)
		# An owner corrects two current versions in place.
		ids=$(sq "$current_version"; sq "$current_version")
		sq "drop table if exists public.touched;
		    create table public.touched as select id, indicator, reporter, period from mestat.observation
		     where id in ($(echo $ids | tr ' ' ','));
		    set role mestat_owner;
		    update mestat.observation set value = value + 1000 where id in ($(echo $ids | tr ' ' ','))" >/dev/null
		expect_match "round 2: an owner's correction of current versions queues their cells" "^([12]) \1$" 			"$(queued $ids)"
		;;
	3)
		# An owner removes two current versions: each cell falls back on the
		# version before, or has no value left.
		ids=$(sq "$current_version"; sq "$current_version")
		sq "drop table if exists public.touched;
		    create table public.touched as select id, indicator, reporter, period from mestat.observation
		     where id in ($(echo $ids | tr ' ' ','));
		    set role mestat_owner;
		    delete from mestat.observation where id in ($(echo $ids | tr ' ' ','))" >/dev/null
		expect_match "round 3: an owner's removal of current versions queues their cells" "^([12]) \1$" 			"$(queued $ids)"
		;;
	4)
		# Follow-ups decided and one removed by an owner.
		sq "drop table if exists public.touched;
		    create table public.touched as
		    select id, indicator, reporter, period from mestat.follow_up where decision is null
		     order by id limit 3" >/dev/null
		ids=$(sq "select id from public.touched order by id")
		sq "set role mestat_owner;
		    update mestat.follow_up set decision = 'confirmed', decided_at = now(), decided_by = 'test'
		     where id in ($(echo $ids | tr ' ' ',')) and id < $(echo $ids | tr ' ' '\n' | tail -n 1);
		    delete from mestat.follow_up where id = $(echo $ids | tr ' ' '\n' | tail -n 1)" >/dev/null
		expect_match "round 4: follow-ups decided and removed queue their cells" "^([1-3]) \1$" 			"$(queued $ids)"
		;;
	5)
		# A province's reporting rows pruned (as a snapshot's deletion
		# takes the rows naming it): the kept run counts them from the cells.
		sq "set role mestat_owner; delete from mestat.reporting_status where reporter = '${PROVINCES[3]}'" >/dev/null
		;;
	7)
		# A period's every report with no row, as at a quarter's end, and no
		# value sent: the kept run counts that period's reports from the
		# cells, finding them by period (mestat.cell's cell_period) rather
		# than by each reporter's whole range.
		# (A quarter from 2016: 2015 is the base year, no report is owed.)
		period=$(sq "select period from mestat.cell where period like '____Q_' and period >= '2016'
		             group by period order by count(*) desc, period limit 1")
		deleted=$(sq "set role mestat_owner;
		              with d as (delete from mestat.reporting_status where period = '$period' returning 1)
		              select count(*) from d" | tail -n 1)
		expect_match "round 7: a quarter with values ($period) has its reports' rows deleted" "^[1-9][0-9]* [1-9][0-9]* 0$" \
			"$(sq "select count(*) || ' ' || $deleted || ' ' ||
			              (select count(*) from mestat.reporting_status where period = '$period')
			         from mestat.cell where period = '$period'")"
		;;
	esac
	[ "$round" = 7 ] || rows $((10 + RANDOM % 40)) | push
	full_pair "round $round"
done

# A province no longer reports (it is no longer added up, it owes no more
# reports): both are computed again from every cell.
before=$(built "national parts") before_r=$(built "reports received")
sq "set role mestat_owner; update mestat.reporter set active = false where code = '${PROVINCES[2]}'" >/dev/null
rows 20 | push
dq "select mestat.recompute_progress()" >/dev/null
expect_eq "a reporter no longer active: the full run adds up every part and counts every report again" "t t" \
	"$(rebuilt "national parts" "$before") $(rebuilt "reports received" "$before_r")"
expect_eq "... and its national sums are every reporter's cells added up" "0 true" "$(pr_kept_sums)"
capture kept
sq "set role mestat_owner; delete from mestat.progress_kept_basis" >/dev/null
dq "select mestat.recompute_progress()" >/dev/null
capture all
compare "after the reporter change"

# A rate's definition changes: the parts are added up again, the counts kept.
before=$(built "national parts") before_r=$(built "reports received")
rate=$(sq "select code || ' ' || denominator from mestat.indicator where numerator is not null and scope = 'provincial'
           order by code limit 1")
expect_match "a rate to redefine" "^[a-z_]+ [a-z_]+$" "$rate"
sq "set role mestat_owner;
    update mestat.indicator set denominator = (select i.code from mestat.indicator i
                                                where i.code <> '${rate#* }' and i.periodicity = 'quarterly'
                                                  and i.scope = 'provincial' and i.numerator is null
                                                order by i.code limit 1)
     where code = '${rate% *}'" >/dev/null 2>"$T_TMP/rate.err" ||
	not_ok "the rate's denominator changes" "$(cat "$T_TMP/rate.err")"
dq "select mestat.recompute_progress()" >/dev/null
expect_eq "a rate's parts redefined: the full run adds up every part again, keeps the counts" "t f" \
	"$(rebuilt "national parts" "$before") $(rebuilt "reports received" "$before_r")"

# An indicator no longer collected: the counts go over every cell again, the
# parts are kept (it is no rate's part).
before=$(built "national parts") before_r=$(built "reports received")
gone=$(sq "select i.code from mestat.indicator i
            where i.active and i.scope = 'provincial' and i.numerator is null
              and not exists (select 1 from mestat.indicator j where i.code in (j.numerator, j.denominator))
              and not exists (select 1 from mestat.column_item c where i.code in (c.indicator, c.column_indicator))
              and exists (select 1 from mestat.cell c where c.indicator = i.code)
            order by i.code limit 1")
sq "set role mestat_owner; update mestat.indicator set active = false where code = '$gone'" >/dev/null
rows 20 | push
dq "select mestat.recompute_progress()" >/dev/null
expect_eq "an indicator no longer collected ($gone): the full run counts every report again, keeps the parts" "f t" \
	"$(rebuilt "national parts" "$before") $(rebuilt "reports received" "$before_r")"
capture kept
sq "set role mestat_owner; delete from mestat.progress_kept_basis" >/dev/null
dq "select mestat.recompute_progress()" >/dev/null
capture all
compare "after the indicator change"

# More than 100,000 cells queued (a load): going over every cell is the quicker.
before=$(built "national parts") before_r=$(built "reports received")
sq "set role mestat_owner;
    insert into mestat.progress_pending (indicator, reporter, period)
    select '${QIND[0]}', '${PROVINCES[0]}', '2020Q4' from generate_series(1, 100001)" >/dev/null
dq "select mestat.recompute_progress()" >/dev/null
expect_eq "100,001 cells queued: the full run goes over every cell for both, and empties the queue" "t t 0" \
	"$(rebuilt "national parts" "$before") $(rebuilt "reports received" "$before_r") $(sq "select count(*) from mestat.progress_pending")"
rows 20 | push
before=$(built)
dq "select mestat.recompute_progress()" >/dev/null
expect_eq "... 20 cells queued: the next one keeps both" "$before" "$(built)"

# A truncation leaves no row to queue: what is kept is forgotten and a full
# run queued.
sq "set role mestat_owner; truncate mestat.follow_up" >/dev/null 2>"$T_TMP/trunc.err" ||
	not_ok "an owner truncates the follow-ups" "$(cat "$T_TMP/trunc.err")"
expect_eq "a truncation of the follow-ups forgets what is kept and queues a full run" "0 1" \
	"$(sq "select (select count(*) from mestat.progress_kept_basis) || ' ' ||
	              (select count(*) from mestat.progress_pending where indicator is null)")"
expect_eq "... which the next incremental run performs" full \
	"$(sq "select kind from mestat.progress_snapshot where id = $(dq "select mestat.recompute_progress_incremental()")")"
expect_match "... going over every cell for both" "^2.* 2" "$(built)"
expect_eq "... and its national sums are every reporter's cells added up, no cell held" "0 true" "$(pr_kept_sums)"

db_drop
