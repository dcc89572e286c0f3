-- 014_progress_basis.sql: the assessment says only what the plan says
-- (method 2, docs/method.md).
--
-- - A target's basis decides its method: plan_number → ratio against the path
--   (or the coverage of a column's listed items), plan_direction → growth
--   since the base year with per-target thresholds and Open SDG's near-limit
--   adjustment, monitoring → a trend (rising, stable, falling over the last
--   four quarters) and no class.
-- - A national value added up from the provinces is assessed at the latest
--   complete period; a later part-reported period is shown beside it, with
--   its coverage, and no class.
-- - At or past the lower bound of a range is achieved (above the upper bound
--   is noted, not downgraded); the same for a point target passed.
-- - Once the target year's last value is in, a target with a class is
--   achieved or not_achieved.
-- The report views gain the basis, the plan's words, the reading note (Chinese
-- and English), the trend, the latest part-reported period and the plan order.

set local role mestat_owner;

------------------------------------------------------------------------------
-- Classes: not_achieved, and rows without a class (monitoring)

alter table mestat.progress_class_label drop constraint progress_class_label_class_check;
alter table mestat.progress_class_label add constraint progress_class_label_class_check
	check (class in ('achieved', 'not_achieved', 'on_track', 'at_risk', 'off_track', 'moving_away', 'insufficient_data'));
update mestat.progress_class_label set sort_order = sort_order + 10;
update mestat.progress_class_label set sort_order = case class when 'achieved' then 1 when 'on_track' then 2
	when 'at_risk' then 3 when 'off_track' then 4 when 'moving_away' then 5 when 'insufficient_data' then 7 end;
insert into mestat.progress_class_label (class, label_zh, label_en, sort_order, description) values
	('not_achieved', '未实现', 'Not achieved', 6,
	 'The target year is over (its last value is in) and the target is not reached: for a number, short of it; for a '
	 'direction, growth since the base year below the on-track threshold.');
update mestat.progress_class_label set description =
	'The target is reached: at or past a point or at_least target, at or past the lower bound of a range (a value '
	'beyond the upper bound is noted, still achieved); for a direction target, only once the target year is over, growth '
	'at or above the on-track threshold.'
 where class = 'achieved';
comment on table mestat.progress_class_label is
	'How each progress class is named for evaluators, in Chinese and English, and in which order classes are listed. '
	'Only targets the plan sets (basis plan_number or plan_direction) get a class; monitoring rows have none.';
comment on column mestat.progress_class_label.class is
	'Class code as stored in progress_snapshot_detail.class: achieved, not_achieved, on_track, at_risk, off_track, '
	'moving_away, insufficient_data.';

alter table mestat.progress_snapshot_detail drop constraint progress_snapshot_detail_class_check;
alter table mestat.progress_snapshot_detail add constraint progress_snapshot_detail_class_check
	check (class in ('achieved', 'not_achieved', 'on_track', 'at_risk', 'off_track', 'moving_away', 'insufficient_data'));
alter table mestat.progress_snapshot_detail alter column class drop not null;
alter table mestat.progress_snapshot_detail drop constraint progress_snapshot_detail_method_check;
alter table mestat.progress_snapshot_detail add constraint progress_snapshot_detail_method_check
	check (method in ('ratio', 'direction', 'trend'));
alter table mestat.progress_snapshot_detail
	add column basis text check (basis in ('plan_number', 'plan_direction', 'monitoring')),
	add column target_year integer,
	add column growth_threshold numeric,
	add column trend text check (trend in ('rising', 'stable', 'falling')),
	add column trend_growth numeric,
	-- Period codes taken from mestat.period by the computation itself; no
	-- foreign key, as checking it for every assessment is half the cost of
	-- writing them at county scale.
	add column trend_from_period text,
	add column latest_period text,
	add column latest_value numeric,
	add column latest_reporters_reported integer,
	add column latest_reporters_expected integer,
	add check (basis is distinct from 'monitoring' or class is null),
	add check (basis = 'monitoring' or basis is null or class is not null);
comment on column mestat.progress_snapshot_detail.class is
	'achieved, not_achieved, on_track, at_risk, off_track, moving_away or insufficient_data; NULL for monitoring rows '
	'(the plan sets no target: a trend, no class).';
comment on column mestat.progress_snapshot_detail.method is
	'ratio (a number: R against the expected path; a column: coverage of its listed items), direction (growth since the '
	'base year) or trend (monitoring: change over the last four quarters, no class).';
comment on column mestat.progress_snapshot_detail.basis is
	'Basis of the row: plan_number, plan_direction or monitoring (the target''s, or monitoring for a reporter under a '
	'national number the plan does not divide among reporters).';
comment on column mestat.progress_snapshot_detail.target_year is 'Year by whose end the target is to be met.';
comment on column mestat.progress_snapshot_detail.growth_threshold is
	'Direction method: the annual growth from which the row is on track (class_threshold × the target''s '
	'threshold_factor × the near-limit coefficient for percentages).';
comment on column mestat.progress_snapshot_detail.trend is
	'rising, stable or falling: the value assessed against the value four quarters earlier (the setting '
	'trend_stable_band, default ±1 %, is stable). NULL without a value four quarters earlier.';
comment on column mestat.progress_snapshot_detail.trend_growth is 'Change over the last four quarters, as a fraction (0.05 = +5 %).';
comment on column mestat.progress_snapshot_detail.trend_from_period is 'The period four quarters before period (the trend''s start).';
comment on column mestat.progress_snapshot_detail.latest_period is
	'National rows: a later period than the one assessed, reported by only some province-level reporters, shown without '
	'a class; NULL when the period assessed is the latest.';
comment on column mestat.progress_snapshot_detail.latest_value is 'The part-reported value at latest_period (not assessed).';
comment on column mestat.progress_snapshot_detail.latest_reporters_reported is 'Province-level reporters in latest_value.';
comment on column mestat.progress_snapshot_detail.latest_reporters_expected is 'Active province-level reporters.';
comment on column mestat.progress_snapshot_detail.partial is
	'National rows: true when a later period than the one assessed is part-reported (see latest_period); the period '
	'assessed is always complete.';
comment on column mestat.progress_snapshot_detail.first_period is
	'Direction method: the period growth is measured from (the base year, 2015, or the first value when 2015 has none).';
comment on column mestat.progress_snapshot_detail.first_value is 'Direction method: the value growth is measured from.';

------------------------------------------------------------------------------
-- The computation

create or replace function mestat.recompute_progress() returns bigint
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
	band numeric := coalesce((select s.value::numeric from mestat.setting s where s.name = 'trend_stable_band'), 0.01);
	n_details integer;
begin
	-- One run at a time in a database (key 'mest', 1); mestatd also takes a
	-- session lock first so that several daemons do not queue up here.
	perform pg_advisory_xact_lock(1835365236, 1);

	insert into mestat.progress_snapshot (note) values ('mestat.recompute_progress() method 2 (docs/method.md)')
	returning id into snap;

	drop table if exists pg_temp.pr_val, pg_temp.pr_agg_reporter, pg_temp.pr_nat, pg_temp.pr_kperiod,
		pg_temp.pr_target, pg_temp.pr_scope, pg_temp.pr_ends, pg_temp.pr_missing, pg_temp.pr_got;

	-- 1. One pass over mestat.observation in the order of its index
	--    observation_cell, sorting nothing: the current version of each cell,
	--    when it first had a value, k = quarters since the end of 2015 (a
	--    year is its Q4) and the sum of the last 4 quarters where all 4 are
	--    there (sum4), as in 011.
	create temp table pr_val on commit drop as
	select c.reporter, c.indicator, c.period, c.k, c.v, c.first_at,
	       case when lag(c.k, 3) over w4 = c.k - 3 then sum(c.v) over w4 end as sum4
	  from (select o.reporter, o.indicator, o.period, o.value as v, o.deleted,
	               4 * (left(o.period, 4)::integer - 2015)
	                   + case when length(o.period) = 6 then right(o.period, 1)::integer - 4 else 0 end as k,
	               row_number() over cell as rn,
	               min(o.recorded_at) filter (where not o.deleted) over cell as first_at
	          from mestat.observation o
	        window cell as (partition by o.reporter, o.indicator, o.period order by o.id desc
	                        rows between unbounded preceding and unbounded following)) as c
	 where c.rn = 1 and not c.deleted
	window w4 as (partition by c.reporter, c.indicator order by c.period rows between 3 preceding and current row);
	analyze pg_temp.pr_val;

	-- Province-level reporters: what national sums add (no parent, not the ministry).
	create temp table pr_agg_reporter on commit drop as
	select r.code from mestat.reporter r where r.active and r.parent is null and r.kind <> 'ministry';

	-- Period codes by k and kind.
	create temp table pr_kperiod on commit drop as
	select 4 * (p.year - 2015) + coalesce(p.quarter, 4) - 4 as k, p.kind, p.code from mestat.period p;
	analyze pg_temp.pr_kperiod;

	-- 2. National values per period: national-only indicators as the ministry
	--    reports them; a column's coverage (its listed items with a launched
	--    project); sums and means of the province-level reporters, partial
	--    where some have not reported; rates recomputed from their parts. Then,
	--    for quarterly flows, the sum of the last 4 quarters, partial if any
	--    of them is.
	create temp table pr_nat on commit drop as
	with nat_point as (
		select v.indicator, v.period, v.k, v.v, false as partial, null::integer as n_rep, null::integer as n_exp,
		       null::numeric as projects
		  from pg_temp.pr_val v
		  join mestat.indicator i on i.code = v.indicator
		  join mestat.reporter r on r.code = v.reporter
		 where i.scope = 'national_only' and r.kind = 'ministry'
		   and (i.periodicity = 'quarterly') = (length(v.period) = 6)
		   and not exists (select 1 from mestat.column_item ci where ci.column_indicator = v.indicator)
		union all
		select ci.column_indicator, v.period, v.k, count(*) filter (where v.v >= 1), false, null, null, sum(v.v)
		  from pg_temp.pr_val v
		  join mestat.column_item ci on ci.indicator = v.indicator
		  join mestat.reporter r on r.code = v.reporter
		 where r.kind = 'ministry' and length(v.period) = 4
		 group by ci.column_indicator, v.period, v.k
		union all
		select x.indicator, x.period, x.k,
		       case i.aggregation when 'sum' then x.s else x.a end,
		       x.n < e.n, x.n, e.n, null
		  from (select v.indicator, v.period, v.k, sum(v.v) as s, avg(v.v) as a, count(*)::integer as n
		          from pg_temp.pr_val v
		          join pg_temp.pr_agg_reporter ar on ar.code = v.reporter
		         group by v.indicator, v.period, v.k) as x
		  join mestat.indicator i on i.code = x.indicator
		  cross join (select count(*)::integer as n from pg_temp.pr_agg_reporter) as e
		 where i.scope = 'provincial' and i.aggregation in ('sum', 'mean') and i.numerator is null
		   and (i.periodicity = 'quarterly') = (length(x.period) = 6)
		union all
		select i.code, nu.period, nu.k,
		       sum(nu.v) / nullif(sum(de.v), 0) * case when i.value_type = 'percent' then 100 else 1 end,
		       count(*) < e.n, count(*)::integer, e.n, null
		  from mestat.indicator i
		  join pg_temp.pr_val nu on nu.indicator = i.numerator
		  join pg_temp.pr_val de on de.indicator = i.denominator and de.reporter = nu.reporter and de.period = nu.period
		  join pg_temp.pr_agg_reporter ar on ar.code = nu.reporter
		  cross join (select count(*)::integer as n from pg_temp.pr_agg_reporter) as e
		 where i.numerator is not null and i.scope = 'provincial'
		 group by i.code, i.value_type, nu.period, nu.k, e.n
		having sum(de.v) <> 0
	)
	select s.indicator, s.period, s.k, s.a, s.partial, s.n_rep, s.n_exp, s.projects
	  from (select np.indicator, np.period, np.k, np.n_rep, np.n_exp, np.projects,
	               case when i.measure = 'flow' and i.periodicity = 'quarterly' then
	                    case when count(*) over w = 4 then sum(np.v) over w end
	               else np.v end as a,
	               case when i.measure = 'flow' and i.periodicity = 'quarterly' then bool_or(np.partial) over w
	               else np.partial end as partial
	          from nat_point np
	          join mestat.indicator i on i.code = np.indicator
	        window w as (partition by np.indicator order by np.k range between 3 preceding and current row)) as s
	 where s.a is not null;
	analyze pg_temp.pr_nat;

	-- 3. Per series: the first and the latest value A (k, A) after the base
	--    year, the value at the base year (k 0) and the value four quarters
	--    before the latest. The nation is assessed at its latest complete
	--    period; a later part-reported one is kept apart (k_latest). A
	--    reporter's quarterly flow is its 4-quarter sum.
	create temp table pr_ends on commit drop as
	select s.indicator, '' as scope, s.c0[1]::integer as k_first, s.c0[2] as a_first,
	       s.c1[1]::integer as k_last, s.c1[2] as a_last,
	       s.k_latest > coalesce(s.c1[1]::integer, -1) as partial, cn.n_rep, cn.n_exp, cn.projects,
	       pv.a as a_prev, bs.a as a_base,
	       case when s.k_latest > coalesce(s.c1[1]::integer, -1) then s.k_latest end as k_latest,
	       case when s.k_latest > coalesce(s.c1[1]::integer, -1) then ln.a end as a_latest,
	       case when s.k_latest > coalesce(s.c1[1]::integer, -1) then ln.n_rep end as latest_n_rep,
	       case when s.k_latest > coalesce(s.c1[1]::integer, -1) then ln.n_exp end as latest_n_exp
	  from (select x.indicator,
	               min(array[x.k::numeric, x.a]) filter (where x.k > 0 and not x.partial) as c0,
	               max(array[x.k::numeric, x.a]) filter (where x.k > 0 and not x.partial) as c1,
	               max(x.k) filter (where x.k > 0) as k_latest
	          from pg_temp.pr_nat x
	         group by x.indicator) as s
	  left join pg_temp.pr_nat cn on cn.indicator = s.indicator and cn.k = s.c1[1]::integer
	  left join pg_temp.pr_nat pv on pv.indicator = s.indicator and pv.k = s.c1[1]::integer - 4 and not pv.partial
	  left join pg_temp.pr_nat bs on bs.indicator = s.indicator and bs.k = 0 and not bs.partial
	  left join pg_temp.pr_nat ln on ln.indicator = s.indicator and ln.k = s.k_latest
	union all
	select x.indicator, x.reporter, x.f[1]::integer, x.f[2], x.l[1]::integer, x.l[2], false, null, null, null,
	       case when x.fq then pv.sum4 else pv.v end, x.a_base, null, null, null, null
	  from (select v.indicator, v.reporter, i.measure = 'flow' and i.periodicity = 'quarterly' as fq,
	               min(array[v.k::numeric, case when i.measure = 'flow' and i.periodicity = 'quarterly' then v.sum4
	                                       else v.v end]) filter (where v.k > 0) as f,
	               max(array[v.k::numeric, case when i.measure = 'flow' and i.periodicity = 'quarterly' then v.sum4
	                                       else v.v end]) filter (where v.k > 0) as l,
	               max(case when i.measure = 'flow' and i.periodicity = 'quarterly' then v.sum4 else v.v end)
	                   filter (where v.k = 0) as a_base
	          from pg_temp.pr_val v
	          join mestat.indicator i on i.code = v.indicator
	          join mestat.reporter r on r.code = v.reporter
	         where i.scope = 'provincial' and r.kind <> 'ministry'
	           and (i.periodicity = 'quarterly') = (length(v.period) = 6)
	           and (i.measure = 'stock' or i.periodicity = 'annual' or v.sum4 is not null)
	         group by v.indicator, v.reporter, i.measure, i.periodicity) as x
	  -- The value four quarters before the latest, for the trend.
	  left join pg_temp.pr_val pv on pv.reporter = x.reporter and pv.indicator = x.indicator
	                             and pv.k = x.l[1]::integer - 4;
	analyze pg_temp.pr_ends;

	-- 4. What is assessed against which target version (in force today), and how.
	create temp table pr_target on commit drop as select * from mestat.current_target;

	create temp table pr_scope on commit drop as
	select i.code as indicator, '' as scope, t.id as target_id, t.kind, t.path, t.baseline_year, t.baseline_value,
	       t.target_year, t.target_value, t.target_upper, i.direction, t.basis, t.threshold_factor,
	       case when t.basis = 'monitoring' then 'trend' when t.kind = 'direction' then 'direction' else 'ratio' end
	           as method,
	       (i.scope = 'provincial' and i.numerator is null and i.aggregation = 'none') as not_added,
	       false as fallback,
	       case i.periodicity when 'quarterly' then 'quarter' else 'year' end as pkind,
	       case when i.value_type = 'percent' then
	            case i.direction when 'increase' then i.max_value else i.min_value end end as lim,
	       exists (select 1 from mestat.column_item ci where ci.column_indicator = i.code) as coverage
	  from mestat.indicator i
	  join pg_temp.pr_target t on t.indicator = i.code and t.scope is null
	 where i.active
	union all
	select i.code, r.code, t.id, t.kind, t.path, t.baseline_year, t.baseline_value,
	       t.target_year, t.target_value, t.target_upper, i.direction,
	       -- A national number says nothing about one reporter: without a
	       -- target of its own, the reporter's row is monitoring.
	       case when t.kind <> 'direction' and t.scope is null then 'monitoring' else t.basis end,
	       t.threshold_factor,
	       case when t.basis = 'monitoring' or (t.kind <> 'direction' and t.scope is null) then 'trend'
	            when t.kind = 'direction' then 'direction' else 'ratio' end,
	       false,
	       t.kind <> 'direction' and t.scope is null,
	       case i.periodicity when 'quarterly' then 'quarter' else 'year' end,
	       case when i.value_type = 'percent' then
	            case i.direction when 'increase' then i.max_value else i.min_value end end,
	       false
	  from mestat.indicator i
	  cross join mestat.reporter r
	  left join pg_temp.pr_target own on own.indicator = i.code and own.scope = r.code
	  left join pg_temp.pr_target nat on nat.indicator = i.code and nat.scope is null
	  join pg_temp.pr_target t on t.id = coalesce(own.id, nat.id)
	 where i.active and i.scope = 'provincial' and r.active and r.kind <> 'ministry';
	analyze pg_temp.pr_scope;

	-- Which province-level reporters a later part-reported national period lacks.
	create temp table pr_missing on commit drop as
	with pl as (
		select en.indicator, kp.code as period, part.code as part
		  from pg_temp.pr_ends en
		  join mestat.indicator i on i.code = en.indicator
		  join pg_temp.pr_kperiod kp on kp.k = en.k_latest
		                            and kp.kind = case i.periodicity when 'quarterly' then 'quarter' else 'year' end
		  cross join lateral (values (coalesce(i.numerator, i.code)), (i.denominator)) as part(code)
		 where en.scope = '' and en.k_latest is not null and part.code is not null
	),
	present as (
		select pl.indicator, pl.period, pv.reporter as scope, count(*) as parts
		  from pl
		  join pg_temp.pr_val pv on pv.indicator = pl.part and pv.period = pl.period
		 group by pl.indicator, pl.period, pv.reporter
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

	-- 5. The assessment.
	insert into mestat.progress_snapshot_detail (
		snapshot, indicator, reporter, period, target_id, method, target_kind, baseline_value, target_value, target_upper,
		expected_value, actual_value, ratio, annual_growth, first_period, first_value, class, partial,
		reporters_reported, reporters_expected, basis, target_year, growth_threshold, trend, trend_growth,
		trend_from_period, latest_period, latest_value, latest_reporters_reported, latest_reporters_expected, note)
	select snap, sc.indicator, nullif(sc.scope, ''), l.code, sc.target_id, sc.method, sc.kind,
	       sc.baseline_value, sc.target_value, sc.target_upper,
	       case when sc.method = 'ratio' and en.a_last is not null then ev.e end,
	       en.a_last,
	       case when sc.method = 'ratio' and not ins.insufficient then rv.r end,
	       case when sc.method = 'direction' and not ins.insufficient then gv.good end,
	       case when sc.method = 'direction' then f.code end,
	       case when sc.method = 'direction' then b0.a0 end,
	       cl.class,
	       coalesce(en.partial, false),
	       en.n_rep, en.n_exp,
	       sc.basis, sc.target_year,
	       case when sc.method = 'direction' then thr.on_bound end,
	       tr.trend, tr.g, case when tr.g is not null or tr.trend is not null then tp.code end,
	       lp.code, en.a_latest, en.latest_n_rep, en.latest_n_exp,
	       nullif(concat_ws('; ',
	              case when sc.not_added and sc.scope = '' then
	                   'not added up nationally (aggregation none): see the reporters'' own rows' end,
	              case when sc.not_added and sc.scope = '' then null
	                   when en.a_last is null and en.k_latest is not null then
	                        format('no complete period yet: %s has %s of %s province-level reporters',
	                               lp.code, en.latest_n_rep, en.latest_n_exp)
	                   when en.a_last is null then 'no value yet'
	                   when sc.method = 'trend' and tr.trend is null then
	                        format('trend needs the value four quarters before %s', l.code)
	                   when sc.method = 'trend' then null
	                   when ins.insufficient and sc.method = 'ratio' then
	                        format('the latest value (%s) is fewer than 4 quarters after the baseline (end of %s)',
	                               l.code, sc.baseline_year)
	                   when ins.insufficient then
	                        format('needs two values at least 4 quarters apart; growth is measured from %s, the latest is %s',
	                               coalesce(f.code, 'the first value'), l.code) end,
	              case when sc.fallback then
	                   format('the national %s target is not divided among reporters: trend only, no class', sc.kind) end,
	              case when sc.method = 'direction' and b0.from_first and en.a_last is not null then
	                   format('no %s value: growth measured from the first value (%s)', sc.baseline_year, f.code) end,
	              case when sc.method = 'direction' and thr.scale <> 1 and en.a_last is not null then
	                   format('on track from %s %%/yr (thresholds × %s%s)', round(thr.on_bound * 100, 3),
	                          round(thr.scale, 4),
	                          case when sc.threshold_factor <> 1 then
	                               format(': factor %s for the plan''s words', sc.threshold_factor) else '' end
	                          || case when thr.coeff < 1 then
	                               format(', near-limit coefficient %s', round(thr.coeff, 4)) else '' end) end,
	              case when sc.coverage and en.a_last is not null then
	                   format('%s of %s listed items have a launched project (%s projects)', en.a_last, sc.target_value,
	                          coalesce(en.projects, 0)) end,
	              case when sc.method = 'ratio' and not ins.insufficient and sc.kind = 'range'
	                        and (en.a_last - sc.target_upper) * tv.sgn > 0 and tv.aim = sc.target_value then
	                   format('above the range [%s, %s]: past the upper bound (still achieved)', sc.target_value, sc.target_upper)
	                   when sc.method = 'ratio' and not ins.insufficient and sc.kind = 'range'
	                        and (en.a_last - sc.target_value) * tv.sgn > 0 and tv.aim = sc.target_upper then
	                   format('below the range [%s, %s]: past the lower bound (still achieved)', sc.target_value, sc.target_upper)
	                   when sc.method = 'ratio' and not ins.insufficient and sc.kind = 'point'
	                        and (en.a_last - sc.target_value) * tv.sgn > 0 then
	                   format('beyond the target %s', sc.target_value) end,
	              case when cl.class = 'not_achieved' then format('the target year %s is over', sc.target_year) end,
	              case when sc.method = 'direction' and not ins.insufficient and gv.good is null then
	                   format('growth from %s cannot be annualised: the sign of the change decides', b0.a0) end,
	              case when en.k_latest is not null and en.a_last is not null then
	                   format('%s is part-reported (%s of %s province-level reporters%s): shown in latest_value, not assessed; '
	                          'assessed at %s, the latest complete period',
	                          lp.code, en.latest_n_rep, en.latest_n_exp,
	                          case when ms.codes is not null then
	                               format(', missing %s%s', ms.codes,
	                                      case when ms.n > 10 then format(' and %s more', ms.n - 10) else '' end)
	                          else '' end, l.code) end
	       ), '')
	  from pg_temp.pr_scope sc
	  left join pg_temp.pr_ends en on en.indicator = sc.indicator and en.scope = sc.scope
	  left join pg_temp.pr_kperiod l on l.k = en.k_last and l.kind = sc.pkind
	  left join pg_temp.pr_kperiod lp on lp.k = en.k_latest and lp.kind = sc.pkind
	  left join pg_temp.pr_kperiod tp on tp.k = en.k_last - 4 and tp.kind = sc.pkind
	  left join pg_temp.pr_missing ms on ms.indicator = sc.indicator and sc.scope = ''
	  cross join lateral (
		-- Direction: growth from the base year (the target's baseline value,
		-- else the value reported for 2015), else from the first value.
		select coalesce(sc.baseline_value, case when sc.baseline_year = 2015 then en.a_base end, en.a_first) as a0,
		       case when sc.baseline_value is not null
		                 or (sc.baseline_year = 2015 and en.a_base is not null) then 4 * (sc.baseline_year - 2015)
		            else en.k_first end as k0,
		       sc.baseline_value is null and not (sc.baseline_year = 2015 and en.a_base is not null) as from_first
	  ) as b0
	  left join pg_temp.pr_kperiod f on f.k = b0.k0 and f.kind = sc.pkind
	  cross join lateral (
		select case when sc.kind = 'range' and sc.baseline_value >= sc.target_upper then sc.target_upper
		            else sc.target_value end as aim,
		       en.k_last - 4 * (sc.baseline_year - 2015) as kl,
		       case when sc.kind = 'range' and sc.baseline_value >= sc.target_upper then -1
		            when sc.target_value > sc.baseline_value then 1
		            when sc.target_value < sc.baseline_value then -1
		            when sc.direction = 'increase' then 1
		            else -1 end as sgn,
		       least((en.k_last - 4 * (sc.baseline_year - 2015))::numeric / (4 * (sc.target_year - sc.baseline_year)), 1) as tau,
		       en.k_last >= 4 * (sc.target_year - 2015) as due
	  ) as tv
	  cross join lateral (
		select case when sc.path = 'geometric' then
		            (sc.baseline_value::float8 * power(tv.aim::float8 / sc.baseline_value::float8, tv.tau::float8))::numeric
		       else sc.baseline_value + (tv.aim - sc.baseline_value) * tv.tau end as e
	  ) as ev
	  cross join lateral (
		select case when ev.e <> sc.baseline_value then (en.a_last - sc.baseline_value) / (ev.e - sc.baseline_value) end as r
	  ) as rv
	  cross join lateral (
		select (case when sc.direction = 'increase' then 1 else -1 end
		        * case when en.k_last - b0.k0 < 4 then null
		               when b0.a0 > 0 and en.a_last > 0 then
		                    power(en.a_last::float8 / b0.a0::float8, 4.0::float8 / (en.k_last - b0.k0)) - 1
		               when b0.a0 <> 0 then
		                    (en.a_last - b0.a0)::float8 / abs(b0.a0)::float8 / ((en.k_last - b0.k0) / 4.0)
		          end)::numeric as good
	  ) as gv
	  cross join lateral (
		-- Open SDG's near-limit adjustment: near a limit L (100 % for a rising
		-- percentage) the thresholds shrink by 1 − (b/L)^4.44, b the base value.
		select x.coeff, sc.threshold_factor * x.coeff as scale,
		       sc.threshold_factor * x.coeff
		           * (select t.lower_bound from mestat.class_threshold t
		               where t.method = 'direction' and t.class = 'on_track') as on_bound
		  from (select case when sc.lim is null or b0.a0 is null then 1::numeric
		                    when abs(b0.a0) >= 2 * abs(sc.lim) then 1::numeric
		                    when abs(b0.a0) <= abs(sc.lim) then
		                         (1 - power(abs(b0.a0)::float8 / abs(sc.lim)::float8, 4.44))::numeric
		                    else (1 - power((2 * abs(sc.lim) - abs(b0.a0))::float8 / abs(sc.lim)::float8, 4.44))::numeric
		               end as coeff) as x
	  ) as thr
	  cross join lateral (
		-- The measure a threshold applies to; growth from 0 counts as ±100 %/yr.
		select case when sc.method = 'ratio' then
		            coalesce(rv.r, case when (en.a_last - sc.baseline_value) * tv.sgn >= 0 then 1 else -1 end)
		       else coalesce(gv.good, sign(en.a_last - b0.a0) * case when sc.direction = 'increase' then 1 else -1 end) end as x
	  ) as mx
	  cross join lateral (
		select case when en.a_last is null then true
		            when sc.method = 'ratio' then tv.kl < 4
		            when sc.method = 'direction' then b0.k0 is null or en.k_last - b0.k0 < 4
		            else false end as insufficient,
		       case when en.a_last is null then false
		            when sc.method = 'ratio' and sc.kind = 'at_least' then en.a_last >= sc.target_value
		            when sc.method = 'ratio' then (en.a_last - tv.aim) * tv.sgn >= 0
		            when sc.method = 'direction' then tv.due and mx.x >= thr.on_bound
		            else false end as achieved
	  ) as ins
	  cross join lateral (
		select case when sc.method = 'trend' then null
		            when ins.insufficient or (sc.not_added and sc.scope = '') then 'insufficient_data'
		            when ins.achieved then 'achieved'
		            when tv.due then 'not_achieved'
		            else (select t.class from mestat.class_threshold t
		                   where t.method = sc.method
		                     and (t.lower_bound * case when sc.method = 'direction' then thr.scale else 1 end <= mx.x
		                          or t.lower_bound is null)
		                   order by t.lower_bound desc nulls last limit 1) end as class
	  ) as cl
	  cross join lateral (
		select x.g,
		       case when en.a_prev is null or en.a_last is null then null
		            when x.g is null then case sign(en.a_last - en.a_prev) when 1 then 'rising' when -1 then 'falling'
		                                  else 'stable' end
		            when x.g >= band then 'rising'
		            when x.g <= -band then 'falling'
		            else 'stable' end as trend
		  from (select case when en.a_prev <> 0 then (en.a_last - en.a_prev) / abs(en.a_prev) end as g) as x
	  ) as tr;
	get diagnostics n_details = row_count;

	-- 6. Completeness and timeliness per reporter and period that has ended,
	--    from 2016 (2015 is the base year: values may come, none are expected).
	delete from mestat.reporting_status;
	create temp table pr_got on commit drop as
	with exp_n as (
		select i.scope = 'national_only' as for_ministry,
		       case i.periodicity when 'quarterly' then 'quarter' else 'year' end as period_kind,
		       count(*)::integer as n, array_agg(i.code order by i.code) as codes
		  from mestat.indicator i
		 where i.active
		 group by 1, 2
	),
	got as (
		select v.reporter, v.period, count(*)::integer as received,
		       count(*) filter (where v.first_at < ((p.due_date + 1)::timestamp at time zone 'Asia/Shanghai'))::integer
		           as on_time
		  from pg_temp.pr_val v
		  join mestat.period p on p.code = v.period
		  join mestat.indicator i on i.code = v.indicator
		 where p.end_date < today and p.year >= 2016 and i.active
		 group by v.reporter, v.period
	)
	select r.code as reporter, p.code as period, en.n as expected, coalesce(g.received, 0) as received,
	       coalesce(g.on_time, 0) as on_time, en.codes
	  from mestat.reporter r
	  cross join mestat.period p
	  join exp_n en on en.for_ministry = (r.kind = 'ministry') and en.period_kind = p.kind
	  left join got g on g.reporter = r.code and g.period = p.code
	 where r.active and p.end_date < today and p.year >= 2016;
	analyze pg_temp.pr_got;

	-- Which indicators are missing, only for reports received in part (few).
	insert into mestat.reporting_status (reporter, period, expected, received, on_time, missing_indicators, snapshot,
	                                     computed_at)
	select g.reporter, g.period, g.expected, g.received, g.on_time,
	       case when g.received > 0 and g.received < g.expected then
	            array(select u.code from unnest(g.codes) as u(code) where u.code <> all (pa.codes) order by 1) end,
	       snap, now()
	  from pg_temp.pr_got g
	  left join (select pg.reporter, pg.period, array_agg(v.indicator) as codes
	               from pg_temp.pr_got pg
	               join pg_temp.pr_val v on v.reporter = pg.reporter and v.period = pg.period
	              where pg.received > 0 and pg.received < pg.expected
	              group by pg.reporter, pg.period) as pa on pa.reporter = g.reporter and pa.period = g.period;

	update mestat.progress_snapshot
	   set as_of_period = (select max(v.period) from pg_temp.pr_val v where v.period like '____Q_'),
	       elapsed = clock_timestamp() - started,
	       details = n_details
	 where id = snap;
	return snap;
end
$$;
comment on function mestat.recompute_progress() is
	'mestatd (on a schedule and after accepted submissions) or the plan office: assess every active indicator with a '
	'target version in force, nationally and per reporter, and write it as a new snapshot (mestat.progress_snapshot + '
	'progress_snapshot_detail; earlier snapshots are kept). A target''s basis decides the method: plan_number → ratio '
	'(or a column''s coverage), plan_direction → growth since the base year, monitoring → trend without a class. '
	'National values are assessed at the latest complete period. Also replaces mestat.reporting_status (completeness '
	'and timeliness, from 2016). Returns the snapshot id. Method 2: docs/method.md. SECURITY DEFINER; one run at a time '
	'per database (advisory transaction lock 1835365236, 1).';

------------------------------------------------------------------------------
-- The evaluator views, with the new columns (appended; the old ones keep
-- their names), in the plan's order.

drop view report.progress;
drop view report.progress_by_reporter;
drop view report.progress_history;

create view report.progress_history as
select d.snapshot,
       s.taken_at,
       s.as_of_period,
       d.indicator,
       i.name_zh as indicator_name_zh,
       i.name_en as indicator_name_en,
       i.unit,
       i.unit_zh,
       i.clause,
       i.measure,
       i.direction,
       d.reporter,
       coalesce(r.name_zh, '全国') as reporter_name_zh,
       coalesce(r.name_en, 'National') as reporter_name_en,
       coalesce(r.kind, 'national') as reporter_kind,
       d.period,
       d.target_id,
       d.target_kind,
       t.path as target_path,
       t.effective_from as target_effective_from,
       d.method,
       d.baseline_value,
       d.target_value,
       d.target_upper,
       d.expected_value,
       d.actual_value,
       d.ratio,
       d.first_period,
       d.first_value,
       d.annual_growth,
       d.class,
       cl.label_zh as class_zh,
       cl.label_en as class_en,
       d.partial,
       d.reporters_reported,
       d.reporters_expected,
       d.note,
       i.sort_key,
       i.value_type,
       d.basis,
       bl.label_zh as basis_zh,
       bl.label_en as basis_en,
       t.plan_words,
       coalesce(t.clause, '') as target_clause,
       t.decision_ref,
       t.decision_date,
       concat_ws(' ', bl.reading_zh,
                 case when t.plan_words is not null then
                      format('规划原文（%s）：“%s”。', coalesce(t.clause, i.clause), t.plan_words) end,
                 case when d.basis = 'monitoring' and d.target_kind <> 'direction' then
                      '全国数值目标不分解到各地区。' end,
                 case when t.decision_ref is not null then
                      format('目标已按%s（%s）调整。', t.decision_ref, t.decision_date) end) as reading_zh,
       concat_ws(' ', bl.reading_en,
                 case when t.plan_words is not null then
                      format('The plan (%s): “%s”.', coalesce(t.clause, i.clause), t.plan_words) end,
                 t.note,
                 case when d.basis = 'monitoring' and d.target_kind <> 'direction' then
                      'The national number is not divided among reporters.' end,
                 case when t.decision_ref is not null then
                      format('Revised by decision %s of %s.', t.decision_ref, t.decision_date) end) as reading_en,
       d.target_year,
       d.growth_threshold,
       d.trend,
       tl.label_zh as trend_zh,
       tl.label_en as trend_en,
       d.trend_growth,
       d.trend_from_period,
       d.latest_period,
       d.latest_value,
       d.latest_reporters_reported,
       d.latest_reporters_expected
  from mestat.progress_snapshot_detail d
  join mestat.progress_snapshot s on s.id = d.snapshot
  join mestat.indicator i on i.code = d.indicator
  left join mestat.reporter r on r.code = d.reporter
  left join mestat.target t on t.id = d.target_id
  left join mestat.progress_class_label cl on cl.class = d.class
  left join mestat.assessment_label bl on bl.kind = 'basis'
                                      and bl.code = coalesce(d.basis, case when d.method = 'ratio' then 'plan_number'
                                                                           else 'monitoring' end)
  left join mestat.assessment_label tl on tl.kind = 'trend' and tl.code = d.trend;
comment on view report.progress_history is
	'Every progress assessment ever made: one row per snapshot, indicator and scope (the nation, or one reporter), with '
	'the target version it used and its basis (plan number, plan direction, or monitoring without a class). Filter on '
	'indicator and reporter (NULL = national) to see how the assessment changed; a target revision shows as a new '
	'target_id. Order by sort_key for the plan''s order.';

create view report.progress as
select h.snapshot, h.taken_at, h.as_of_period, h.indicator, h.indicator_name_zh, h.indicator_name_en, h.unit, h.unit_zh,
       h.clause, h.measure, h.direction, h.period, h.target_id, h.target_kind, h.target_path, h.target_effective_from,
       h.method, h.baseline_value, h.target_value, h.target_upper, h.expected_value, h.actual_value, h.ratio,
       h.first_period, h.first_value, h.annual_growth, h.class, h.class_zh, h.class_en, h.partial,
       h.reporters_reported, h.reporters_expected, h.note,
       h.sort_key, h.value_type, h.basis, h.basis_zh, h.basis_en, h.plan_words, h.target_clause, h.decision_ref,
       h.decision_date, h.reading_zh, h.reading_en, h.target_year, h.growth_threshold, h.trend, h.trend_zh, h.trend_en,
       h.trend_growth, h.trend_from_period, h.latest_period, h.latest_value, h.latest_reporters_reported,
       h.latest_reporters_expected
  from report.progress_history h
 where h.snapshot = (select max(s.id) from mestat.progress_snapshot s)
   and h.reporter is null
 order by h.sort_key, h.indicator;
comment on view report.progress is
	'National assessment from the latest snapshot, one row per indicator with a target version in force, in the plan''s '
	'order. basis says whether the plan sets the number (plan_number), a direction in words (plan_direction, quoted in '
	'plan_words) or nothing (monitoring: trend only, class NULL); reading_zh / reading_en say how to read the row. Values '
	'added up from the provinces are assessed at the latest complete period; a later part-reported one is in latest_*. '
	'Empty until mestat.recompute_progress() has run once: mestatd runs it every recompute_interval and soon after '
	'accepted submissions; the plan office can run it by hand.';

create view report.progress_by_reporter as
select h.snapshot, h.taken_at, h.as_of_period, h.indicator, h.indicator_name_zh, h.indicator_name_en, h.unit, h.unit_zh,
       h.clause, h.measure, h.direction, h.reporter, h.reporter_name_zh, h.reporter_name_en, h.reporter_kind,
       h.period, h.target_id, h.target_kind, h.target_path, h.target_effective_from, h.method, h.baseline_value,
       h.target_value, h.target_upper, h.expected_value, h.actual_value, h.ratio, h.first_period, h.first_value,
       h.annual_growth, h.class, h.class_zh, h.class_en, h.note,
       h.sort_key, h.value_type, h.basis, h.basis_zh, h.basis_en, h.plan_words, h.target_clause, h.decision_ref,
       h.decision_date, h.reading_zh, h.reading_en, h.target_year, h.growth_threshold, h.trend, h.trend_zh, h.trend_en,
       h.trend_growth, h.trend_from_period
  from report.progress_history h
 where h.snapshot = (select max(s.id) from mestat.progress_snapshot s)
   and h.reporter is not null
 order by h.reporter, h.sort_key, h.indicator;
comment on view report.progress_by_reporter is
	'Each reporter (provinces, separate-plan cities, the Corps) on each provincial indicator, from the latest snapshot, '
	'in the plan''s order. A reporter with a target of its own is assessed against it; a national direction the plan '
	'states applies to each reporter; a national number is not divided among reporters, so that row is monitoring '
	'(trend, no class).';

-- Column comments: one wording per column name, the same in every view (the
-- list of 009 with the new columns).
do $$
declare
	c record;
begin
	for c in
		select a.table_name, a.column_name, n.note
		  from information_schema.columns a
		  left join (values
			('snapshot', 'Snapshot id (mestat.progress_snapshot): one run of mestat.recompute_progress().'),
			('taken_at', 'When the snapshot was computed.'),
			('as_of_period', 'Latest quarter with any value when the snapshot was computed.'),
			('indicator', 'Indicator code.'),
			('indicator_name_zh', 'Indicator name in Chinese.'),
			('indicator_name_en', 'Indicator name in English.'),
			('unit', 'Unit (English).'),
			('unit_zh', 'Unit (Chinese).'),
			('clause', 'Clause of the plan the indicator follows.'),
			('measure', 'stock (level at period end) or flow (amount during the period; a quarterly flow is assessed as the sum of the last 4 quarters).'),
			('direction', 'Which way is better: increase or decrease.'),
			('reporter', 'Reporter code (GB/T 2260; 660000 the Corps, 000000 the ministry); NULL in progress_history for the national assessment.'),
			('reporter_name_zh', 'Reporter name in Chinese (全国 for the national assessment).'),
			('reporter_name_en', 'Reporter name in English (National for the national assessment).'),
			('reporter_kind', 'province, autonomous_region, municipality, separate_plan_city, corps or ministry (national for the national assessment).'),
			('period', 'Period of the value assessed (2018Q3, or 2018 for a year); for a national sum, the latest complete period.'),
			('target_id', 'Target version used (mestat.target.id): the latest whose effective_from is not in the future when the snapshot was computed.'),
			('target_kind', 'point, range, at_least or direction.'),
			('target_path', 'Expected path from baseline to target: linear or geometric.'),
			('target_effective_from', 'Date the target version used took effect.'),
			('method', 'ratio (against the expected path; a column: coverage of its listed items), direction (annual growth since the base year) or trend (monitoring: no class).'),
			('baseline_value', 'Baseline B (end of the baseline year, 2015); for the 12th Five-Year Plan figures, that figure, for information.'),
			('target_value', 'Target T (the lower bound L of a range; the number of listed items of a column).'),
			('target_upper', 'Upper bound U of a range target.'),
			('expected_value', 'Expected value E on the path at the period of actual_value: B + (T − B)·τ, or B·(T/B)^τ; τ = quarters since the baseline / 20, at most 1.'),
			('actual_value', 'Actual value A at period: the value, a national sum, mean or recomputed rate, a column''s items with a launched project, or for a quarterly flow the sum of the last 4 quarters.'),
			('ratio', 'R = (A − B)/(E − B): actual over expected progress since the baseline (ratio method).'),
			('first_period', 'Direction method: the period growth is measured from (the base year 2015, else the first value).'),
			('first_value', 'Direction method: the value growth is measured from.'),
			('annual_growth', 'Annualised growth from first_value to actual_value in the good direction, as a fraction (0.015 = 1.5 %/yr) (direction method).'),
			('class', 'achieved, not_achieved, on_track, at_risk, off_track, moving_away or insufficient_data; NULL for monitoring (no plan target).'),
			('class_zh', 'The class in Chinese (e.g. 按计划推进); NULL for monitoring.'),
			('class_en', 'The class in English (e.g. On track); NULL for monitoring.'),
			('partial', 'National rows: true when a later period than the one assessed is part-reported (see latest_period); the period assessed is complete.'),
			('reporters_reported', 'For a national value added up from reporters: how many province-level reporters are in the period assessed.'),
			('reporters_expected', 'For a national value added up from reporters: how many active province-level reporters there are.'),
			('note', 'Why, in words: later part-reported period and missing reporters, range or target passed, too few values, base of growth, thresholds.'),
			('sort_key', 'Plan order of the clause (一 = 100, 二(三) = 203, 七(八) = 708, 专栏1 = 1101): sort by it, then by indicator.'),
			('value_type', 'integer (counts: show without decimals), decimal or percent.'),
			('basis', 'plan_number (the plan states the number), plan_direction (the plan states a direction in words) or monitoring (no plan target: trend only, no class).'),
			('basis_zh', 'The basis in Chinese (规划数值目标, 规划方向目标, 监测指标（规划未设目标）).'),
			('basis_en', 'The basis in English (Plan number, Plan direction, Monitoring (no plan target)).'),
			('plan_words', 'The plan''s own words for the target, in Chinese.'),
			('target_clause', 'Clause of the plan that sets the target version (empty for a revision citing its decision).'),
			('decision_ref', 'For a revised target (动态调整): the ministry''s decision that set it.'),
			('decision_date', 'Date of that decision.'),
			('reading_zh', 'How to read the row, in Chinese: the basis, the plan''s words, a revision''s decision.'),
			('reading_en', 'How to read the row, in English: the basis, the plan''s words, the reading of the catalog, a revision''s decision.'),
			('target_year', 'Year by whose end the target is to be met; once its last value is in, a class is achieved or not_achieved.'),
			('growth_threshold', 'Direction method: the annual growth from which the row is on track (1.5 %/yr × the target''s factor × the near-limit coefficient).'),
			('trend', 'rising, stable or falling over the last four quarters (within ±trend_stable_band, default 1 %, is stable); NULL without a value four quarters earlier.'),
			('trend_zh', 'The trend in Chinese (上升, 平稳, 下降).'),
			('trend_en', 'The trend in English (Rising, Stable, Falling).'),
			('trend_growth', 'Change of the value assessed over the last four quarters, as a fraction (0.05 = +5 %).'),
			('trend_from_period', 'The period four quarters before period, the trend''s start.'),
			('latest_period', 'National rows: a later period reported by only some province-level reporters, not assessed; NULL when the period assessed is the latest.'),
			('latest_value', 'The part-reported value at latest_period (not assessed, no class).'),
			('latest_reporters_reported', 'How many province-level reporters are in latest_value.'),
			('latest_reporters_expected', 'How many active province-level reporters there are.')
		       ) as n(column_name, note) on n.column_name = a.column_name
		 where a.table_schema = 'report'
		   and a.table_name in ('progress', 'progress_by_reporter', 'progress_history')
	loop
		if c.note is null then
			raise exception 'report.%.% has no comment', c.table_name, c.column_name;
		end if;
		execute format('comment on column report.%I.%I is %L', c.table_name, c.column_name, c.note);
	end loop;
end
$$;

grant select on report.progress, report.progress_by_reporter, report.progress_history to mestat_evaluator;
grant select on mestat.assessment_label, mestat.column_item to mestat_daemon;
