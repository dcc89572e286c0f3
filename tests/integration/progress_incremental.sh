#!/bin/bash
# progress_incremental.sh: mestat.recompute_progress_incremental() gives the
# same assessment as mestat.recompute_progress() after randomized changes:
# new values and revisions from provinces, a separate-plan city (a child
# reporter), a department (a national source) and the ministry (national-only
# indicators, a column's items), statuses B (break), M (missing), P
# (provisional) and E (estimated), deletions, follow-ups opened and decided, rates whose
# parts change, and a target revision (which makes the next run a full one).
# After each round the incremental snapshot and a full one are compared, row
# for row, both ways, through report.progress, report.progress_by_reporter,
# report.progress_history and report.completeness, and the national sums the
# incremental runs kept in parts (048) against every reporter's cells added
# up afresh. An incremental snapshot
# stores only the rows it reassessed: a snapshot a release pinned early on
# must still read as it did after the later incremental and full runs.
. "$TOP/tests/lib.sh"
. "$TOP/tests/integration/db_lib.sh"
. "$TOP/tests/integration/progress_lib.sh"

pr_random_db

INC_VIEWS="progress progress_by_reporter progress_history completeness"

# The base: every chosen series, 2015Q1-2020Q4, all final values.
base_rows | push
expect_eq "the values queue their cells for the next run" t \
	"$(sq "select count(*) > 0 and count(*) filter (where indicator is null) = 0 from mestat.progress_pending")"
dq "select mestat.recompute_progress()" >/dev/null
expect_eq "a full run empties the queue" 0 "$(sq "select count(*) from mestat.progress_pending")"
expect_eq "it cuts the reporters into ranges, each reporter in one, the changed provinces in more than one" "0 true" \
	"$(sq "select (select count(*) from mestat.reporter r
	                where (select count(*) from mestat.progress_reporter_range g where r.code between g.lo and g.hi) <> 1)
	              || ' ' || (count(distinct g.part) > 1)
	         from mestat.progress_reporter_range g
	         join mestat.reporter r on r.code between g.lo and g.hi
	        where r.code in ($(printf "'%s'," "${PROVINCES[@]}" | sed 's/,$//'))")"
expect_eq "with nothing queued an incremental run writes no snapshot" "" \
	"$(dq "select mestat.recompute_progress_incremental()")"

for round in 1 2 3 4 5 6; do
	if [ "$round" = 4 ]; then
		# A target revision: what every row rests on changed, the next run is full.
		sq "set role mestat_owner;
		    insert into mestat.target (indicator, kind, baseline_value, target_value, path, effective_from, clause,
		                               decision_ref, decision_date, note)
		    values ('incubators', 'point', 1000, 5000, 'linear', '2019-06-01', null, '测试〔2019〕1号', '2019-05-20',
		            'test: a revision')" >/dev/null
	fi
	# Two submissions, each followed by its incremental run: the second
	# builds on an incremental snapshot.
	for part in 1 2; do
		{
			rows $((5 + RANDOM % 20))
			if [ "$round" = 2 ] && [ "$part" = 2 ]; then
				# The latest quarter part-reported nationally: a province's
				# value deleted, another's reported missing. The national rows
				# then name the provinces missing, whose cells an incremental
				# run reads, not their series.
				echo "330000,incubators,2020Q4,,X"
				echo "150000,retail_sales_total,2020Q4,,M"
			fi
		} | push
		kind=$(sq "select kind from mestat.progress_snapshot where id = $(dq "select mestat.recompute_progress_incremental()")")
		if [ "$round" = 4 ] && [ "$part" = 1 ]; then
			expect_eq "round $round: after a target revision the run is a full one" full "$kind"
		else
			expect_eq "round $round.$part: the run after a submission is incremental" incremental "$kind"
			expect_eq "round $round.$part: it stores only what it reassessed, fewer rows than its whole" t \
				"$(sq "select written > 0 and written < details from mestat.progress_snapshot
				        where id = (select max(id) from mestat.progress_snapshot)")"
			expect_eq "round $round.$part: progress_history lists its whole, the rows it computed with assessed_in = snapshot" t \
				"$(sq "select count(*) = max(s.details) and count(*) filter (where h.assessed_in = h.snapshot) = max(s.written)
				         and count(*) filter (where h.assessed_in < h.snapshot) > 0
				        from report.progress_history h join mestat.progress_snapshot s on s.id = h.snapshot
				       where h.snapshot = (select max(id) from mestat.progress_snapshot)")"
		fi
		if [ "$round" = 1 ] && [ "$part" = 1 ]; then
			# A release pins this snapshot, whose rows the next run partly
			# reassesses: keep what it published and the snapshot as
			# readers saw it then.
			PINNED=$(sq "select max(id) from mestat.progress_snapshot")
			sq "create table public.pin_release as select mestat.release_content('2020Q3') as doc;
			    create table public.pin_history as select * from report.progress_history where snapshot = $PINNED" \
				>/dev/null
			expect_eq "the release pins the incremental snapshot it was made from" "$PINNED" \
				"$(sq "select doc->'snapshot'->>'id' from public.pin_release")"
		fi
	done
	pr_capture inc $INC_VIEWS
	# The national sums an incremental run keeps in parts, against every
	# reporter's cells added up afresh.
	expect_eq "round $round: the kept national sums are every reporter's cells added up" "0 true" "$(pr_kept_sums)"
	if [ "$round" = 2 ]; then
		expect_eq "round 2: the incremental run names the provinces the latest quarter lacks" t \
			"$(sq "select bool_and(note like case indicator when 'incubators' then '%missing%330000%'
			                                                else '%missing%150000%' end) and count(*) = 2
			        from report.progress where indicator in ('incubators', 'online_retail_share')")"
	fi
	# The full run adds up every part of the national sums (its basis
	# forgotten): otherwise it would keep the parts these incremental runs
	# kept, which the comparison is of (progress_full_kept.sh compares the
	# two kinds of full run).
	sq "set role mestat_owner; delete from mestat.progress_kept_basis" >/dev/null
	dq "select mestat.recompute_progress()" >/dev/null
	pr_capture full $INC_VIEWS
	pr_compare inc full "round $round: report.%s after the incremental run is the full run's" $INC_VIEWS
done

# The pinned snapshot after 5 rounds of incremental and full runs.
diff=$(sq "select count(*) from ((select * from public.pin_history
                                   except all select * from report.progress_history where snapshot = $PINNED)
                                  union all
                                 (select * from report.progress_history where snapshot = $PINNED
                                   except all select * from public.pin_history)) as x")
expect_eq "the pinned snapshot still reads as it did, after later incremental and full runs" \
	"0 $(sq "select count(*) from public.pin_history")" \
	"$diff $(sq "select count(*) from report.progress_history where snapshot = $PINNED")"
expect_eq "... some of its rows were reassessed since (it is not read from its own rows only)" t \
	"$(sq "select count(*) > 0 from mestat.progress_snapshot_detail d
	        where d.snapshot <= $PINNED and d.superseded_by > $PINNED")"
expect_eq "... and it holds what the release published from it, national and per reporter" "0 0" \
	"$(sq "with r as (select doc from public.pin_release),
	            h as (select * from report.progress_history where snapshot = $PINNED)
	       select (select count(*) from (select e->>'indicator', e->>'class', e->>'actual_value', e->>'note', e->>'period'
	                                       from r, jsonb_array_elements(r.doc->'progress') e
	                                     except all
	                                     select indicator, class, actual_value::text, note, period from h
	                                      where reporter is null) as x)
	              || ' ' ||
	              (select count(*) from (select e->>'indicator', e->>'reporter', e->>'class', e->>'actual_value'
	                                       from r, jsonb_array_elements(r.doc->'progress_by_reporter') e
	                                     except all
	                                     select indicator, reporter, class, actual_value::text from h
	                                      where reporter is not null) as y)")"
expect_eq "... and as many rows as it published" t \
	"$(sq "select jsonb_array_length(doc->'progress') + jsonb_array_length(doc->'progress_by_reporter')
	            = (select count(*) from report.progress_history where snapshot = $PINNED)
	       from public.pin_release")"
expect_eq "a full snapshot cannot be pruned while an incremental one rests on it" t \
	"$(sq "set role mestat_owner; delete from mestat.progress_snapshot
	        where id = (select base from mestat.progress_snapshot where base is not null order by id desc limit 1)" \
		>/dev/null 2>&1 || echo t)"
expect_eq "... but a chain goes whole" 0 \
	"$(sq "set role mestat_owner;
	       create temp table chain as
	       select s.id from mestat.progress_snapshot s, mestat.progress_snapshot p
	        where p.id = $PINNED and coalesce(s.base, s.id) = coalesce(p.base, p.id);
	       delete from mestat.progress_snapshot where id in (select id from chain);
	       select count(*) from mestat.progress_snapshot_detail where snapshot in (select id from chain)")"

expect_eq "the runs read the queue down to nothing" 0 "$(sq "select count(*) from mestat.progress_pending")"
expect_eq "an incremental snapshot is a whole: as many rows as a full one" t \
	"$(sq "select count(distinct details) = 1 from (select details from mestat.progress_snapshot order by id desc limit 2) as s")"

# ---- A full run stores only the rows that differ from the previous whole,
# in its chain, until the chain would hold an eighth more rows than a whole.
# snap ID: kind, whether it rests on a base, and the rows it stored.
snap() { sq "select kind || ' ' || (base is not null) || ' ' || written from mestat.progress_snapshot where id = $1"; }
# whole_diff A B: how many rows of the two snapshots' wholes differ (both
# ways), every column but the snapshot ids, then how many rows A has.
whole_diff() {
	local cols
	cols=$(sq "select string_agg(quote_ident(column_name), ', ' order by ordinal_position)
	             from information_schema.columns
	            where table_schema = 'report' and table_name = 'progress_history'
	              and column_name not in ('snapshot', 'taken_at')")
	sq "select count(*) || ' ' || (select count(*) from report.progress_history where snapshot = $1)
	      from ((select $cols from report.progress_history where snapshot = $1
	             except all select $cols from report.progress_history where snapshot = $2)
	            union all
	            (select $cols from report.progress_history where snapshot = $2
	             except all select $cols from report.progress_history where snapshot = $1)) as x"
}
# grow: incremental runs, each after a revision of every chosen series of
# every province, until the chain holds more than an eighth more rows than a
# whole (at most 20).
grow() {
	local i
	for ((i = 0; i < 20; i++)); do
		[ "$(sq "select sum(coalesce(s.written, s.details)) > max(l.details) + max(l.details) / 8
		           from mestat.progress_snapshot s,
		                (select coalesce(base, id) as chain, details from mestat.progress_snapshot
		                  order by id desc limit 1) as l
		          where coalesce(s.base, s.id) = l.chain")" = t ] && return
		for rep in "${PROVINCES[@]}"; do
			for ind in "${QIND[@]}"; do echo "$rep,$ind,2020Q4,$((100 + RANDOM % 400)),A"; done
		done | push
		dq "select mestat.recompute_progress_incremental()" >/dev/null
	done
}
# A chain that holds an eighth more rows than its whole: the full run starts
# a chain, every row stored.
grow
s1=$(dq "select mestat.recompute_progress()")
expect_match "a full run after a chain has grown an eighth past its whole starts a chain" "^full false [1-9]" \
	"$(snap "$s1")"
expect_eq "... every row of its whole stored" t "$(sq "select written = details from mestat.progress_snapshot where id = $s1")"
# status_runs S: how many completeness rows name S, and how many name a run
# of another chain than S's.
status_runs() {
	sq "select count(*) filter (where r.snapshot = $1) || ' ' || count(*) filter (where coalesce(x.base, x.id) <> coalesce(s.base, s.id))
	      from mestat.reporting_status r
	      join mestat.progress_snapshot x on x.id = r.snapshot,
	           mestat.progress_snapshot s
	     where s.id = $1"
}
expect_eq "... and every completeness row, naming it" "$(sq "select count(*) from mestat.reporting_status") 0" \
	"$(status_runs "$s1")"
# parts_mark keeps the parts of the national sums as they are, where they
# are; parts_new says how many are not where they were (rewritten or new),
# and how many of those were rewritten as they were.
parts_mark() {
	sq "drop table if exists public.np_mark;
	    create table public.np_mark as select ctid::text as c, p.* from mestat.progress_national_part p" >/dev/null
}
parts_new() {
	sq "select count(*) || ' ' || count(*) filter (where exists (select 1 from public.np_mark m
	                                                            where (m.indicator, m.period, m.part) = (p.indicator, p.period, p.part)
	                                                              and row(m.agg_n, m.agg_sum, m.rate_n, m.rate_num, m.rate_den,
	                                                                      m.n_break, m.n_flag)::record
	                                                                  *= row(p.agg_n, p.agg_sum, p.rate_n, p.rate_num, p.rate_den,
	                                                                         p.n_break, p.n_flag)::record))
	      from mestat.progress_national_part p
	     where not exists (select 1 from public.np_mark m where m.c = p.ctid::text)"
}
parts_mark
s2=$(dq "select mestat.recompute_progress()")
expect_eq "a full run on unchanged data stores no row: it rests on the previous chain" "full true 0" "$(snap "$s2")"
expect_eq "... and rewrites no part of the national sums ($(sq "select count(*) from mestat.progress_national_part") kept)" \
	"0 0" "$(parts_new)"
expect_eq "... and its whole is the previous snapshot's, row for row" \
	"0 $(sq "select details from mestat.progress_snapshot where id = $s1")" "$(whole_diff "$s1" "$s2")"
expect_eq "... and writes no completeness row: each names a run of its chain" "0 0" "$(status_runs "$s2")"
# A province revises one value: a few rows change, nationally and its own.
parts_mark
# (And deletes another value of its 2020Q4 report, which then lacks it.)
printf '%s\n' "${PROVINCES[0]},${QIND[0]},2020Q4,777,A" "${PROVINCES[0]},${QIND[1]},2020Q4,,X" | push
s3=$(dq "select mestat.recompute_progress()")
# (The run's check of the national sources against the provinces,
# mestat.flag_source_gaps, may hold or release other cells, whose parts'
# counts then change too.)
expect_eq "... the full run rewrites only the parts of the cells queued since the last run, a few" t \
	"$(sq "select n.n between 1 and count(*) / 20 from mestat.progress_national_part,
	               (select split_part('$(parts_new)', ' ', 1)::integer as n) as n group by n.n")"
expect_eq "... among them the one that holds the revised value" 1 \
	"$(sq "select count(*) from mestat.progress_national_part p
	         join mestat.progress_reporter_range g on g.part = p.part
	        where p.indicator = '${QIND[0]}' and p.period = '2020Q4' and '${PROVINCES[0]}' between g.lo and g.hi
	          and not exists (select 1 from public.np_mark m where m.c = p.ctid::text)")"
expect_eq "... and the national sums are every reporter's cells added up" "0 true" "$(pr_kept_sums)"
expect_match "a full run after a revision stores the rows that changed, in the chain" "^full true [1-9]" "$(snap "$s3")"
expect_eq "... and only the completeness row that changed (the province's 2020Q4 report, one value fewer), naming it" \
	"1 0 ${PROVINCES[0]} 2020Q4" \
	"$(status_runs "$s3") $(sq "select reporter || ' ' || period from mestat.reporting_status where snapshot = $s3")"
expect_eq "... fewer than an eighth of its whole, each replacing one row, which it marks superseded" t \
	"$(sq "select s.written <= s.details / 8
	               and s.written = (select count(*) from mestat.progress_snapshot_detail d where d.superseded_by = s.id)
	          from mestat.progress_snapshot s where s.id = $s3")"
expect_eq "... the province's own row among them, at the revised value" 777 \
	"$(sq "select actual_value from mestat.progress_snapshot_detail
	        where snapshot = $s3 and indicator = '${QIND[0]}' and reporter = '${PROVINCES[0]}' and period = '2020Q4'")"
expect_eq "... its whole has one row a pair, as many as a whole run" "0 true" \
	"$(sq "select count(*) filter (where h.n > 1) || ' ' || (sum(h.n) = max(s.details))
	         from (select count(*) as n from report.progress_history where snapshot = $s3
	                group by indicator, reporter) as h,
	              mestat.progress_snapshot s where s.id = $s3")"
expect_eq "... and the snapshot before it still reads as it did" \
	"0 $(sq "select details from mestat.progress_snapshot where id = $s2")" "$(whole_diff "$s2" "$s1")"
# A report owed and empty, then received whole after its deadline: of its
# completeness row only the count received changes (none on time before or
# after, no indicator named missing either way), and the run resting on the
# chain rewrites it. (The separate-plan city's: it is not added up, so that
# only its own rows change and the chain holds.)
late=$(sq "select period from mestat.reporting_status
            where reporter = '$CHILD' and length(period) = 6 and received = 0 order by period limit 1")
mapfile -t owed_ind < <(sq "select code from mestat.indicator
                             where active and scope <> 'national_only' and periodicity = 'quarterly'")
owed=${#owed_ind[@]}
expect_eq "the city owes an empty quarter report ($late) of $owed values" "$owed 0 0 " \
	"$(sq "select expected || ' ' || received || ' ' || on_time || ' ' || coalesce(array_to_string(missing_indicators, ','), '')
	        from mestat.reporting_status where reporter = '$CHILD' and period = '$late'")"
for ind in "${owed_ind[@]}"; do echo "$CHILD,$ind,$late,$((100 + RANDOM % 400)),A"; done | push
s3l=$(dq "select mestat.recompute_progress()")
expect_match "... received whole after its deadline, the full run rests on the chain" "^full true [1-9]" "$(snap "$s3l")"
expect_eq "... and rewrites its completeness row: every value received, none on time, naming the run" \
	"$owed $owed 0  $s3l" \
	"$(sq "select expected || ' ' || received || ' ' || on_time || ' '
	              || coalesce(array_to_string(missing_indicators, ','), '') || ' ' || snapshot
	        from mestat.reporting_status where reporter = '$CHILD' and period = '$late'")"
# An indicator no longer collected: its rows leave the whole, replaced by
# none (one no rate, column or chosen series reads, with rows).
gone=$(sq "select i.code from mestat.indicator i
            where i.active and i.scope = 'provincial'
              and i.code not in ($(printf "'%s'," "${QIND[@]}" | sed 's/,$//'))
              and not exists (select 1 from mestat.indicator j where i.code in (j.numerator, j.denominator))
              and not exists (select 1 from mestat.column_item c where i.code in (c.indicator, c.column_indicator))
              and exists (select 1 from report.progress_by_reporter p where p.indicator = i.code)
            order by i.code limit 1")
n_gone=$(sq "select count(*) from report.progress_history where snapshot = $s3 and indicator = '$gone'")
sq "set role mestat_owner; update mestat.indicator set active = false where code = '$gone'" >/dev/null
s4=$(dq "select mestat.recompute_progress()")
expect_eq "an indicator no longer collected: the full run stores no row ($gone)" "full true 0" "$(snap "$s4")"
expect_eq "... its $n_gone rows are superseded by it, replaced by none" "$n_gone 0" \
	"$(sq "select (select count(*) from mestat.progress_snapshot_detail d where d.superseded_by = $s4) || ' ' ||
	              (select count(*) from report.progress_history where snapshot = $s4 and indicator = '$gone')")"
expect_eq "... the whole has as many rows as the snapshot says" t \
	"$(sq "select count(*) = max(s.details) from report.progress_history h, mestat.progress_snapshot s
	        where h.snapshot = $s4 and s.id = $s4")"
expect_eq "... and the snapshot before still has them" "$n_gone" \
	"$(sq "select count(*) from report.progress_history where snapshot = $s3 and indicator = '$gone'")"
pr_capture delta $INC_VIEWS
# The same data computed afresh, against the whole stored as changes: the
# last snapshot counted as if it had stored its whole, the chain is past its
# bound and the next run starts another.
sq "set role mestat_owner; update mestat.progress_snapshot set written = details where id = $s4" >/dev/null
s5=$(dq "select mestat.recompute_progress()")
expect_match "a chain started afresh on the same data" "^full false [1-9]" "$(snap "$s5")"
pr_capture fresh $INC_VIEWS
pr_compare delta fresh "the whole a full run stored as changes is the one computed afresh: report.%s" \
	progress progress_by_reporter completeness

# A clause moved in the catalog: the full run it queues rewrites that
# indicator's rows with its new place in the plan (sort_key, 059), the order
# the views list them in, read from the index on (chain, reporter, sort_key,
# indicator).
mv=$(sq "select p.indicator from report.progress_by_reporter p join mestat.indicator i on i.code = p.indicator
          where i.clause <> '专栏4' order by p.indicator limit 1")
n_mv=$(sq "select count(*) from report.progress_history where snapshot = $s5 and indicator = '$mv'")
sq "set role mestat_owner; update mestat.indicator set clause = '专栏4' where code = '$mv'" >/dev/null
s6=$(dq "select mestat.recompute_progress()")
expect_eq "a clause moved: the full run rewrites the indicator's $n_mv rows, no other ($mv)" "full true $n_mv" \
	"$(snap "$s6")"
expect_eq "... each with the clause's place in the plan" "$n_mv 1104" \
	"$(sq "select count(*) || ' ' || min(sort_key) from report.progress_history where snapshot = $s6 and indicator = '$mv'")"
expect_eq "... so report.progress_by_reporter lists it after every other indicator of each reporter" \
	"$(sq "select count(distinct reporter) from report.progress_by_reporter")" \
	"$(sq "select count(*) from (select p.indicator, lead(p.reporter) over (order by p.n) as next_reporter, p.reporter
	                               from (select q.*, row_number() over () as n from report.progress_by_reporter q) as p) as x
	        where x.indicator = '$mv' and x.next_reporter is distinct from x.reporter")"
expect_eq "... in the order of (reporter, sort_key, indicator), national rows in report.progress too" "true true" \
	"$(sq "select ((select array_agg(array[reporter, sort_key::text, indicator]) from report.progress_by_reporter)
	             = (select array_agg(array[reporter, sort_key::text, indicator] order by reporter, sort_key, indicator)
	                  from report.progress_by_reporter))
	           || ' ' ||
	           ((select array_agg(array[sort_key::text, indicator]) from report.progress)
	             = (select array_agg(array[sort_key::text, indicator] order by sort_key, indicator) from report.progress))")"

db_drop
