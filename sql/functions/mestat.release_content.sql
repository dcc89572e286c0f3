-- mestat.release_content: the current definition of this function.
-- First created in 019_release.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.release_content(p_period text, p_reason text default null, p_now timestamptz default now())
returns jsonb
language plpgsql stable
security definer
set search_path = mestat, pg_temp
as $$
declare
	prev mestat.release;
	prev_doc jsonb;
	cal record;
	doc jsonb;
	progress jsonb;
	overdue jsonb;
	since timestamptz;
	p_start date;
	n_rev integer;
begin
	select * into cal from mestat.release_calendar_at(p_now) c where c.period = p_period;
	if not found then
		raise exception 'release_content: "%" is not a quarter (e.g. 2018Q3)', p_period using errcode = '22023';
	end if;
	select * into prev from mestat.release order by id desc limit 1;
	prev_doc := case when prev.id is not null then prev.body::jsonb end;
	since := coalesce(prev.published_at, '-infinity');
	select start_date into p_start from mestat.period where code = p_period;

	select coalesce(jsonb_agg(to_jsonb(p) order by p.indicator), '[]') into progress from report.progress p;
	select coalesce(jsonb_agg(to_jsonb(o) order by o.reporter, o.period), '[]') into overdue from report.overdue o;
	select count(*) into n_rev from mestat.release where period = p_period;

	doc := jsonb_build_object(
		'format', 'mestat-release/1',
		'title_zh', format('现代服务业科技创新"十三五"专项规划监测评估 %s 发布', p_period),
		'title_en', format('Modern Service Industry S&T Innovation Plan: monitoring release %s', p_period),
		'period', p_period,
		'revision', n_rev + 1,
		'reason', p_reason,
		'published_at', to_char(p_now at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
		'due_date', cal.due_date,
		'release_date', cal.release_date,
		'release_time', to_char(cal.release_time at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
		'previous_sha256', prev.sha256,
		'previous', case when prev.id is not null then
			jsonb_build_object('period', prev.period, 'revision', prev.revision, 'sha256', prev.sha256,
			                   'published_at', prev_doc->'published_at') end,
		'snapshot', (select jsonb_build_object('id', s.id, 'taken_at', s.taken_at, 'as_of_period', s.as_of_period)
		               from mestat.progress_snapshot s order by s.id desc limit 1),
		'progress', progress,
		'progress_by_reporter', (select coalesce(jsonb_agg(jsonb_strip_nulls(to_jsonb(p)) order by p.indicator, p.reporter), '[]')
		                           from report.progress_by_reporter p),
		'completeness', (select coalesce(jsonb_agg(to_jsonb(c) order by c.reporter), '[]')
		                   from report.completeness c where c.period = p_period),
		'timeliness', (select coalesce(jsonb_agg(to_jsonb(t) order by t.reporter), '[]')
		                 from report.timeliness t where t.period = p_period),
		'overdue', overdue,
		'targets', (select coalesce(jsonb_agg(to_jsonb(t) order by t.indicator, t.scope nulls first), '[]')
		              from mestat.target t
		             where t.id in (select ct.id from mestat.current_target ct)),
		'target_revisions', (
			select coalesce(jsonb_agg(jsonb_build_object(
				'indicator', pr->>'indicator',
				'indicator_name_zh', pr->>'indicator_name_zh',
				'indicator_name_en', pr->>'indicator_name_en',
				'period', pr->>'period',
				'actual_value', pr->'actual_value',
				'original', jsonb_build_object('target_id', o.id, 'kind', o.kind, 'target_value', o.target_value,
				                               'target_upper', o.target_upper, 'effective_from', o.effective_from,
				                               'class', mestat.class_under_target(o.id, (pr->>'actual_value')::numeric,
				                                                                  pr->>'period')),
				'revised', jsonb_build_object('target_id', ct.id, 'kind', ct.kind, 'target_value', ct.target_value,
				                              'target_upper', ct.target_upper, 'effective_from', ct.effective_from,
				                              'class', pr->>'class'))
				order by ct.indicator), '[]')
			  from mestat.current_target ct
			  join lateral (select t.* from mestat.target t
			                 where t.indicator = ct.indicator and t.scope is null
			                 order by t.effective_from, t.id limit 1) as o on o.id <> ct.id
			  join lateral jsonb_array_elements(progress) as pr on pr->>'indicator' = ct.indicator
			 where ct.scope is null),
		'what_it_takes', (
			select coalesce(jsonb_agg(jsonb_build_object(
				'indicator', pr->>'indicator',
				'indicator_name_zh', pr->>'indicator_name_zh',
				'indicator_name_en', pr->>'indicator_name_en',
				'class', pr->>'class',
				'period', pr->>'period',
				'actual_value', pr->'actual_value',
				'target_value', pr->'target_value',
				'target_year', t.target_year,
				'quarters_left', w.q,
				'quarterly_growth_needed', case when w.q > 0 and w.a > 0 and w.t > 0
				                                then round((power(w.t::float8 / w.a::float8, 1.0 / w.q) - 1)::numeric, 6) end,
				'annual_growth_needed', case when w.q > 0 and w.a > 0 and w.t > 0
				                             then round((power(w.t::float8 / w.a::float8, 4.0 / w.q) - 1)::numeric, 6) end,
				'note', case when w.q <= 0 then 'the target date has passed'
				             when not (w.a > 0 and w.t > 0) then 'growth needs positive values' end)
				order by pr->>'indicator'), '[]')
			  from jsonb_array_elements(progress) as pr
			  join mestat.target t on t.id = (pr->>'target_id')::bigint
			  cross join lateral (select (pr->>'actual_value')::numeric as a,
			                             coalesce((pr->>'target_value')::numeric, t.target_value) as t,
			                             4 * (t.target_year - 2015) - mestat.period_k(pr->>'period') as q) as w
			 where pr->>'class' in ('off_track', 'at_risk', 'moving_away') and t.kind <> 'direction'
			   and pr->>'period' is not null),
		'changes', jsonb_build_object(
			'since', case when prev.id is not null then
				jsonb_build_object('period', prev.period, 'revision', prev.revision) end,
			'classes', (
				select coalesce(jsonb_agg(jsonb_build_object(
					'indicator', n->>'indicator',
					'indicator_name_zh', n->>'indicator_name_zh',
					'indicator_name_en', n->>'indicator_name_en',
					'from', o->>'class', 'to', n->>'class',
					'from_value', o->'actual_value', 'to_value', n->'actual_value',
					'from_period', o->>'period', 'to_period', n->>'period') order by n->>'indicator'), '[]')
				  from jsonb_array_elements(progress) as n
				  join jsonb_array_elements(coalesce(prev_doc->'progress', '[]')) as o
				    on o->>'indicator' = n->>'indicator'
				 where o->>'class' is distinct from n->>'class'),
			'revisions', (
				with rv as (
					select o.indicator, o.reporter, o.period, o.value as new_value, pv.value as old_value,
					       o.recorded_at, s.client_identity, s.via
					  from mestat.observation o
					  join mestat.period p on p.code = o.period
					  join mestat.submission s on s.id = o.submission
					  cross join lateral (select x.value from mestat.observation x
					                       where x.reporter = o.reporter and x.indicator = o.indicator
					                         and x.period = o.period and x.id < o.id
					                       order by x.id desc limit 1) as pv
					 where o.recorded_at > since and o.recorded_at <= p_now and p.start_date < p_start
				)
				select jsonb_build_object(
					'count', (select count(*) from rv),
					'by_reporter', (select coalesce(jsonb_agg(jsonb_build_object('reporter', x.reporter,
					                    'reporter_name_zh', r.name_zh, 'reporter_name_en', r.name_en, 'count', x.n)
					                    order by x.n desc, x.reporter), '[]')
					                  from (select reporter, count(*) as n from rv group by reporter) as x
					                  join mestat.reporter r on r.code = x.reporter),
					'largest', (select coalesce(jsonb_agg(to_jsonb(y) order by y.rank), '[]')
					              from (select rv.indicator, rv.reporter, rv.period, rv.old_value, rv.new_value,
					                           rv.new_value - rv.old_value as change,
					                           case when rv.old_value <> 0 then
					                                round((rv.new_value - rv.old_value) / abs(rv.old_value), 6) end
					                             as relative_change,
					                           rv.recorded_at, rv.client_identity, rv.via,
					                           row_number() over (order by abs(coalesce((rv.new_value - rv.old_value)
					                                              / nullif(abs(rv.old_value), 0), 1e9)) desc,
					                                              rv.indicator, rv.reporter, rv.period) as rank
					                      from rv) as y
					             where y.rank <= 10))),
			'reporting', jsonb_build_object(
				'caught_up', (
					select coalesce(jsonb_agg(jsonb_build_object('reporter', x.reporter, 'reporter_name_zh', r.name_zh,
					                   'reporter_name_en', r.name_en, 'periods', x.periods) order by x.reporter), '[]')
					  from (select o->>'reporter' as reporter, jsonb_agg(o->>'period' order by o->>'period') as periods
					          from jsonb_array_elements(coalesce(prev_doc->'overdue', '[]')) as o
					         where not exists (select 1 from jsonb_array_elements(overdue) as n
					                            where n->>'reporter' = o->>'reporter' and n->>'period' = o->>'period')
					         group by o->>'reporter') as x
					  join mestat.reporter r on r.code = x.reporter),
				'fell_behind', (
					select coalesce(jsonb_agg(jsonb_build_object('reporter', x.reporter, 'reporter_name_zh', r.name_zh,
					                   'reporter_name_en', r.name_en, 'periods', x.periods) order by x.reporter), '[]')
					  from (select n->>'reporter' as reporter, jsonb_agg(n->>'period' order by n->>'period') as periods
					          from jsonb_array_elements(overdue) as n
					         where prev_doc is not null
					           and not exists (select 1 from jsonb_array_elements(prev_doc->'overdue') as o
					                            where o->>'reporter' = n->>'reporter' and o->>'period' = n->>'period')
					         group by n->>'reporter') as x
					  join mestat.reporter r on r.code = x.reporter))));
	return doc;
end
$$;

comment on function mestat.release_content(text, text, timestamptz) is
	'The release document of quarter P_PERIOD as it would be published at P_NOW (default now): every row of '
	'report.progress and report.progress_by_reporter, the quarter''s completeness and timeliness, report.overdue, the '
	'target versions in force, what changed since the previous release (classes, revisions of earlier periods, '
	'reporting caught up or fallen behind), revised targets side by side with the original, and the growth each '
	'off-track or at-risk target needs. mestatd adds the signing key and signs it; evaluators read it as the preview.';
