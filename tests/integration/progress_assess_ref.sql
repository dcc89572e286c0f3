-- The full assessment as it was written before its passes over the values were merged:
-- tests/integration/progress_full_reference.sh installs it in place of the current
-- definition and compares the two on randomized data. Not a migration.

set local role mestat_owner;

create or replace function mestat.progress_assess(snap bigint, p_partial boolean) returns integer
language plpgsql
set search_path = mestat, pg_temp
set work_mem = '256MB'
set client_min_messages = warning
-- The assessment's estimated cost is far above what it does (a few thousand
-- rows, a few lookups each): compiling it with JIT took minutes.
set jit = off
as $$
declare
	today date := (now() at time zone 'Asia/Shanghai')::date;
	band numeric := coalesce((select s.value::numeric from mestat.setting s where s.name = 'trend_stable_band'), 0.01);
	n_details integer;
begin
	-- Partial (an incremental run): the caller has filled pg_temp.pr_need_ind
	-- (the indicators whose series are read), pr_only_ind (national rows to
	-- assess), pr_only_pair (indicator, reporter rows to assess) and
	-- pr_only_rp (reporter, period reports whose completeness is replaced).
	-- Not partial: every assessment and every report; those tables are empty.
	drop table if exists pg_temp.pr_val, pg_temp.pr_agg_reporter, pg_temp.pr_nat, pg_temp.pr_kperiod,
		pg_temp.pr_target, pg_temp.pr_scope, pg_temp.pr_ends, pg_temp.pr_missing, pg_temp.pr_got, pg_temp.pr_flag,
		pg_temp.pr_brk, pg_temp.pr_src;

	-- 1. One pass over mestat.observation in the order of its index
	--    observation_cell, sorting nothing: the current version of each cell,
	--    when it first had a value, k = quarters since the end of 2015 (a
	--    year is its Q4) and the sum of the last 4 quarters where all 4 are
	--    there (sum4), as in 011. A reported-missing cell (status M, L...:
	--    no value, not deleted) is kept, as received, but is no value: v is
	--    NULL and no 4-quarter sum includes it. Its status (st) and version
	--    (oid) say what a value rests on.
	create temp table pr_val on commit drop as
	select c.reporter, c.indicator, c.period, c.k, c.v, c.first_at, c.st, c.oid,
	       case when lag(c.k, 3) over w4 = c.k - 3 and count(c.v) over w4 = 4 then sum(c.v) over w4 end as sum4
	  from (select o.reporter, o.indicator, o.period, o.value as v, o.deleted, o.status as st, o.id as oid,
	               4 * (left(o.period, 4)::integer - 2015)
	                   + case when length(o.period) = 6 then right(o.period, 1)::integer - 4 else 0 end as k,
	               row_number() over cell as rn,
	               min(o.recorded_at) filter (where not o.deleted) over cell as first_at
	          from mestat.observation o
	         -- An incremental run reads the series it needs and the reports
	         -- (reporter, period) whose completeness it recomputes.
	         where not p_partial
	            or o.indicator in (select n.indicator from pg_temp.pr_need_ind n)
	            or (o.reporter, o.period) in (select rp.reporter, rp.period from pg_temp.pr_only_rp rp)
	        window cell as (partition by o.reporter, o.indicator, o.period order by o.id desc
	                        rows between unbounded preceding and unbounded following)) as c
	 where c.rn = 1 and not c.deleted
	window w4 as (partition by c.reporter, c.indicator order by c.period rows between 3 preceding and current row);
	analyze pg_temp.pr_val;

	-- Province-level reporters: what national sums add (no parent, not the
	-- ministry, not a department).
	create temp table pr_agg_reporter on commit drop as
	select r.code from mestat.reporter r
	 where r.active and r.parent is null and r.kind not in ('ministry', 'department');

	-- Which national figure each indicator is assessed on (rule
	-- indicator.national_source): its source's own series once the source has
	-- sent any value of it at the indicator's periodicity, else the
	-- province-level reporters added up; national-only indicators are the
	-- ministry's.
	-- (Which sources have sent a value: one join of the values with the few
	-- indicators that name a source, not a lookup per indicator, which the
	-- planner turned into a hash of every value.)
	create temp table pr_src on commit drop as
	with sent as (
		select distinct i.code
		  from mestat.indicator i
		  join pg_temp.pr_val v on v.indicator = i.code and v.reporter = i.national_source
		 where v.v is not null and (i.periodicity = 'quarterly') = (length(v.period) = 6)
	)
	select i.code as indicator, i.national_source as rule_reporter, sr.name_zh as rule_name_zh,
	       sr.name_en as rule_name_en,
	       case when i.scope = 'national_only' then 'ministry'
	            when i.national_source is not null and st.code is not null then sr.kind
	            when i.aggregation in ('sum', 'mean') or i.numerator is not null then 'provinces'
	       end as source,
	       case when i.scope = 'national_only' then
	                 (select m.code from mestat.reporter m where m.kind = 'ministry' order by m.code limit 1)
	            when i.national_source is not null and st.code is not null then i.national_source
	       end as source_reporter
	  from mestat.indicator i
	  left join mestat.reporter sr on sr.code = i.national_source
	  left join sent st on st.code = i.code;

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
		 where i.scope = 'national_only' and r.kind = 'ministry' and v.v is not null
		   and (i.periodicity = 'quarterly') = (length(v.period) = 6)
		   and not exists (select 1 from mestat.column_item ci where ci.column_indicator = v.indicator)
		union all
		select ci.column_indicator, v.period, v.k, count(*) filter (where v.v >= 1), false, null, null, sum(v.v)
		  from pg_temp.pr_val v
		  join mestat.column_item ci on ci.indicator = v.indicator
		  join mestat.reporter r on r.code = v.reporter
		 where r.kind = 'ministry' and length(v.period) = 4 and v.v is not null
		 group by ci.column_indicator, v.period, v.k
		union all
		-- A provincial indicator whose national source has sent its figures.
		select v.indicator, v.period, v.k, v.v, false, null, null, null
		  from pg_temp.pr_val v
		  join pg_temp.pr_src s on s.indicator = v.indicator and s.source_reporter = v.reporter
		  join mestat.indicator i on i.code = v.indicator
		 where i.scope = 'provincial' and s.source in ('department', 'ministry') and v.v is not null
		   and (i.periodicity = 'quarterly') = (length(v.period) = 6)
		union all
		select x.indicator, x.period, x.k,
		       case i.aggregation when 'sum' then x.s else x.a end,
		       x.n < e.n, x.n, e.n, null
		  from (select v.indicator, v.period, v.k, sum(v.v) as s, avg(v.v) as a, count(*)::integer as n
		          from pg_temp.pr_val v
		          join pg_temp.pr_agg_reporter ar on ar.code = v.reporter
		         where v.v is not null
		         group by v.indicator, v.period, v.k) as x
		  join mestat.indicator i on i.code = x.indicator
		  join pg_temp.pr_src src on src.indicator = x.indicator and src.source = 'provinces'
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
		 where i.numerator is not null and i.scope = 'provincial' and nu.v is not null and de.v is not null
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
	         where i.scope = 'provincial' and r.kind not in ('ministry', 'department') and v.v is not null
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
	   and (not p_partial or i.code in (select a.indicator from pg_temp.pr_only_ind a))
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
	 where i.active and i.scope = 'provincial' and r.active and r.kind not in ('ministry', 'department')
	   and (not p_partial or (i.code, r.code) in (select p.indicator, p.reporter from pg_temp.pr_only_pair p));
	analyze pg_temp.pr_scope;

	-- Series with a current value that is not final (status other than A and
	-- B: provisional, estimated, forecast...) or held for follow-up without a
	-- decision: their rows say so in the note (mestat.quality_note).
	create temp table pr_flag on commit drop as
	select v.indicator, v.reporter from pg_temp.pr_val v where v.v is not null and v.st not in ('A', 'B')
	union
	select v.indicator, v.reporter
	  from mestat.follow_up f
	  join pg_temp.pr_val v on v.oid = f.observation
	 where f.decision is null and v.v is not null;

	-- Breaks in series (status B): k of each, per reporter's series and, for
	-- the national series, in any cell it is added up from (the indicator or
	-- a rate's parts).
	create temp table pr_brk on commit drop as
	select v.indicator, v.reporter as scope, v.k
	  from pg_temp.pr_val v
	 where v.st = 'B' and v.v is not null
	union
	select x.indicator, '', x.k
	  from (select v.indicator, v.k from pg_temp.pr_val v where v.st = 'B' and v.v is not null
	        union all
	        select i.code, v.k
	          from pg_temp.pr_val v
	          join mestat.indicator i on v.indicator in (i.numerator, i.denominator)
	         where v.st = 'B' and v.v is not null) as x;

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
		  join pg_temp.pr_val pv on pv.indicator = pl.part and pv.period = pl.period and pv.v is not null
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
		snapshot, chain, indicator, reporter, period, target_id, method, target_kind, baseline_value, target_value, target_upper,
		expected_value, actual_value, ratio, annual_growth, first_period, first_value, class, partial,
		reporters_reported, reporters_expected, basis, target_year, growth_threshold, trend, trend_growth,
		trend_from_period, latest_period, latest_value, latest_reporters_reported, latest_reporters_expected, note,
		source, source_reporter, sort_key)
	select snap, (select coalesce(ps.base, ps.id) from mestat.progress_snapshot ps where ps.id = snap),
	       sc.indicator, nullif(sc.scope, ''), l.code, sc.target_id, sc.method, sc.kind,
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
	              case when sc.scope = '' and src.source in ('department', 'ministry') and src.rule_reporter is not null then
	                   format('national figure: %s (%s, %s), the indicator''s national source; the provinces'' sum is '
	                          'compared with it in report.source_consistency', src.rule_name_en, src.rule_name_zh,
	                          src.rule_reporter)
	                   when sc.scope = '' and src.rule_reporter is not null then
	                   format('national figure: the province-level reporters added up, as %s (%s, %s), the indicator''s '
	                          'national source, has sent no figure yet', src.rule_name_en, src.rule_name_zh,
	                          src.rule_reporter) end,
	              case when sc.not_added and sc.scope = '' then
	                   'not added up nationally (aggregation none): see the reporters'' own rows' end,
	              case when sc.not_added and sc.scope = '' then null
	                   when en.a_last is null and en.k_latest is not null then
	                        format('no complete period yet: %s has %s of %s province-level reporters',
	                               lp.code, en.latest_n_rep, en.latest_n_exp)
	                   when en.a_last is null then 'no value yet'
	                   when sc.method = 'trend' and tr.trend is null and ap.cut then null
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
	                          else '' end, l.code) end,
	              case when brk.moved then
	                   format('break in series at %s (status B): growth measured from %s, not across the break',
	                          kbp.code, coalesce(case when ix.fq then 'the 4 quarters to ' end || kup.code, kbp.code))
	                   when ap.cut then
	                   format('break in series at %s (status B): no trend across the break', kbp.code)
	                   when bk.kb is not null and sc.method = 'ratio' and sc.baseline_year is not null
	                        and bk.kb > 4 * (sc.baseline_year - 2015) then
	                   format('break in series at %s (status B): the value may not be comparable with the baseline',
	                          kbp.code) end,
	              case when en.a_last is not null
	                        and exists (select 1 from pg_temp.pr_flag fl
	                                     where fl.indicator = sc.indicator and (sc.scope = '' or fl.reporter = sc.scope)) then
	                   mestat.quality_note(nullif(sc.scope, ''), sc.indicator,
	                                       array(select kp.code from pg_temp.pr_kperiod kp
	                                              where kp.kind = sc.pkind
	                                                and (kp.k between en.k_last - case when ix.fq then 3 else 0 end
	                                                                 and en.k_last
	                                                     or (sc.method = 'direction' and sc.baseline_value is null
	                                                         and kp.k between b0.k0 - case when ix.fq then 3 else 0 end
	                                                                      and b0.k0))
	                                              order by kp.k)) end
	       ), ''),
	       case when sc.scope = '' and not sc.not_added then src.source end,
	       case when sc.scope = '' and not sc.not_added then src.source_reporter end,
	       ix.sort_key
	  from pg_temp.pr_scope sc
	  left join pg_temp.pr_src src on src.indicator = sc.indicator
	  left join pg_temp.pr_ends en on en.indicator = sc.indicator and en.scope = sc.scope
	  left join pg_temp.pr_kperiod l on l.k = en.k_last and l.kind = sc.pkind
	  left join pg_temp.pr_kperiod lp on lp.k = en.k_latest and lp.kind = sc.pkind
	  left join pg_temp.pr_kperiod tp on tp.k = en.k_last - 4 and tp.kind = sc.pkind
	  left join pg_temp.pr_missing ms on ms.indicator = sc.indicator and sc.scope = ''
	  cross join lateral (
		select i.measure = 'flow' and i.periodicity = 'quarterly' as fq, i.sort_key
		  from mestat.indicator i where i.code = sc.indicator
	  ) as ix
	  cross join lateral (
		-- Direction: growth from the base year (the target's baseline value,
		-- else the value reported for 2015), else from the first value.
		select coalesce(sc.baseline_value, case when sc.baseline_year = 2015 then en.a_base end, en.a_first) as a0,
		       case when sc.baseline_value is not null
		                 or (sc.baseline_year = 2015 and en.a_base is not null) then 4 * (sc.baseline_year - 2015)
		            else en.k_first end as k0,
		       sc.baseline_value is null and not (sc.baseline_year = 2015 and en.a_base is not null) as from_first
	  ) as b00
	  cross join lateral (
		-- The latest break in series (status B) up to the period assessed (kb)
		-- and the first value wholly after it (ku: for a quarterly flow the
		-- first 4-quarter sum that starts at the break or later).
		select max(b.k) as kb, max(b.k) + case when ix.fq then 3 else 0 end as ku
		  from pg_temp.pr_brk b
		 where b.indicator = sc.indicator and b.scope = sc.scope and b.k <= en.k_last
	  ) as bk
	  cross join lateral (
		-- Growth is never measured across a break: a direction row whose base
		-- lies before it grows from the value at ku instead.
		select coalesce(sc.method = 'direction' and bk.ku > coalesce(b00.k0, -1), false) as moved,
		       case when bk.ku is null then null
		            when sc.scope = '' then
		            (select n.a from pg_temp.pr_nat n where n.indicator = sc.indicator and n.k = bk.ku and not n.partial)
		       else (select case when ix.fq then v.sum4 else v.v end
		               from pg_temp.pr_val v
		              where v.reporter = sc.scope and v.indicator = sc.indicator and v.k = bk.ku
		                and (length(v.period) = 6) = (sc.pkind = 'quarter')) end as a
	  ) as brk
	  cross join lateral (
		select case when brk.moved then brk.a else b00.a0 end as a0,
		       case when not brk.moved then b00.k0 when brk.a is not null then bk.ku end as k0,
		       b00.from_first and not brk.moved as from_first
	  ) as b0
	  left join pg_temp.pr_kperiod f on f.k = b0.k0 and f.kind = sc.pkind
	  left join pg_temp.pr_kperiod kbp on kbp.k = bk.kb and kbp.kind = sc.pkind
	  left join pg_temp.pr_kperiod kup on kup.k = bk.ku and kup.kind = sc.pkind
	  cross join lateral (
		-- The value four quarters before, for the trend: none across a break.
		select case when bk.ku > en.k_last - 4 then null else en.a_prev end as a_prev,
		       bk.ku > en.k_last - 4 and en.a_prev is not null as cut
	  ) as ap
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
		       case when ap.a_prev is null or en.a_last is null then null
		            when x.g is null then case sign(en.a_last - ap.a_prev) when 1 then 'rising' when -1 then 'falling'
		                                  else 'stable' end
		            when x.g >= band then 'rising'
		            when x.g <= -band then 'falling'
		            else 'stable' end as trend
		  from (select case when ap.a_prev <> 0 then (en.a_last - ap.a_prev) / abs(ap.a_prev) end as g) as x
	  ) as tr;
	get diagnostics n_details = row_count;

	-- 6. Completeness and timeliness per reporter and period that has ended,
	--    from 2016 (2015 is the base year: values may come, none are expected).
	delete from mestat.reporting_status s
	 where not p_partial or (s.reporter, s.period) in (select rp.reporter, rp.period from pg_temp.pr_only_rp rp);
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
		  join mestat.reporter r on r.code = v.reporter
		 where p.end_date < today and p.year >= 2016 and i.active
		   and (i.scope = 'national_only') = (r.kind = 'ministry')
		 group by v.reporter, v.period
	)
	select r.code as reporter, p.code as period, en.n as expected, coalesce(g.received, 0) as received,
	       coalesce(g.on_time, 0) as on_time, en.codes
	  from mestat.reporter r
	  cross join mestat.period p
	  join exp_n en on en.for_ministry = (r.kind = 'ministry') and en.period_kind = p.kind
	  left join got g on g.reporter = r.code and g.period = p.code
	 where r.active and r.kind <> 'department' and p.end_date < today and p.year >= 2016
	   and (not p_partial or (r.code, p.code) in (select rp.reporter, rp.period from pg_temp.pr_only_rp rp));
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
	   set as_of_period = (select max(v.period) from pg_temp.pr_val v where v.period like '____Q_')
	 where id = snap and (not p_partial or as_of_period is null
	                      or as_of_period < (select max(v.period) from pg_temp.pr_val v where v.period like '____Q_'));
	return n_details;
end
$$;

comment on function mestat.progress_assess(bigint, boolean) is
	'The assessment of mestat.recompute_progress() (p_partial false: everything) and of '
	'mestat.recompute_progress_incremental() (p_partial true: the rows and reports named in pg_temp.pr_only_ind, '
	'pr_only_pair and pr_only_rp, reading the series of pr_need_ind). Writes the rows of snapshot SNAP into '
	'mestat.progress_snapshot_detail and replaces the rows of mestat.reporting_status it covers; returns how many '
	'detail rows it wrote. Method 2: docs/method.md. Called only by those two functions.';
