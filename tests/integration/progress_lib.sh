# progress_lib.sh: helpers shared by the progress tests tests/integration/progress_*.sh.
# It is sourced after tests/lib.sh and db_lib.sh; run on its own it is not a test and does nothing.
[[ ${BASH_SOURCE[0]} == "$0" ]] && exit 0

# pr_load DB <<ROWS: store observations directly, as mestat_owner (the
# ingestion API stamps recorded_at with now(); timeliness tests need chosen
# times). ROWS are CSV lines
#   reporter,indicator,period,value[,recorded_at]
# An empty value stores a deletion. Rows with the same reporter and
# recorded_at (default now()) form one accepted submission received then.
pr_load() {
	local db=$1 rows
	rows=$(awk -F, 'NF { print (NF == 4 ? $0 "," : $0) }')
	pg_psql -d "$db" >/dev/null <<SQL
begin;
set local role mestat_owner;
create temp table t_in (reporter text, indicator text, period text, value numeric, recorded_at timestamptz,
                        seq serial) on commit drop;
copy t_in (reporter, indicator, period, value, recorded_at) from stdin with (format csv);
$rows
\\.
update t_in set recorded_at = now() where recorded_at is null;
create temp table t_sub on commit drop as
	select reporter, recorded_at, null::bigint as id from t_in group by reporter, recorded_at;
with ins as (
	insert into mestat.submission (reporter, via, format, sha256, outcome, http_status, received_at)
	select t.reporter, 'push', 'csv',
	       encode(sha256(convert_to(t.reporter || t.recorded_at::text || random()::text, 'UTF8')), 'hex'),
	       'accepted', 201, t.recorded_at
	  from t_sub t
	returning id, reporter, received_at
)
update t_sub s set id = ins.id from ins where ins.reporter = s.reporter and ins.received_at = s.recorded_at;
insert into mestat.observation (indicator, reporter, period, value, deleted, submission, recorded_at)
select i.indicator, i.reporter, i.period, i.value, i.value is null, s.id, i.recorded_at
  from t_in i join t_sub s on s.reporter = i.reporter and s.recorded_at = i.recorded_at
 order by i.seq;
commit;
SQL
}

# pr_provinces DB: the codes of the province-level reporters (those national sums add).
pr_provinces() {
	db_q postgres "$1" "select code from mestat.reporter where parent is null and kind not in ('ministry', 'department') and active order by code"
}

# pr_recompute DB: run mestat.recompute_progress() as the daemon's login; prints the snapshot id.
pr_recompute() {
	db_q t_daemon "$1" "select mestat.recompute_progress()"
}

# pr_kept_sums: the national sums kept in parts, one per range of reporters
# (048), against every reporter's cells added up afresh: "0 true" when every
# (indicator, period) agrees and there is one. Needs sq (pr_random_db).
pr_kept_sums() {
	sq "with scratch as (
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
	         from scratch s left join mestat.progress_national_point k using (indicator, period)"
}

# pr_capture NAME VIEW...: each report VIEW as it reads now, copied into
# public.NAME_VIEW without the columns that name a run or a time (which
# differ between two runs by construction); of report.progress_history, the
# latest snapshot's whole. Needs sq (pr_random_db).
pr_capture() {
	local name=$1 v cols
	shift
	for v in "$@"; do
		cols=$(sq "select string_agg(quote_ident(column_name), ', ' order by ordinal_position)
		             from information_schema.columns
		            where table_schema = 'report' and table_name = '$v'
		              and column_name not in ('snapshot', 'taken_at', 'computed_at', 'assessed_in', 'chain')")
		sq "drop table if exists public.${name}_$v;
		    create table public.${name}_$v as select $cols from report.$v
		     $([ "$v" = progress_history ] && echo "where snapshot = (select max(id) from mestat.progress_snapshot)")" \
			>/dev/null
	done
}

# pr_compare A B WHAT TABLE...: public.A_TABLE against public.B_TABLE, both
# ways (EXCEPT ALL), one check per TABLE, named WHAT with %s the TABLE: ok
# when no row differs and A has some.
pr_compare() {
	local a=$1 b=$2 what=$3 t diff n
	shift 3
	for t in "$@"; do
		n=$(sq "select count(*) from public.${a}_$t")
		diff=$(sq "select count(*) from ((select * from public.${a}_$t except all select * from public.${b}_$t)
		                                   union all
		                                  (select * from public.${b}_$t except all select * from public.${a}_$t)) as x")
		# shellcheck disable=SC2059 # WHAT is the format
		if [ "$diff" = 0 ] && [ "$n" -gt 0 ]; then
			ok "$(printf "$what" "$t") ($n rows)"
		else
			not_ok "$(printf "$what" "$t")" \
				"$diff rows differ of $n; first: $(sq "select row_to_json(x) from ((select * from public.${a}_$t except all select * from public.${b}_$t) limit 2) as x")"
		fi
	done
}

# pr_random_db: a fresh database with every migration (db_fresh: the files
# mestatd --migrate applies, in its order), the test logins,
# sq/dq to query it as owner and as the daemon, and the randomized catalog,
# reporters and values both progress_incremental.sh and
# progress_full_reference.sh start from (DB names it).
pr_random_db() {
	db_fresh
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
insert into mestat.target (indicator, scope, kind, baseline_value, target_value, path, effective_from, clause,
                           decision_ref, decision_date, note)
values ('incubators', '110000', 'point', 100, 300, 'linear', '2017-04-14', null, 'test decision 1', '2017-04-14',
        'test: an own target'),
       ('online_retail_share', '120000', 'point', 10, 30, 'linear', '2017-04-14', null, 'test decision 2', '2017-04-14',
        'test: an own target');
-- Only the six provinces below report: the others are made inactive, so
-- that national periods are complete, or part-reported with the missing
-- provinces named, rather than never complete.
update mestat.reporter set active = false
 where parent is null and kind not in ('ministry', 'department')
   and code not in ('110000', '120000', '150000', '310000', '210000', '330000');
-- (The targets and reporters queued a full run; no run has happened yet, and
-- the tests check what the values queue.)
delete from mestat.progress_pending;
SQL
	[ "$(sq "select count(*) from mestat.target where scope is not null")" = 2 ] ||
		{ not_ok "the two own targets are stored"; exit 1; }
	PROVINCES=(110000 120000 150000 310000 210000 330000) # the active province-level reporters (above)
	CHILD=210200   # Dalian, under Liaoning: assessed on its own, never added up
	QIND=(incubators modern_service_value_added tech_contracts online_retail_sales retail_sales_total online_retail_share)
	MIND=(field_projects_deployed col1_item1_projects col1_item2_projects col1_demo_launched)
	STATUSES=(A A A A A A B M P E X) # X: a deletion

	# base_rows: every chosen series, 2015Q1-2020Q4 (the ministry's annual
	# ones 2015-2020), random final values, as CSV lines.
	base_rows() {
		local rep ind y qn
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
	}

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
}
