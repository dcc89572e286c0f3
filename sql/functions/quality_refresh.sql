-- mestat.quality_refresh: the current definition of this function.
-- First created in 038_quality_stat.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.quality_refresh() returns integer
language plpgsql
security definer
set search_path = mestat, pg_temp
set work_mem = '256MB'
set client_min_messages = warning
set jit = off
as $$
declare
	started timestamptz := clock_timestamp();
	every_pair boolean;
	n_pairs integer;
	snap bigint;
	seen bigint;
	f_obs text;
	f_follow text;
	f_cur text;
begin
	-- Refreshes never overlap: each one's writes rest on the one before.
	perform pg_advisory_xact_lock(1835365236, 38);

	-- Claim the queue before reading any value: a change committed after
	-- this statement stays queued for the next refresh.
	create temp table if not exists qs_claim (reporter text, year integer) on commit drop;
	truncate pg_temp.qs_claim;
	with claimed as (delete from mestat.quality_pending returning reporter, year)
	insert into pg_temp.qs_claim select distinct c.reporter, c.year from claimed c;
	every_pair := exists (select 1 from pg_temp.qs_claim c where c.reporter is null);

	-- The pairs to recompute: those queued and, since a rule between a
	-- reporter and its parts counts against the parent, their parents' (or
	-- every reporter in every year of the calendar).
	create temp table if not exists qs_pair (reporter text, year integer) on commit drop;
	truncate pg_temp.qs_pair;
	if every_pair then
		insert into pg_temp.qs_pair
		select r.code, y.year
		  from mestat.reporter r
		 cross join (select distinct left(p.code, 4)::integer as year from mestat.period p) as y;
	else
		insert into pg_temp.qs_pair
		select c.reporter, c.year from pg_temp.qs_claim c
		union
		select r.parent, c.year from pg_temp.qs_claim c join mestat.reporter r on r.code = c.reporter
		 where r.parent is not null;
	end if;
	-- The values a pair's rules read: its reporter's and its parts'.
	create temp table if not exists qs_read (reporter text, year integer) on commit drop;
	truncate pg_temp.qs_read;
	insert into pg_temp.qs_read
	select p.reporter, p.year from pg_temp.qs_pair p
	union
	select ch.code, p.year from pg_temp.qs_pair p join mestat.reporter ch on ch.parent = p.reporter;
	analyze pg_temp.qs_pair, pg_temp.qs_read;
	select count(*) into n_pairs from pg_temp.qs_pair;
	-- The years whose league table may change.
	create temp table if not exists qs_year (year integer) on commit drop;
	truncate pg_temp.qs_year;
	insert into pg_temp.qs_year select distinct p.year from pg_temp.qs_pair p;

	if n_pairs > 0 then
		create temp table if not exists qs_new (reporter text, year integer, cells integer, revised integer,
		                                        revision_sum numeric, revision_n integer, follow_ups integer,
		                                        outliers_flagged integer, outliers_confirmed integer,
		                                        corrections_requested integer, rule_violations integer)
			on commit drop;
		truncate pg_temp.qs_new;
		-- Every pair: one pass over everything, in index order, as the view
		-- had it; a few pairs: their reporters' rows through the index.
		if every_pair then
			f_obs := '';
			f_follow := '';
			f_cur := '';
		else
			f_obs := 'join pg_temp.qs_pair p on p.reporter = o.reporter and p.year = left(o.period, 4)::integer';
			f_follow := 'join pg_temp.qs_pair p on p.reporter = f.reporter and p.year = left(f.period, 4)::integer';
			f_cur := 'join pg_temp.qs_read rd on rd.reporter = o.reporter and rd.year = left(o.period, 4)::integer';
		end if;
		execute format($sql$
		insert into pg_temp.qs_new
		with cells as (
			-- As mestat.data_quality had it: per cell its values newest
			-- first; the current value is the first, the first version's the
			-- last (either may be a deletion, NULL).
			select c.reporter, left(c.period, 4)::integer as year, count(*)::integer as cells,
			       count(*) filter (where c.n_values > 1)::integer as revised,
			       sum(case when c.vs[c.n] <> 0 then abs(c.vs[1] - c.vs[c.n]) / abs(c.vs[c.n]) end) as revision_sum,
			       count(case when c.vs[c.n] <> 0 then 1 end)::integer as revision_n
			  from (select o.reporter, o.indicator, o.period, array_agg(o.value order by o.id desc) as vs,
			               count(*) as n, count(o.value) as n_values
			          from mestat.observation o
			          %1$s
			         group by o.reporter, o.indicator, o.period) as c
			 where c.vs[1] is not null
			 group by c.reporter, left(c.period, 4)::integer
		),
		flags as (
			select f.reporter, left(f.period, 4)::integer as year, count(*)::integer as follow_ups,
			       count(*) filter (where f.kind in ('history', 'peers', 'jump'))::integer as flagged,
			       count(*) filter (where f.kind in ('history', 'peers', 'jump') and f.decision = 'confirmed')::integer
			           as confirmed,
			       count(*) filter (where f.kind in ('history', 'peers', 'jump')
			                          and f.decision = 'correction_requested')::integer as correction_requested
			  from mestat.follow_up f
			  %2$s
			 group by f.reporter, left(f.period, 4)::integer
		),
		-- The rows of mestat.validation_violation of these pairs, counted:
		-- the same current values, candidates and judgement as that view
		-- (sql/views/validation_violation.sql; keep the two in step:
		-- tests/integration/quality_stat.sh compares them), read only for
		-- the pairs' reporters, their parts and their years.
		cur as materialized (
			select o.indicator, o.reporter, o.period, o.value
			  from (select distinct on (o.reporter, o.indicator, o.period) o.indicator, o.reporter, o.period, o.value,
			                                                               o.deleted
			          from mestat.observation o
			          %3$s
			         where o.indicator in (select t.indicator from mestat.validation_rule_term t)
			         order by o.reporter, o.indicator, o.period, o.id desc) as o
			 where not o.deleted and o.value is not null
		),
		cand as (
			select distinct t.rule, cv.reporter, cv.period, null::text as other
			  from cur cv
			  join mestat.validation_rule_term t on t.indicator = cv.indicator
			  join mestat.validation_rule vr on vr.name = t.rule
			 where vr.reporters = 'same' and mestat.rule_applies(vr, cv.period)
			union
			select distinct t.rule, ch.parent, cv.period, ch.code
			  from cur cv
			  join mestat.reporter ch on ch.parent is not null and ch.code = cv.reporter
			  join mestat.validation_rule_term t on t.indicator = cv.indicator
			  join mestat.validation_rule vr on vr.name = t.rule
			 where vr.reporters = 'parent' and mestat.rule_applies(vr, cv.period)
		),
		val as (
			select c.rule, c.reporter, c.other, c.period, t.side, t.indicator, t.coefficient, cv.value as v
			  from cand c
			  join mestat.validation_rule_term t on t.rule = c.rule
			  left join cur cv
			    on cv.reporter = case when t.side = 'right' and c.other is not null then c.other else c.reporter end
			   and cv.indicator = t.indicator and cv.period = c.period
		),
		judged as (
			select v.rule, v.reporter, v.other, v.period,
			       sum(v.coefficient * v.v) filter (where v.side = 'left') as l,
			       sum(v.coefficient * v.v) filter (where v.side = 'right') as r,
			       bool_and(v.v is not null) filter (where v.side = 'left') as l_all,
			       bool_and(v.v is not null) filter (where v.side = 'right') as r_all,
			       bool_or(v.v is not null) filter (where v.side = 'left') as l_any,
			       bool_or(v.v is not null) filter (where v.side = 'right') as r_any
			  from val v
			 group by v.rule, v.reporter, v.other, v.period
		),
		rules as (
			select j.reporter, left(j.period, 4)::integer as year, count(*)::integer as violations
			  from judged j
			  join mestat.validation_rule vr on vr.name = j.rule
			  join pg_temp.qs_pair p on p.reporter = j.reporter and p.year = left(j.period, 4)::integer
			 where mestat.rule_violated(vr.operator, vr.tolerance, j.l, j.r, j.l_all, j.r_all, j.l_any, j.r_any)
			 group by j.reporter, left(j.period, 4)::integer
		)
		select p.reporter, p.year, coalesce(c.cells, 0), coalesce(c.revised, 0), c.revision_sum,
		       coalesce(c.revision_n, 0), coalesce(f.follow_ups, 0), coalesce(f.flagged, 0), coalesce(f.confirmed, 0),
		       coalesce(f.correction_requested, 0), coalesce(v.violations, 0)
		  from pg_temp.qs_pair p
		  left join cells c on c.reporter = p.reporter and c.year = p.year
		  left join flags f on f.reporter = p.reporter and f.year = p.year
		  left join rules v on v.reporter = p.reporter and v.year = p.year
		$sql$, f_obs, f_follow, f_cur);

		insert into mestat.quality_stat as q (reporter, year, cells, revised, revision_sum, revision_n, follow_ups,
		                                      outliers_flagged, outliers_confirmed, corrections_requested,
		                                      rule_violations)
		select n.reporter, n.year, n.cells, n.revised, n.revision_sum, n.revision_n, n.follow_ups, n.outliers_flagged,
		       n.outliers_confirmed, n.corrections_requested, n.rule_violations
		  from pg_temp.qs_new n
		 where n.cells > 0 or n.follow_ups > 0 or n.rule_violations > 0
		on conflict (reporter, year) do update
		   set cells = excluded.cells, revised = excluded.revised, revision_sum = excluded.revision_sum,
		       revision_n = excluded.revision_n, follow_ups = excluded.follow_ups,
		       outliers_flagged = excluded.outliers_flagged, outliers_confirmed = excluded.outliers_confirmed,
		       corrections_requested = excluded.corrections_requested, rule_violations = excluded.rule_violations;
		update mestat.quality_stat q
		   set cells = 0, revised = 0, revision_sum = null, revision_n = 0, follow_ups = 0, outliers_flagged = 0,
		       outliers_confirmed = 0, corrections_requested = 0, rule_violations = 0
		  from pg_temp.qs_new n
		 where n.reporter = q.reporter and n.year = q.year
		   and not (n.cells > 0 or n.follow_ups > 0 or n.rule_violations > 0)
		   and (q.cells > 0 or q.follow_ups > 0 or q.rule_violations > 0);
	end if;

	-- Completeness and timeliness: mestat.reporting_status as the last
	-- progress run left it, read again only when a run wrote since.
	select max(s.id) into snap from mestat.progress_snapshot s;
	select st.snapshot into seen from mestat.quality_state st;
	if every_pair or snap is distinct from seen then
		create temp table if not exists qs_rs (reporter text, year integer, expected integer, received integer,
		                                       on_time integer, computed_at timestamptz) on commit drop;
		truncate pg_temp.qs_rs;
		insert into pg_temp.qs_rs
		select s.reporter, left(s.period, 4)::integer, sum(s.expected)::integer, sum(s.received)::integer,
		       sum(s.on_time)::integer, max(s.computed_at)
		  from mestat.reporting_status s
		 group by s.reporter, left(s.period, 4)::integer;
		with changed as (
			insert into mestat.quality_stat as q (reporter, year, reporting, expected, received, on_time, computed_at)
			select r.reporter, r.year, true, r.expected, r.received, r.on_time, r.computed_at
			  from pg_temp.qs_rs r
			on conflict (reporter, year) do update
			   set reporting = true, expected = excluded.expected, received = excluded.received,
			       on_time = excluded.on_time, computed_at = excluded.computed_at
			 where (q.reporting, q.expected, q.received, q.on_time, q.computed_at)
			       is distinct from (true, excluded.expected, excluded.received, excluded.on_time, excluded.computed_at)
			returning q.year
		)
		insert into pg_temp.qs_year select distinct c.year from changed c;
		with changed as (
			update mestat.quality_stat q
			   set reporting = false, expected = null, received = null, on_time = null, computed_at = null
			 where q.reporting
			   and not exists (select 1 from pg_temp.qs_rs r where r.reporter = q.reporter and r.year = q.year)
			returning q.year
		)
		insert into pg_temp.qs_year select distinct c.year from changed c;
	end if;

	-- A pair with nothing left to show has no row.
	with gone as (
		delete from mestat.quality_stat q
		 where not q.reporting and q.cells = 0 and q.follow_ups = 0 and q.rule_violations = 0
		returning q.year
	)
	insert into pg_temp.qs_year select distinct g.year from gone g;

	-- The league tables of the years that changed, ranked as
	-- report.data_quality ranked them: by score within the year, the rows
	-- without a score apart and unranked.
	update mestat.quality_stat q
	   set rank_in_year = r.rank_in_year
	  from (select d.reporter, d.year,
	               case when d.score is not null then rank() over (partition by d.year, d.score is null
	                                                               order by d.score desc) end as rank_in_year
	          from mestat.data_quality d
	         where d.year in (select y.year from pg_temp.qs_year y)) as r
	 where r.reporter = q.reporter and r.year = q.year and q.rank_in_year is distinct from r.rank_in_year;

	-- Every pair rewritten: the read API's plans need the new statistics now
	-- (mestat.analyze_report_tables() sees this transaction's writes only
	-- after it commits).
	if every_pair then
		analyze mestat.quality_stat;
	end if;

	update mestat.quality_state
	   set snapshot = snap, refreshed_at = now(), elapsed = clock_timestamp() - started, pairs = n_pairs;
	return n_pairs;
end
$$;

comment on function mestat.quality_refresh() is
	'mestatd right after each progress run: recomputes mestat.quality_stat (the statistics behind report.data_quality) '
	'for the (reporter, year) pairs queued in mestat.quality_pending and the parents of their reporters, or for every '
	'pair when a rule or a reporter changed, and takes completeness and timeliness from mestat.reporting_status when a '
	'progress run wrote it since. Afterwards report.data_quality equals its definition over the current values '
	'(docs/method.md, "Data quality scorecard"). Returns how many pairs it recomputed from the values. SECURITY '
	'DEFINER; refreshes never overlap.';
