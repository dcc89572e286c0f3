-- 019_release.sql: the quarterly release (clause 十(三) "定期发布"): its
-- calendar, the immutable signed record, the requests of the plan office and
-- the functions mestatd calls to build, sign and chain a release.
--
-- How a release is made:
--   1. mestat.release_due(now) names the next quarter to publish: one whose
--      release time has come (calendar) or one the plan office asked for
--      (mestat.publish_release).
--   2. mestat.release_content(period) builds the document from the report
--      views (to_jsonb of each row, so new columns flow in by themselves).
--   3. mestatd canonicalizes it (compact, keys sorted), hashes it (SHA-256)
--      and signs the canonical bytes with its receipt key (Ed25519).
--   4. mestat.record_release() stores the bytes, checking under a lock that
--      the document names the current head of the chain as its predecessor.
-- A release is never changed afterwards: a correction is a new revision.
--
-- Times: a quarter's release date is a date in Beijing (Asia/Shanghai); its
-- release time is 09:30 Beijing time on that date. Every function that
-- depends on the clock takes it as a parameter defaulting to now(), so the
-- calendar can be examined (and tested) at any moment.

set local role mestat_owner;

------------------------------------------------------------------------------
-- Calendar

insert into mestat.setting (name, value) values ('release_days', '15'), ('release_calendar_start', now()::text)
on conflict (name) do nothing;

create table mestat.release_date (
	period text primary key references mestat.period (code),
	release_date date not null,
	set_at timestamptz not null default now(),
	set_by text not null default session_user
);
comment on table mestat.release_date is
	'Release dates the plan office set for single quarters (mestat.set_release_date), overriding due date + release_days.';
comment on column mestat.release_date.period is 'The quarter.';
comment on column mestat.release_date.release_date is 'Its release date (Beijing).';
comment on column mestat.release_date.set_at is 'When the date was set.';
comment on column mestat.release_date.set_by is 'Database login that set it.';

create function mestat.release_time(p_date date) returns timestamptz
language sql immutable
as $$ select (p_date + time '09:30') at time zone 'Asia/Shanghai' $$;
comment on function mestat.release_time(date) is 'The release time of a release date: 09:30 Beijing time (Asia/Shanghai) that day.';

create function mestat.set_release_days(p_days integer) returns boolean
language plpgsql
security definer
set search_path = mestat, pg_temp
as $$
begin
	if p_days is null or p_days < 0 or p_days > 366 then
		raise exception 'release_days must be a number of days from 0 to 366, got %', p_days using errcode = '22023';
	end if;
	insert into mestat.setting as s (name, value) values ('release_days', p_days::text)
	on conflict (name) do update
		set value = excluded.value, updated_at = now(), updated_by = session_user
		where s.value is distinct from excluded.value;
	return found;
end
$$;
comment on function mestat.set_release_days(integer) is
	'mestatd at start and reload (its release_days setting): a quarter is released that many days after its due date, '
	'unless mestat.set_release_date() set its date. SECURITY DEFINER.';

create function mestat.set_release_date(p_period text, p_date date) returns date
language plpgsql
security definer
set search_path = mestat, pg_temp
as $$
begin
	if not exists (select 1 from mestat.period where code = p_period and kind = 'quarter') then
		raise exception 'set_release_date: "%" is not a quarter (e.g. 2018Q3)', p_period using errcode = '22023';
	end if;
	if exists (select 1 from mestat.release where period = p_period) then
		raise exception 'set_release_date: % is already published; publish a correction instead', p_period
			using errcode = '55000';
	end if;
	if p_date is null then
		delete from mestat.release_date where period = p_period;
	else
		insert into mestat.release_date as d (period, release_date) values (p_period, p_date)
		on conflict (period) do update set release_date = excluded.release_date, set_at = now(), set_by = session_user;
	end if;
	return p_date;
end
$$;
comment on function mestat.set_release_date(text, date) is
	'Plan office: set the release date (Beijing) of one quarter not yet published; NULL returns it to due date + '
	'release_days.';

create function mestat.start_release_calendar(p_from timestamptz) returns timestamptz
language sql
security definer
set search_path = mestat, pg_temp
as $$
	insert into mestat.setting as s (name, value) values ('release_calendar_start', p_from::text)
	on conflict (name) do update set value = excluded.value, updated_at = now(), updated_by = session_user
	returning value::timestamptz
$$;
comment on function mestat.start_release_calendar(timestamptz) is
	'Plan office: mestatd publishes by itself every quarter whose release time is at or after P_FROM (set to the '
	'installation time by the migration, so older quarters are published only when asked for with publish_release).';

------------------------------------------------------------------------------
-- The release record

create table mestat.release (
	id bigint generated always as identity primary key,
	period text not null references mestat.period (code),
	revision integer not null check (revision >= 1),
	body text not null,
	sha256 text not null unique check (sha256 ~ '^[0-9a-f]{64}$'),
	previous_sha256 text check (previous_sha256 ~ '^[0-9a-f]{64}$'),
	signature text not null,
	key_fingerprint text not null check (key_fingerprint ~ '^[0-9a-f]{64}$'),
	public_key text not null,
	published_at timestamptz not null,
	reason text,
	request bigint,
	recorded_by text not null default session_user,
	unique (period, revision),
	unique nulls not distinct (previous_sha256),
	check ((revision = 1) or reason is not null)
);
comment on table mestat.release is
	'Published releases, append-only: each the canonical JSON of the assessment as signed (body), its SHA-256, the '
	'SHA-256 of the release before it (a hash chain, NULL only for the first) and the Ed25519 signature of body with the '
	'receipt key. Nothing here is ever updated or deleted (mestatd has no privilege to; a trigger refuses it): a '
	'correction is a new revision of the same quarter.';
comment on column mestat.release.id is 'Position in the chain (increasing).';
comment on column mestat.release.period is 'The quarter the release is for.';
comment on column mestat.release.revision is '1 for the first release of the quarter; 2, 3 … for corrections.';
comment on column mestat.release.body is
	'The signed bytes: the release document as canonical JSON (UTF-8, no whitespace, object keys sorted by their '
	'UTF-8 bytes, numbers as jansson prints them with 15 significant digits). Served as is by GET /api/v1/releases/{period}.';
comment on column mestat.release.sha256 is 'SHA-256 of body (lower-case hex).';
comment on column mestat.release.previous_sha256 is
	'sha256 of the release before this one in the chain (also inside body as previous_sha256); NULL for the first.';
comment on column mestat.release.signature is 'Ed25519 signature of body, base64 (verify with openssl pkeyutl -rawin).';
comment on column mestat.release.key_fingerprint is 'SHA-256 of the signing public key (DER SubjectPublicKeyInfo), hex.';
comment on column mestat.release.public_key is 'The signing public key (PEM), so a release stays verifiable after a key change.';
comment on column mestat.release.published_at is 'When the release was published (as written in body).';
comment on column mestat.release.reason is 'Why a correction was published (NULL for a first release unless given).';
comment on column mestat.release.request is 'The publish request it answers (mestat.release_request.id), NULL when published by the calendar.';
comment on column mestat.release.recorded_by is 'Database login that stored it (mestatd).';

create trigger release_keeps_history before update or delete on mestat.release
	for each row execute function mestat.refuse_history_change();
create trigger release_keeps_history_truncate before truncate on mestat.release
	for each statement execute function mestat.refuse_history_change();

create table mestat.release_request (
	id bigint generated always as identity primary key,
	period text not null references mestat.period (code),
	reason text,
	requested_at timestamptz not null default now(),
	requested_by text not null default session_user,
	release bigint references mestat.release (id),
	done_at timestamptz
);
comment on table mestat.release_request is
	'Publications the plan office asked for (mestat.publish_release): early releases and corrections. mestatd publishes '
	'them on its next round and records the release here.';
comment on column mestat.release_request.id is 'Request number.';
comment on column mestat.release_request.period is 'The quarter to publish.';
comment on column mestat.release_request.reason is 'Reason of a correction.';
comment on column mestat.release_request.requested_at is 'When it was asked for.';
comment on column mestat.release_request.requested_by is 'Database login that asked.';
comment on column mestat.release_request.release is 'The release that answered it.';
comment on column mestat.release_request.done_at is 'When it was answered.';

------------------------------------------------------------------------------
-- Calendar as of any moment

create function mestat.release_calendar_at(p_now timestamptz default now())
returns table (period text, due_date date, release_date date, release_time timestamptz, status text,
               revision integer, published_at timestamptz, due_for_publication boolean)
language sql stable
security definer
set search_path = mestat, pg_temp
as $$
	select p.code, p.due_date, rd.d, mestat.release_time(rd.d),
	       case when r.revision is not null then 'published'
	            when p.end_date < (p_now at time zone 'Asia/Shanghai')::date then 'preview'
	            else 'planned' end,
	       r.revision, r.published_at,
	       r.revision is null and mestat.release_time(rd.d) <= p_now
	  from mestat.period p
	  cross join lateral (select coalesce((select d.release_date from mestat.release_date d where d.period = p.code),
	                                      p.due_date + coalesce((select s.value::integer from mestat.setting s
	                                                              where s.name = 'release_days'), 15)) as d) as rd
	  left join lateral (select x.revision, x.published_at from mestat.release x
	                      where x.period = p.code and x.published_at <= p_now
	                      order by x.revision desc limit 1) as r on true
	 where p.kind = 'quarter'
$$;
comment on function mestat.release_calendar_at(timestamptz) is
	'The release calendar as it stands at P_NOW (default now): per quarter its due date, release date (due date + '
	'release_days, or as set), release time (09:30 Beijing), and status: planned (the quarter has not ended in Beijing), '
	'preview (ended, not yet published: evaluators see it live), published.';

create function mestat.release_due(p_now timestamptz default now())
returns table (period text, reason text, request bigint)
language sql stable
security definer
set search_path = mestat, pg_temp
as $$
	select x.period, x.reason, x.request
	  from (select q.id as request, q.period, q.reason, q.requested_at as at
	          from mestat.release_request q
	         where q.done_at is null
	        union all
	        select null, c.period, null, c.release_time
	          from mestat.release_calendar_at(p_now) c
	         where c.due_for_publication
	           and c.release_time >= (select s.value::timestamptz from mestat.setting s
	                                   where s.name = 'release_calendar_start')
	           and not exists (select 1 from mestat.release_request q where q.period = c.period and q.done_at is null)
	       ) as x
	 order by x.at, x.period
	 limit 1
$$;
comment on function mestat.release_due(timestamptz) is
	'mestatd: the next release to publish at P_NOW, if any: the oldest open request of the plan office or the earliest '
	'quarter whose release time has come (and is not before the release calendar start).';

create function mestat.publish_release(p_period text, p_reason text default null) returns bigint
language plpgsql
security definer
set search_path = mestat, pg_temp
as $$
declare
	id bigint;
begin
	if not exists (select 1 from mestat.period where code = p_period and kind = 'quarter') then
		raise exception 'publish_release: "%" is not a quarter (e.g. 2018Q3)', p_period using errcode = '22023';
	end if;
	if exists (select 1 from mestat.release where period = p_period) and coalesce(btrim(p_reason), '') = '' then
		raise exception 'publish_release: % is already published; a correction needs a reason (second argument)', p_period
			using errcode = '22023';
	end if;
	if exists (select 1 from mestat.release_request q where q.period = p_period and q.done_at is null) then
		raise exception 'publish_release: % is already waiting to be published (mestat.release_request)', p_period
			using errcode = '55000';
	end if;
	insert into mestat.release_request (period, reason) values (p_period, nullif(btrim(p_reason), ''))
	returning release_request.id into id;
	perform pg_notify('mestat_release', p_period);
	return id;
end
$$;
comment on function mestat.publish_release(text, text) is
	'Plan office: ask mestatd to publish the quarter now (before its release date), or, with a reason, to publish a '
	'correction of a quarter already published (revision 2, 3 …). mestatd signs it on its next round (within seconds). '
	'Returns the request number (mestat.release_request).';

------------------------------------------------------------------------------
-- Building blocks of the content

-- Quarter index k as in mestat.recompute_progress(): 2016Q1 = 1, year Y = 4(Y-2015).
create function mestat.period_k(p_code text) returns integer
language sql immutable
as $$
	select 4 * (substr(p_code, 1, 4)::integer - 2015)
	       + case when length(p_code) = 6 then substr(p_code, 6, 1)::integer else 4 end - 4
$$;
comment on function mestat.period_k(text) is 'Quarter index of a period code: 2016Q1 = 1, 2016 (year) = 4, 2020Q4 = 20.';

create function mestat.class_under_target(p_target bigint, p_actual numeric, p_period text) returns text
language sql stable
set search_path = mestat, pg_temp
as $$
	select case when p_actual is null or p_period is null then 'insufficient_data'
	            when t.kind = 'direction' then null
	            when a.kl < 4 then 'insufficient_data'
	            when case when t.kind = 'range' then p_actual between t.target_value and t.target_upper
	                      when t.kind = 'at_least' then p_actual >= t.target_value
	                      else (p_actual - t.target_value) * a.sgn >= 0 end then 'achieved'
	            else (select c.class from mestat.class_threshold c
	                   where c.method = 'ratio'
	                     and (c.lower_bound is null
	                          or c.lower_bound <= coalesce(case when e.e <> t.baseline_value
	                                                            then (p_actual - t.baseline_value) / (e.e - t.baseline_value) end,
	                                                       case when (p_actual - t.baseline_value) * a.sgn >= 0 then 1 else -1 end))
	                   order by c.lower_bound desc nulls last limit 1) end
	  from mestat.target t
	  join mestat.indicator i on i.code = t.indicator
	  cross join lateral (
		select mestat.period_k(p_period) - 4 * (t.baseline_year - 2015) as kl,
		       case when t.kind = 'range' and t.baseline_value >= t.target_upper then t.target_upper
		            else t.target_value end as aim,
		       case when t.kind = 'range' and t.baseline_value >= t.target_upper then -1
		            when t.target_value > t.baseline_value then 1
		            when t.target_value < t.baseline_value then -1
		            when i.direction = 'increase' then 1 else -1 end as sgn) as a
	  cross join lateral (
		select case when t.path = 'geometric' then
		            (t.baseline_value::float8 * power(a.aim::float8 / t.baseline_value::float8,
		             least(a.kl::float8 / (4 * (t.target_year - t.baseline_year)), 1)))::numeric
		       else t.baseline_value + (a.aim - t.baseline_value)
		            * least(a.kl::numeric / (4 * (t.target_year - t.baseline_year)), 1) end as e) as e
	 where t.id = p_target
$$;
comment on function mestat.class_under_target(bigint, numeric, text) is
	'The class the value P_ACTUAL at period P_PERIOD would have against target version P_TARGET, by the ratio method '
	'of docs/method.md (expected path, thresholds of mestat.class_threshold). NULL for a direction target. Used to show '
	'a revised target''s assessment beside the original''s.';

create function mestat.release_content(p_period text, p_reason text default null, p_now timestamptz default now())
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

create function mestat.record_release(p_period text, p_body text, p_signature text, p_key_fingerprint text,
                                      p_public_key text, p_request bigint default null) returns bigint
language plpgsql
security definer
set search_path = mestat, pg_temp
as $$
declare
	doc jsonb := p_body::jsonb;
	head mestat.release;
	rev integer;
	new_id bigint;
begin
	-- One release at a time: the chain head read here stays the head until commit.
	perform pg_advisory_xact_lock(1835365236, 19);
	select * into head from mestat.release order by id desc limit 1;
	select coalesce(max(revision), 0) + 1 into rev from mestat.release where period = p_period;
	if doc->>'period' is distinct from p_period or (doc->>'revision')::integer is distinct from rev then
		raise exception 'record_release: the document is for % revision %, expected % revision %',
			doc->>'period', doc->>'revision', p_period, rev using errcode = '40001';
	end if;
	if doc->>'previous_sha256' is distinct from head.sha256 then
		raise exception 'record_release: the document follows %, but the chain ends at %',
			coalesce(doc->>'previous_sha256', 'nothing'), coalesce(head.sha256, 'nothing') using errcode = '40001';
	end if;
	insert into mestat.release (period, revision, body, sha256, previous_sha256, signature, key_fingerprint, public_key,
	                            published_at, reason, request)
	values (p_period, rev, p_body, encode(sha256(convert_to(p_body, 'UTF8')), 'hex'), head.sha256, p_signature,
	        p_key_fingerprint, p_public_key, (doc->>'published_at')::timestamptz, doc->>'reason', p_request)
	returning id into new_id;
	if p_request is not null then
		update mestat.release_request set release = new_id, done_at = now() where id = p_request;
	end if;
	return new_id;
end
$$;
comment on function mestat.record_release(text, text, text, text, text, bigint) is
	'mestatd: store a signed release (P_BODY: the canonical JSON it signed). Refuses (SQLSTATE 40001) a document whose '
	'period, revision or previous_sha256 is not the next link of the chain, so two daemons cannot both publish.';

create function mestat.verify_releases()
returns table (id bigint, period text, revision integer, sha256_ok boolean, chain_ok boolean, document_ok boolean)
language sql stable
security definer
set search_path = mestat, pg_temp
as $$
	select r.id, r.period, r.revision,
	       encode(sha256(convert_to(r.body, 'UTF8')), 'hex') = r.sha256,
	       r.previous_sha256 is not distinct from lag(r.sha256) over w,
	       (r.body::jsonb->>'previous_sha256') is not distinct from r.previous_sha256
	       and r.body::jsonb->>'period' = r.period and (r.body::jsonb->>'revision')::integer = r.revision
	  from mestat.release r
	window w as (order by r.id)
	 order by r.id
$$;
comment on function mestat.verify_releases() is
	'Check every stored release: its body hashes to its sha256, it links to the release before it, and the document '
	'says the same period, revision and predecessor as the row. The signatures are checked with openssl (README).';

------------------------------------------------------------------------------
-- What evaluators read

create view report.release_calendar as
select c.period, c.due_date, c.release_date, c.release_time, c.status, c.revision, c.published_at,
       c.due_for_publication
  from mestat.release_calendar_at(now()) c;
comment on view report.release_calendar is
	'The release calendar: per quarter its due date, release date (due date + release_days unless the plan office set '
	'it), release time (09:30 Beijing time) and status (planned, preview, published), with the latest revision.';

create view report.releases as
select r.id, r.period, r.revision, r.published_at, r.reason, r.sha256, r.previous_sha256, r.signature,
       r.key_fingerprint, r.public_key,
       exists (select 1 from mestat.release n where n.period = r.period and n.revision > r.revision) as superseded,
       (r.body::jsonb->>'release_date')::date as release_date,
       r.body
  from mestat.release r;
comment on view report.releases is
	'Every published release in chain order: hashes, signature and the signed canonical JSON (body); superseded when a '
	'later revision of the same quarter exists.';

create view report.release_items as
select r.period, r.revision, x.section, x.item->>'indicator' as indicator, x.item->>'reporter' as reporter,
       coalesce(x.item->>'class', x.item->>'to') as class, x.item
  from mestat.release r
  cross join lateral (
	select 'progress' as section, e as item from jsonb_array_elements(r.body::jsonb->'progress') as e
	union all select 'progress_by_reporter', e from jsonb_array_elements(r.body::jsonb->'progress_by_reporter') as e
	union all select 'class_change', e from jsonb_array_elements(r.body::jsonb->'changes'->'classes') as e
	union all select 'target_revision', e from jsonb_array_elements(r.body::jsonb->'target_revisions') as e
	union all select 'what_it_takes', e from jsonb_array_elements(r.body::jsonb->'what_it_takes') as e
	union all select 'overdue', e from jsonb_array_elements(r.body::jsonb->'overdue') as e) as x;
comment on view report.release_items is
	'The rows of each release, one per item: section progress (national), progress_by_reporter, class_change, '
	'target_revision, what_it_takes, overdue; item is the row as published.';

create view report.release_preview as
select c.period, mestat.release_content(c.period) as content
  from mestat.release_calendar_at(now()) c
 where c.status = 'preview'
   and c.period = (select max(x.period) from mestat.release_calendar_at(now()) x where x.status = 'preview');
comment on view report.release_preview is
	'The upcoming release as it would be published now (computed when read, not stored, unsigned): for evaluators and '
	'the plan office only.';

comment on column report.release_calendar.period is 'The quarter (e.g. 2020Q4).';
comment on column report.release_calendar.due_date is 'Last day its reports are on time.';
comment on column report.release_calendar.release_date is 'Its release date (Beijing): due date + release_days, unless set with mestat.set_release_date().';
comment on column report.release_calendar.release_time is 'When it is published: 09:30 Beijing time on the release date.';
comment on column report.release_calendar.status is 'planned (the quarter has not ended in Beijing), preview (ended, not yet published), published.';
comment on column report.release_calendar.revision is 'Latest published revision; NULL before publication.';
comment on column report.release_calendar.published_at is 'When that revision was published.';
comment on column report.release_calendar.due_for_publication is 'True when the release time has passed and nothing is published yet (mestatd publishes within seconds).';
comment on column report.releases.id is 'Position in the chain.';
comment on column report.releases.period is 'The quarter.';
comment on column report.releases.revision is '1, or 2, 3 … for corrections.';
comment on column report.releases.published_at is 'When it was published.';
comment on column report.releases.reason is 'Why a correction was published.';
comment on column report.releases.sha256 is 'SHA-256 of body (hex).';
comment on column report.releases.previous_sha256 is 'sha256 of the release before it; NULL for the first.';
comment on column report.releases.signature is 'Ed25519 signature of body with the receipt key, base64.';
comment on column report.releases.key_fingerprint is 'SHA-256 of the signing public key (DER), hex.';
comment on column report.releases.public_key is 'The signing public key (PEM).';
comment on column report.releases.superseded is 'True when a later revision of the same quarter exists.';
comment on column report.releases.release_date is 'The calendar release date it was published for.';
comment on column report.releases.body is 'The signed canonical JSON, byte for byte.';
comment on column report.release_items.period is 'The quarter of the release.';
comment on column report.release_items.revision is 'The revision of the release.';
comment on column report.release_items.section is 'progress, progress_by_reporter, class_change, target_revision, what_it_takes or overdue.';
comment on column report.release_items.indicator is 'Indicator code of the item, if any.';
comment on column report.release_items.reporter is 'Reporter code of the item, if any (NULL for national rows).';
comment on column report.release_items.class is 'The class the item states (for a class change: the new class).';
comment on column report.release_items.item is 'The item as published (JSON).';
comment on column report.release_preview.period is 'The latest quarter that has ended and is not published.';
comment on column report.release_preview.content is 'Its release document as it would be published now (unsigned).';

create view report.release_verification as
select v.id, v.period, v.revision, v.sha256_ok, v.chain_ok, v.document_ok from mestat.verify_releases() v;
comment on view report.release_verification is
	'Every stored release checked: body hashes to sha256, previous_sha256 is the sha256 of the release before it, the '
	'document names the same period, revision and predecessor. The signatures are checked with openssl (README).';
comment on column report.release_verification.id is 'Position in the chain.';
comment on column report.release_verification.period is 'The quarter.';
comment on column report.release_verification.revision is 'The revision.';
comment on column report.release_verification.sha256_ok is 'The body hashes to the stored sha256.';
comment on column report.release_verification.chain_ok is 'previous_sha256 is the sha256 of the release before it.';
comment on column report.release_verification.document_ok is 'The signed document says the same period, revision and predecessor.';

------------------------------------------------------------------------------
-- Rights

revoke all on mestat.release, mestat.release_request, mestat.release_date from public;
grant select on mestat.release to mestat_daemon;
grant execute on function mestat.set_release_days(integer), mestat.release_due(timestamptz),
	mestat.release_content(text, text, timestamptz),
	mestat.record_release(text, text, text, text, text, bigint),
	mestat.release_calendar_at(timestamptz) to mestat_daemon;
grant execute on function mestat.release_calendar_at(timestamptz), mestat.release_content(text, text, timestamptz),
	mestat.verify_releases() to mestat_evaluator;
grant select on report.release_calendar, report.releases, report.release_items, report.release_preview,
	report.release_verification to mestat_evaluator;
