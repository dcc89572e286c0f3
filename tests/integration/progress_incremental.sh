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
# report.progress_history and report.completeness. An incremental snapshot
# stores only the rows it reassessed: a snapshot a release pinned early on
# must still read as it did after the later incremental and full runs.
. "$TOP/tests/lib.sh"
. "$TOP/tests/integration/db_lib.sh"

DB=$(t_newdb)
t_conf "$T_TMP/mestatd.conf" "$DB"
"$MESTATD" --migrate -c "$T_TMP/mestatd.conf" >"$T_TMP/migrate.log" 2>&1 ||
	{ not_ok "migrations apply" "$(tail -n 3 "$T_TMP/migrate.log")"; exit 1; }
db_logins "$DB"
sq() { pg_psql -d "$DB" -tA -c "$1"; }
dq() { db_q t_daemon "$DB" "$1"; }

# The seed is printed so that a failing sequence can be replayed.
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
		rows $((5 + RANDOM % 20)) | push
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
