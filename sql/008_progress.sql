-- 008_progress.sql: progress against the plan's 2020 targets, and the
-- completeness and timeliness of reporting. mestat.recompute_progress()
-- computes both in one run; mestatd calls it on a schedule and soon after
-- accepted submissions (daemon/scheduler.c). The method is written up in
-- docs/method.md; the evaluator views over these tables are in 009.
--
-- Dates are Beijing time (Asia/Shanghai): a quarter "has ended" and a report
-- is "on time" by the calendar of the ministry and the provinces, whatever
-- the server's TimeZone.

set local role mestat_owner;

------------------------------------------------------------------------------
-- Class labels (Chinese and English), as data like the thresholds

create table mestat.progress_class_label (
	class text primary key
		check (class in ('achieved', 'on_track', 'at_risk', 'off_track', 'moving_away', 'insufficient_data')),
	label_zh text not null check (label_zh <> ''),
	label_en text not null check (label_en <> ''),
	sort_order integer not null unique,
	description text not null
);
comment on table mestat.progress_class_label is
	'How each progress class is named for evaluators, in Chinese and English, and in which order classes are listed.';
comment on column mestat.progress_class_label.class is
	'Class code as stored in progress_snapshot_detail.class: achieved, on_track, at_risk, off_track, moving_away, insufficient_data.';
comment on column mestat.progress_class_label.label_zh is 'Chinese label, e.g. 按计划推进.';
comment on column mestat.progress_class_label.label_en is 'English label, e.g. On track.';
comment on column mestat.progress_class_label.sort_order is 'Listing order, best first (insufficient_data last).';
comment on column mestat.progress_class_label.description is 'What the class means, in English.';

insert into mestat.progress_class_label (class, label_zh, label_en, sort_order, description) values
	('achieved', '已实现目标', 'Achieved', 1,
	 'The target is reached: at or beyond a point or at_least target, within [L, U] for a range.'),
	('on_track', '按计划推进', 'On track', 2,
	 'Actual progress is at least 95 % of the progress expected by now (R >= 0.95), or, for a direction-only target, '
	 'growth in the good direction of at least 1.5 % a year.'),
	('at_risk', '存在风险', 'At risk', 3,
	 '60 % to 95 % of the expected progress (0.60 <= R < 0.95), or 0.5 % to 1.5 % a year in the good direction.'),
	('off_track', '进展滞后', 'Off track', 4,
	 'Some progress, less than 60 % of the expected (0 <= R < 0.60), or less than 0.5 % a year in the good direction.'),
	('moving_away', '偏离目标', 'Moving away', 5,
	 'The value moved away from the target since the baseline (R < 0), or shrinks in the good direction.'),
	('insufficient_data', '数据不足', 'Insufficient data', 6,
	 'Fewer than two values at least 4 quarters apart (the baseline counts as one for targets with a number).');

------------------------------------------------------------------------------
-- What a snapshot records beyond 006's columns

alter table mestat.progress_snapshot
	add column elapsed interval,
	add column details integer;
comment on column mestat.progress_snapshot.elapsed is 'How long the run took (database time).';
comment on column mestat.progress_snapshot.details is 'Number of rows written to progress_snapshot_detail.';

alter table mestat.progress_snapshot_detail
	add column method text check (method in ('ratio', 'direction')),
	add column target_kind text check (target_kind in ('point', 'range', 'direction', 'at_least')),
	add column target_upper numeric,
	add column first_period text references mestat.period (code),
	add column first_value numeric,
	add column reporters_reported integer,
	add column reporters_expected integer;
comment on column mestat.progress_snapshot_detail.method is
	'ratio (a target with a number: R against the expected path) or direction (growth in the good direction).';
comment on column mestat.progress_snapshot_detail.target_kind is 'Kind of the target version used: point, range, at_least or direction.';
comment on column mestat.progress_snapshot_detail.target_upper is 'Upper bound U of a range target; NULL otherwise.';
comment on column mestat.progress_snapshot_detail.first_period is
	'Period of the first value used: for direction-only targets the first value of the series; NULL for ratio targets '
	'(their first point is the baseline).';
comment on column mestat.progress_snapshot_detail.first_value is 'The first value used (direction-only targets).';
comment on column mestat.progress_snapshot_detail.reporters_reported is
	'National rows added up from reporters: how many province-level reporters had reported for the period.';
comment on column mestat.progress_snapshot_detail.reporters_expected is
	'National rows added up from reporters: how many active province-level reporters there are.';

-- report.progress and report.progress_by_reporter read one snapshot, national
-- rows or one reporter's.
create index progress_snapshot_detail_scope on mestat.progress_snapshot_detail (snapshot, reporter, indicator);
comment on index mestat.progress_snapshot_detail_scope is 'The rows of one snapshot, national (reporter NULL) or per reporter.';

------------------------------------------------------------------------------
-- Completeness and timeliness, as of the last run

create table mestat.reporting_status (
	reporter text not null references mestat.reporter (code),
	period text not null references mestat.period (code),
	expected integer not null check (expected > 0),
	received integer not null check (received between 0 and expected),
	on_time integer not null check (on_time between 0 and received),
	missing_indicators text[],
	snapshot bigint not null references mestat.progress_snapshot (id) on delete cascade,
	computed_at timestamptz not null,
	primary key (reporter, period)
);
comment on table mestat.reporting_status is
	'Completeness and timeliness of each reporter''s report for each period that has ended (Beijing time), as computed '
	'by the last mestat.recompute_progress() (which replaces every row). Expected cells: every active reporter but the '
	'ministry × every active provincial indicator of the period''s kind (quarterly indicators for a quarter, annual ones '
	'for a year); the ministry × every active national-only indicator of that kind.';
comment on column mestat.reporting_status.reporter is 'Reporter code.';
comment on column mestat.reporting_status.period is 'Period code (a quarter, or a year for annual indicators).';
comment on column mestat.reporting_status.expected is 'Cells expected: indicators the reporter must report for the period.';
comment on column mestat.reporting_status.received is 'Expected cells that have a current value (deleted values do not count).';
comment on column mestat.reporting_status.on_time is
	'Received cells whose first value was recorded by the end of the due date, Beijing time (before 00:00 Asia/Shanghai '
	'of the next day). The time is observation.recorded_at, the same instant as the received_at of the submission''s '
	'signed receipt.';
comment on column mestat.reporting_status.missing_indicators is
	'Codes of the expected indicators without a value, when some but not all were received; NULL when all were received '
	'or when nothing was (then every expected indicator is missing).';
comment on column mestat.reporting_status.snapshot is 'The run (progress_snapshot) that computed the row.';
comment on column mestat.reporting_status.computed_at is 'When it was computed.';

------------------------------------------------------------------------------
-- The computation

create function mestat.recompute_progress() returns bigint
language plpgsql
security definer
set search_path = mestat, pg_temp
set work_mem = '256MB'
set client_min_messages = warning
as $$
declare
	snap bigint;
	started timestamptz := clock_timestamp();
	today date := (now() at time zone 'Asia/Shanghai')::date;
	n_details integer;
begin
	-- One run at a time in a database (key 'mest', 1); mestatd also takes a
	-- session lock first so that several daemons do not queue up here.
	perform pg_advisory_xact_lock(1835365236, 1);

	insert into mestat.progress_snapshot (note) values ('mestat.recompute_progress() method 1 (docs/method.md)')
	returning id into snap;

	drop table if exists pg_temp.pr_cell, pg_temp.pr_agg_reporter, pg_temp.pr_point, pg_temp.pr_series,
		pg_temp.pr_target, pg_temp.pr_scope, pg_temp.pr_ends, pg_temp.pr_missing;

	-- 1. The current value of every cell, and when it first had a value.
	create temp table pr_cell on commit drop as
	select c.indicator, c.reporter, c.period, c.value, c.first_at
	  from (select distinct on (o.reporter, o.indicator, o.period)
	               o.reporter, o.indicator, o.period, o.value, o.deleted,
	               min(o.recorded_at) filter (where not o.deleted)
	                   over (partition by o.reporter, o.indicator, o.period) as first_at
	          from mestat.observation o
	         order by o.reporter, o.indicator, o.period, o.id desc) as c
	 where not c.deleted;
	analyze pg_temp.pr_cell;

	-- Province-level reporters: what national sums add (no parent, not the ministry).
	create temp table pr_agg_reporter on commit drop as
	select r.code from mestat.reporter r where r.active and r.parent is null and r.kind <> 'ministry';

	-- 2. Values per period, k = quarters since the end of 2015 (a year is its Q4).
	--    scope '' is the nation: national-only indicators as the ministry reports them.
	create temp table pr_point on commit drop as
	select c.indicator,
	       case when i.scope = 'national_only' then '' else c.reporter end as scope,
	       c.period,
	       4 * (p.year - 2015) + coalesce(p.quarter, 4) - 4 as k,
	       c.value as v,
	       false as partial,
	       null::integer as n_rep,
	       null::integer as n_exp
	  from pg_temp.pr_cell c
	  join mestat.indicator i on i.code = c.indicator
	  join mestat.period p on p.code = c.period
	  join mestat.reporter r on r.code = c.reporter
	 where (i.periodicity = 'quarterly') = (p.kind = 'quarter')
	   and ((i.scope = 'provincial' and r.kind <> 'ministry') or (i.scope = 'national_only' and r.kind = 'ministry'));

	--    National sums and means of province-level reporters, flagged partial
	--    where some have not reported.
	insert into pg_temp.pr_point (indicator, scope, period, k, v, partial, n_rep, n_exp)
	select x.indicator, '', x.period, x.k,
	       case i.aggregation when 'sum' then x.s else x.a end,
	       x.n < e.n, x.n, e.n
	  from (select pt.indicator, pt.period, pt.k, sum(pt.v) as s, avg(pt.v) as a, count(*)::integer as n
	          from pg_temp.pr_point pt
	          join pg_temp.pr_agg_reporter ar on ar.code = pt.scope
	         group by pt.indicator, pt.period, pt.k) as x
	  join mestat.indicator i on i.code = x.indicator
	  cross join (select count(*)::integer as n from pg_temp.pr_agg_reporter) as e
	 where i.aggregation in ('sum', 'mean') and i.numerator is null;

	--    Rates recomputed from their parts: reporters that reported both.
	insert into pg_temp.pr_point (indicator, scope, period, k, v, partial, n_rep, n_exp)
	select i.code, '', nu.period, nu.k,
	       sum(nu.v) / nullif(sum(de.v), 0) * case when i.value_type = 'percent' then 100 else 1 end,
	       count(*) < e.n, count(*)::integer, e.n
	  from mestat.indicator i
	  join pg_temp.pr_point nu on nu.indicator = i.numerator
	  join pg_temp.pr_point de on de.indicator = i.denominator and de.scope = nu.scope and de.period = nu.period
	  join pg_temp.pr_agg_reporter ar on ar.code = nu.scope
	  cross join (select count(*)::integer as n from pg_temp.pr_agg_reporter) as e
	 where i.numerator is not null
	 group by i.code, i.value_type, nu.period, nu.k, e.n
	having sum(de.v) <> 0;
	analyze pg_temp.pr_point;

	-- 3. The value A each period stands for: a quarterly flow is the sum of the
	--    last 4 quarters, all 4 present; anything else is the value itself.
	create temp table pr_series on commit drop as
	select s.indicator, s.scope, s.period, s.k, s.a, s.partial, s.n_rep, s.n_exp
	  from (select pt.indicator, pt.scope, pt.period, pt.k,
	               case when i.measure = 'flow' and i.periodicity = 'quarterly' then
	                    case when count(*) over w = 4 then sum(pt.v) over w end
	               else pt.v end as a,
	               case when i.measure = 'flow' and i.periodicity = 'quarterly' then bool_or(pt.partial) over w
	               else pt.partial end as partial,
	               pt.n_rep, pt.n_exp
	          from pg_temp.pr_point pt
	          join mestat.indicator i on i.code = pt.indicator
	        window w as (partition by pt.indicator, pt.scope order by pt.k range between 3 preceding and current row)) as s
	 where s.a is not null;

	-- 4. What is assessed against which target version (in force today).
	create temp table pr_target on commit drop as select * from mestat.current_target;

	create temp table pr_scope on commit drop as
	select i.code as indicator, '' as scope, t.id as target_id, t.kind, t.path, t.baseline_year, t.baseline_value,
	       t.target_year, t.target_value, t.target_upper, i.direction,
	       case when t.kind = 'direction' then 'direction' else 'ratio' end as method,
	       (i.scope = 'provincial' and i.numerator is null and i.aggregation = 'none') as not_added,
	       false as fallback
	  from mestat.indicator i
	  join pg_temp.pr_target t on t.indicator = i.code and t.scope is null
	 where i.active
	union all
	select i.code, r.code, t.id, t.kind, t.path, t.baseline_year, t.baseline_value,
	       t.target_year, t.target_value, t.target_upper, i.direction,
	       -- A national target with a number says nothing about one province:
	       -- a reporter without its own target is judged by direction.
	       case when t.kind = 'direction' or t.scope is null then 'direction' else 'ratio' end,
	       false,
	       t.kind <> 'direction' and t.scope is null
	  from mestat.indicator i
	  cross join mestat.reporter r
	  left join pg_temp.pr_target own on own.indicator = i.code and own.scope = r.code
	  left join pg_temp.pr_target nat on nat.indicator = i.code and nat.scope is null
	  join pg_temp.pr_target t on t.id = coalesce(own.id, nat.id)
	 where i.active and i.scope = 'provincial' and r.active and r.kind <> 'ministry';
	analyze pg_temp.pr_scope;

	-- 5. First and latest value of each series.
	create temp table pr_ends on commit drop as
	select s.indicator, s.scope, min(s.k) as k_first, max(s.k) as k_last
	  from pg_temp.pr_series s
	 group by s.indicator, s.scope;
	analyze pg_temp.pr_ends;

	-- Which province-level reporters a partial national value lacks (latest period).
	create temp table pr_missing on commit drop as
	with pl as (
		select l.indicator, l.period, part.code as part
		  from pg_temp.pr_ends en
		  join pg_temp.pr_series l on l.indicator = en.indicator and l.scope = en.scope and l.k = en.k_last
		  join mestat.indicator i on i.code = en.indicator
		  cross join lateral (values (coalesce(i.numerator, i.code)), (i.denominator)) as part(code)
		 where en.scope = '' and l.partial and part.code is not null
	),
	present as (
		select pl.indicator, pl.period, pt.scope, count(*) as parts
		  from pl
		  join pg_temp.pr_point pt on pt.indicator = pl.part and pt.period = pl.period
		 group by pl.indicator, pl.period, pt.scope
	)
	select x.indicator, count(*)::integer as n,
	       string_agg(x.code, ', ' order by x.code) filter (where x.rn <= 10) as codes
	  from (select pl1.indicator, ar.code, row_number() over (partition by pl1.indicator order by ar.code) as rn
	          from (select distinct pl.indicator, pl.period, count(*) over (partition by pl.indicator) as nparts
	                  from pl) as pl1
	          cross join pg_temp.pr_agg_reporter ar
	         where not exists (select 1 from present pr
	                            where pr.indicator = pl1.indicator and pr.period = pl1.period
	                              and pr.scope = ar.code and pr.parts = pl1.nparts)) as x
	 group by x.indicator;

	-- 6. The assessment.
	insert into mestat.progress_snapshot_detail (
		snapshot, indicator, reporter, period, target_id, method, target_kind, baseline_value, target_value, target_upper,
		expected_value, actual_value, ratio, annual_growth, first_period, first_value, class, partial,
		reporters_reported, reporters_expected, note)
	select snap, sc.indicator, nullif(sc.scope, ''), l.period, sc.target_id, sc.method, sc.kind,
	       sc.baseline_value, sc.target_value, sc.target_upper,
	       case when sc.method = 'ratio' and l.a is not null then ev.e end,
	       l.a,
	       case when sc.method = 'ratio' and not ins.insufficient then rv.r end,
	       case when sc.method = 'direction' and not ins.insufficient then gv.good end,
	       case when sc.method = 'direction' then f.period end,
	       case when sc.method = 'direction' then f.a end,
	       cl.class,
	       coalesce(l.partial, false),
	       l.n_rep, l.n_exp,
	       nullif(concat_ws('; ',
	              case when sc.not_added and sc.scope = '' then
	                   'not added up nationally (aggregation none): see the reporters'' own assessments' end,
	              case when sc.not_added and sc.scope = '' then null
	                   when ins.insufficient and l.a is null then 'no value yet'
	                   when ins.insufficient and sc.method = 'ratio' then
	                        format('the latest value (%s) is fewer than 4 quarters after the baseline (end of %s)',
	                               l.period, sc.baseline_year)
	                   when ins.insufficient then
	                        format('needs two values at least 4 quarters apart; the first is %s, the latest %s',
	                               f.period, l.period) end,
	              case when sc.fallback then
	                   format('judged by direction: the national %s target is not applied to one reporter', sc.kind) end,
	              case when sc.method = 'ratio' and not ins.insufficient and sc.kind = 'range'
	                        and (l.a - sc.target_upper) * tv.sgn > 0 and tv.aim = sc.target_value then
	                   format('above the range [%s, %s]: the upper bound is exceeded', sc.target_value, sc.target_upper)
	                   when sc.method = 'ratio' and not ins.insufficient and sc.kind = 'range'
	                        and (l.a - sc.target_value) * tv.sgn > 0 and tv.aim = sc.target_upper then
	                   format('below the range [%s, %s]: the lower bound is passed', sc.target_value, sc.target_upper) end,
	              case when sc.method = 'direction' and not ins.insufficient and gv.good is null then
	                   format('first value %s is 0: growth cannot be annualised', f.a) end,
	              case when l.partial then
	                   format('partial: %s of %s province-level reporters reported %s', l.n_rep, l.n_exp, l.period)
	                   || case when ms.codes is not null then
	                           format(' (missing %s%s)', ms.codes, case when ms.n > 10 then format(' and %s more', ms.n - 10) else '' end)
	                      else ' (an earlier quarter of the 4-quarter sum was incomplete)' end end
	       ), '')
	  from pg_temp.pr_scope sc
	  left join pg_temp.pr_ends en on en.indicator = sc.indicator and en.scope = sc.scope
	  left join pg_temp.pr_series f on f.indicator = sc.indicator and f.scope = sc.scope and f.k = en.k_first
	  left join pg_temp.pr_series l on l.indicator = sc.indicator and l.scope = sc.scope and l.k = en.k_last
	  left join pg_temp.pr_missing ms on ms.indicator = sc.indicator and sc.scope = ''
	  cross join lateral (
		select case when sc.kind = 'range' and sc.baseline_value >= sc.target_upper then sc.target_upper
		            else sc.target_value end as aim,
		       l.k - 4 * (sc.baseline_year - 2015) as kl,
		       case when sc.kind = 'range' and sc.baseline_value >= sc.target_upper then -1
		            when sc.target_value > sc.baseline_value then 1
		            when sc.target_value < sc.baseline_value then -1
		            when sc.direction = 'increase' then 1
		            else -1 end as sgn,
		       least((l.k - 4 * (sc.baseline_year - 2015))::numeric / (4 * (sc.target_year - sc.baseline_year)), 1) as tau
	  ) as tv
	  cross join lateral (
		select case when sc.path = 'geometric' then
		            (sc.baseline_value::float8 * power(tv.aim::float8 / sc.baseline_value::float8, tv.tau::float8))::numeric
		       else sc.baseline_value + (tv.aim - sc.baseline_value) * tv.tau end as e
	  ) as ev
	  cross join lateral (
		select case when ev.e <> sc.baseline_value then (l.a - sc.baseline_value) / (ev.e - sc.baseline_value) end as r
	  ) as rv
	  cross join lateral (
		select case when l.a is null then true
		            when sc.method = 'ratio' then tv.kl < 4
		            else l.k - f.k < 4 end as insufficient,
		       case when sc.method <> 'ratio' or l.a is null then false
		            when sc.kind = 'range' then l.a between sc.target_value and sc.target_upper
		            when sc.kind = 'at_least' then l.a >= sc.target_value
		            else (l.a - sc.target_value) * tv.sgn >= 0 end as achieved
	  ) as ins
	  cross join lateral (
		select (case when sc.direction = 'increase' then 1 else -1 end
		        * case when l.k - f.k < 4 then null
		               when f.a > 0 and l.a > 0 then
		                    power(l.a::float8 / f.a::float8, 4.0::float8 / (l.k - f.k)) - 1
		               when f.a <> 0 then (l.a - f.a)::float8 / abs(f.a)::float8 / ((l.k - f.k) / 4.0)
		          end)::numeric as good
	  ) as gv
	  cross join lateral (
		-- The measure a threshold applies to; growth from 0 counts as ±100 %/yr.
		select case when sc.method = 'ratio' then
		            coalesce(rv.r, case when (l.a - sc.baseline_value) * tv.sgn >= 0 then 1 else -1 end)
		       else coalesce(gv.good, sign(l.a - f.a) * case when sc.direction = 'increase' then 1 else -1 end) end as x
	  ) as mx
	  cross join lateral (
		select case when ins.insufficient or (sc.not_added and sc.scope = '') then 'insufficient_data'
		            when ins.achieved then 'achieved'
		            else (select t.class from mestat.class_threshold t
		                   where t.method = sc.method and (t.lower_bound <= mx.x or t.lower_bound is null)
		                   order by t.lower_bound desc nulls last limit 1) end as class
	  ) as cl;
	get diagnostics n_details = row_count;

	-- 7. Completeness and timeliness per reporter and period that has ended.
	delete from mestat.reporting_status;
	insert into mestat.reporting_status (reporter, period, expected, received, on_time, missing_indicators, snapshot,
	                                     computed_at)
	with exp_ind as (
		select i.code, i.scope = 'national_only' as for_ministry,
		       case i.periodicity when 'quarterly' then 'quarter' else 'year' end as period_kind
		  from mestat.indicator i
		 where i.active
	),
	exp_n as (
		select e.for_ministry, e.period_kind, count(*)::integer as n, array_agg(e.code order by e.code) as codes
		  from exp_ind e
		 group by e.for_ministry, e.period_kind
	),
	per as (
		select p.code, p.kind, p.due_date from mestat.period p where p.end_date < today
	),
	got as (
		select c.reporter, c.period, count(*)::integer as received,
		       count(*) filter (where c.first_at < ((p.due_date + 1)::timestamp at time zone 'Asia/Shanghai'))::integer
		           as on_time,
		       array_agg(c.indicator) as codes
		  from pg_temp.pr_cell c
		  join per p on p.code = c.period
		  join mestat.reporter r on r.code = c.reporter
		  join exp_ind e on e.code = c.indicator and e.period_kind = p.kind and e.for_ministry = (r.kind = 'ministry')
		 group by c.reporter, c.period
	)
	select r.code, p.code, en.n, coalesce(g.received, 0), coalesce(g.on_time, 0),
	       case when g.received > 0 and g.received < en.n then
	            array(select u.code from unnest(en.codes) as u(code) where u.code <> all (g.codes) order by 1) end,
	       snap, now()
	  from mestat.reporter r
	  cross join per p
	  join exp_n en on en.for_ministry = (r.kind = 'ministry') and en.period_kind = p.kind
	  left join got g on g.reporter = r.code and g.period = p.code
	 where r.active;

	update mestat.progress_snapshot
	   set as_of_period = (select max(c.period) from pg_temp.pr_cell c where c.period like '____Q_'),
	       elapsed = clock_timestamp() - started,
	       details = n_details
	 where id = snap;
	return snap;
end
$$;
comment on function mestat.recompute_progress() is
	'mestatd (on a schedule and after accepted submissions) or the plan office: assess progress of every active indicator '
	'with a target version in force, nationally and per reporter, at the latest period with data, and write it as a new '
	'snapshot (mestat.progress_snapshot + progress_snapshot_detail; earlier snapshots are kept). Also replaces '
	'mestat.reporting_status (completeness and timeliness). Returns the snapshot id. Method: docs/method.md. '
	'SECURITY DEFINER; runs one at a time per database (advisory transaction lock 1835365236, 1).';

grant execute on function mestat.recompute_progress() to mestat_daemon;
grant select on mestat.progress_class_label, mestat.reporting_status to mestat_daemon;
