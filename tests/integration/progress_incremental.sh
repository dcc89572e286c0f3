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

# capture NAME: the current snapshot through the evaluators' views, without
# the snapshot ids and the times (which differ by construction).
capture() {
	local v cols
	for v in progress progress_by_reporter progress_history completeness; do
		cols=$(sq "select string_agg(quote_ident(column_name), ', ' order by ordinal_position)
		             from information_schema.columns
		            where table_schema = 'report' and table_name = '$v' and column_name not in ('snapshot', 'taken_at', 'computed_at', 'assessed_in', 'chain')")
		sq "drop table if exists public.${1}_$v;
		    create table public.${1}_$v as select $cols from report.$v
		     $([ "$v" = progress_history ] && echo "where snapshot = (select max(id) from mestat.progress_snapshot)")"
	done
}

# compare ROUND: the incremental capture against the full one, both ways.
compare() {
	local v diff n
	for v in progress progress_by_reporter progress_history completeness; do
		n=$(sq "select count(*) from public.inc_$v")
		diff=$(sq "select count(*) from ((select * from public.inc_$v except all select * from public.full_$v)
		                                   union all
		                                  (select * from public.full_$v except all select * from public.inc_$v)) as x")
		if [ "$diff" = 0 ] && [ "$n" -gt 0 ]; then
			ok "round $1: report.$v after the incremental run is the full run's ($n rows)"
		else
			not_ok "round $1: report.$v after the incremental run is the full run's" \
				"$diff rows differ of $n; first: $(sq "select row_to_json(x) from ((select * from public.inc_$v except all select * from public.full_$v) limit 2) as x")"
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
	capture inc
	# The national sums an incremental run keeps in parts, one per range of
	# reporters (048), against every reporter's cells added up afresh.
	expect_eq "round $round: the kept national sums are every reporter's cells added up" "0 true" \
		"$(sq "with scratch as (
		         select t.indicator, t.period,
		                count(c.value) filter (where r.active and r.parent is null
		                                         and r.kind not in ('ministry', 'department'))::integer as agg_n,
		                sum(c.value) filter (where r.active and r.parent is null
		                                       and r.kind not in ('ministry', 'department')) as agg_sum,
		                count(c.value) filter (where c.status = 'B')::integer as n_break,
		                count(c.value) filter (where c.status not in ('A', 'B')
		                                          or c.id in (select f.observation from mestat.follow_up f
		                                                       where f.decision is null))::integer as n_flag
		           from (select distinct o.indicator, o.period from mestat.observation o) as t
		          cross join lateral mestat.period_cells(t.indicator, t.period) as c
		           join mestat.reporter r on r.code = c.reporter
		          group by t.indicator, t.period)
		       select count(*) filter (where k.indicator is null
		                                  or (s.agg_n, s.agg_sum, s.n_break, s.n_flag)
		                                     is distinct from (k.agg_n, k.agg_sum, k.n_break, k.n_flag)) || ' '
		              || (count(*) > 0)
		         from scratch s left join mestat.progress_national_point k using (indicator, period)")"
	if [ "$round" = 2 ]; then
		expect_eq "round 2: the incremental run names the provinces the latest quarter lacks" t \
			"$(sq "select bool_and(note like case indicator when 'incubators' then '%missing%330000%'
			                                                else '%missing%150000%' end) and count(*) = 2
			        from report.progress where indicator in ('incubators', 'online_retail_share')")"
	fi
	dq "select mestat.recompute_progress()" >/dev/null
	capture full
	compare "$round"
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

db_drop
