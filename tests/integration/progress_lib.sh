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
