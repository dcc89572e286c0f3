-- 009_report_views.sql: what evaluators read about progress, completeness,
-- timeliness, overdue reports and the pull collectors. Owned by mestat_owner
-- and readable by mestat_evaluator (no right on schema mestat is needed).
-- Like 007, the views call only built-in functions.
--
-- Progress comes from the snapshots of mestat.recompute_progress();
-- completeness, timeliness and overdue from mestat.reporting_status as of the
-- last run (column computed_at); "today" is the date in Beijing.

set local role mestat_owner;

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
       d.note
  from mestat.progress_snapshot_detail d
  join mestat.progress_snapshot s on s.id = d.snapshot
  join mestat.indicator i on i.code = d.indicator
  left join mestat.reporter r on r.code = d.reporter
  left join mestat.target t on t.id = d.target_id
  join mestat.progress_class_label cl on cl.class = d.class;
comment on view report.progress_history is
	'Every progress assessment ever made: one row per snapshot, indicator and scope (the nation, or one reporter), with '
	'the target version it used. Filter on indicator and reporter (NULL = national) to see how the assessment changed; '
	'a target revision shows as a new target_id.';

create view report.progress as
select h.snapshot, h.taken_at, h.as_of_period, h.indicator, h.indicator_name_zh, h.indicator_name_en, h.unit, h.unit_zh,
       h.clause, h.measure, h.direction, h.period, h.target_id, h.target_kind, h.target_path, h.target_effective_from,
       h.method, h.baseline_value, h.target_value, h.target_upper, h.expected_value, h.actual_value, h.ratio,
       h.first_period, h.first_value, h.annual_growth, h.class, h.class_zh, h.class_en, h.partial,
       h.reporters_reported, h.reporters_expected, h.note
  from report.progress_history h
 where h.snapshot = (select max(s.id) from mestat.progress_snapshot s)
   and h.reporter is null;
comment on view report.progress is
	'National progress against the plan''s targets, from the latest snapshot: one row per indicator with a target in force.';

create view report.progress_by_reporter as
select h.snapshot, h.taken_at, h.as_of_period, h.indicator, h.indicator_name_zh, h.indicator_name_en, h.unit, h.unit_zh,
       h.clause, h.measure, h.direction, h.reporter, h.reporter_name_zh, h.reporter_name_en, h.reporter_kind,
       h.period, h.target_id, h.target_kind, h.target_path, h.target_effective_from, h.method, h.baseline_value,
       h.target_value, h.target_upper, h.expected_value, h.actual_value, h.ratio, h.first_period, h.first_value,
       h.annual_growth, h.class, h.class_zh, h.class_en, h.note
  from report.progress_history h
 where h.snapshot = (select max(s.id) from mestat.progress_snapshot s)
   and h.reporter is not null;
comment on view report.progress_by_reporter is
	'Progress of each reporter (provinces, separate-plan cities, the Corps) on each provincial indicator, from the latest '
	'snapshot. A reporter with a target of its own is assessed against it; otherwise by direction.';

create view report.completeness as
select rs.reporter,
       r.name_zh as reporter_name_zh,
       r.name_en as reporter_name_en,
       r.kind as reporter_kind,
       rs.period,
       p.kind as period_kind,
       p.end_date as period_end,
       p.due_date,
       rs.expected,
       rs.received,
       rs.expected - rs.received as missing,
       round(rs.received::numeric / rs.expected, 4) as completeness,
       rs.computed_at
  from mestat.reporting_status rs
  join mestat.reporter r on r.code = rs.reporter
  join mestat.period p on p.code = rs.period;
comment on view report.completeness is
	'Completeness of each reporter''s report for each period that has ended (Beijing time): cells received over cells '
	'expected (every active provincial indicator of the period''s kind; national-only ones for the ministry). As of the '
	'last progress run (computed_at).';

create view report.timeliness as
select rs.reporter,
       r.name_zh as reporter_name_zh,
       r.name_en as reporter_name_en,
       r.kind as reporter_kind,
       rs.period,
       p.kind as period_kind,
       p.due_date,
       p.due_date < (now() at time zone 'Asia/Shanghai')::date as due_passed,
       rs.expected,
       rs.received,
       rs.on_time,
       rs.received - rs.on_time as late,
       rs.expected - rs.received as not_received,
       round(rs.on_time::numeric / rs.expected, 4) as timeliness,
       rs.computed_at
  from mestat.reporting_status rs
  join mestat.reporter r on r.code = rs.reporter
  join mestat.period p on p.code = rs.period;
comment on view report.timeliness is
	'Timeliness of each reporter''s report for each period that has ended: cells whose first value was recorded by the '
	'end of the due date in Beijing time (Asia/Shanghai), over cells expected. As of the last progress run.';

create view report.overdue as
select rs.reporter,
       r.name_zh as reporter_name_zh,
       r.name_en as reporter_name_en,
       r.kind as reporter_kind,
       rs.period,
       p.kind as period_kind,
       p.due_date,
       (now() at time zone 'Asia/Shanghai')::date - p.due_date as days_overdue,
       rs.expected,
       rs.received,
       rs.expected - rs.received as missing,
       rs.missing_indicators,
       rs.computed_at
  from mestat.reporting_status rs
  join mestat.reporter r on r.code = rs.reporter
  join mestat.period p on p.code = rs.period
 where rs.received < rs.expected
   and p.due_date < (now() at time zone 'Asia/Shanghai')::date;
comment on view report.overdue is
	'Reports past their due date (Beijing time) with expected values still missing, per reporter and period, as of the '
	'last progress run.';

create view report.collector_status as
select ss.name as source,
       ss.reporter,
       r.name_zh as reporter_name_zh,
       r.name_en as reporter_name_en,
       ss.url,
       ss.format,
       case when ss.last_attempt is null then 'never_run'
            when ss.consecutive_failures = 0 then 'ok'
            else 'failing' end as state,
       case when ss.last_attempt is null then '尚未运行'
            when ss.consecutive_failures = 0 then '正常'
            else '失败' end as state_zh,
       case when ss.last_attempt is null then 'Never run'
            when ss.consecutive_failures = 0 then 'OK'
            else 'Failing' end as state_en,
       ss.last_attempt,
       ss.last_success,
       ss.last_error_class,
       ss.last_error,
       ss.next_run,
       ss.consecutive_failures,
       ss.last_submission,
       ss.updated_at
  from mestat.source_state ss
  left join mestat.reporter r on r.code = ss.reporter;
comment on view report.collector_status is
	'Each pull source of mestatd (a [source NAME] of its configuration): last success, last error and its class, next '
	'run, failures in a row, with the reporter it publishes for.';

-- Column comments: one wording per column name, the same in every view.
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
			('period', 'Period code (2018Q3, or 2018 for a year).'),
			('period_kind', 'quarter or year.'),
			('period_end', 'Last day of the period.'),
			('target_id', 'Target version used (mestat.target.id): the latest whose effective_from is not in the future when the snapshot was computed.'),
			('target_kind', 'point, range, at_least or direction.'),
			('target_path', 'Expected path from baseline to target: linear or geometric.'),
			('target_effective_from', 'Date the target version used took effect.'),
			('method', 'ratio (against the expected path) or direction (annualised growth in the good direction).'),
			('baseline_value', 'Baseline B (end of the baseline year, 2015).'),
			('target_value', 'Target T (the lower bound L of a range).'),
			('target_upper', 'Upper bound U of a range target.'),
			('expected_value', 'Expected value E on the path at the period of actual_value: B + (T − B)·τ, or B·(T/B)^τ; τ = quarters since the baseline / 20, at most 1.'),
			('actual_value', 'Actual value A at period: the value, a national sum, mean or recomputed rate, or for a quarterly flow the sum of the last 4 quarters.'),
			('ratio', 'R = (A − B)/(E − B): actual over expected progress since the baseline (ratio method).'),
			('first_period', 'Period of the first value (direction method).'),
			('first_value', 'First value of the series (direction method).'),
			('annual_growth', 'Annualised growth from first_value to actual_value in the good direction, as a fraction (0.015 = 1.5 %/yr) (direction method).'),
			('class', 'achieved, on_track, at_risk, off_track, moving_away or insufficient_data.'),
			('class_zh', 'The class in Chinese (e.g. 按计划推进).'),
			('class_en', 'The class in English (e.g. On track).'),
			('partial', 'True when the national value adds up only some of the province-level reporters (they had not all reported).'),
			('reporters_reported', 'For a national value added up from reporters: how many province-level reporters had reported.'),
			('reporters_expected', 'For a national value added up from reporters: how many active province-level reporters there are.'),
			('note', 'Why, in words: missing reporters, range exceeded, too few values, fallback to direction.'),
			('due_date', 'Last day a report is on time (end of the period + due_days), Beijing time.'),
			('due_passed', 'True once the due date has passed (Beijing time).'),
			('expected', 'Cells expected from the reporter for the period (one per indicator).'),
			('received', 'Expected cells that have a value.'),
			('missing', 'Expected cells without a value.'),
			('not_received', 'Expected cells without a value.'),
			('completeness', 'received / expected, a fraction (1 = complete).'),
			('on_time', 'Cells whose first value was recorded by the end of the due date (Beijing time).'),
			('late', 'Cells received after the due date.'),
			('timeliness', 'on_time / expected, a fraction (1 = everything on time).'),
			('days_overdue', 'Days since the due date (Beijing time).'),
			('missing_indicators', 'Codes of the indicators still missing when some were received; NULL when nothing at all was received (every expected indicator is missing).'),
			('computed_at', 'When the figures were computed (the last progress run).'),
			('source', 'Source name ([source NAME] in the configuration).'),
			('url', 'URL fetched.'),
			('format', 'Configured format (json, csv, dhis2-json, dhis2-csv, sdmx-csv).'),
			('state', 'ok (last fetch succeeded), failing (failures since the last success) or never_run.'),
			('state_zh', 'The state in Chinese (正常, 失败, 尚未运行).'),
			('state_en', 'The state in English (OK, Failing, Never run).'),
			('last_attempt', 'When the last fetch started.'),
			('last_success', 'When a fetch last succeeded (stored, unchanged or not modified).'),
			('last_error_class', 'Kind of the last failure: dns, connect, tls, timeout, http, decode, validation, database; NULL after a success.'),
			('last_error', 'Message of the last failure.'),
			('next_run', 'When the next fetch is due.'),
			('consecutive_failures', 'Failures since the last success.'),
			('last_submission', 'Submission made from the last body fetched (see report.submission_log).'),
			('updated_at', 'When mestatd last updated the source''s state.')
		       ) as n(column_name, note) on n.column_name = a.column_name
		 where a.table_schema = 'report'
		   and a.table_name in ('progress', 'progress_by_reporter', 'progress_history', 'completeness', 'timeliness',
		                        'overdue', 'collector_status')
	loop
		if c.note is null then
			raise exception 'report.%.% has no comment', c.table_name, c.column_name;
		end if;
		execute format('comment on column report.%I.%I is %L', c.table_name, c.column_name, c.note);
	end loop;
end
$$;

grant select on report.progress, report.progress_by_reporter, report.progress_history, report.completeness,
	report.timeliness, report.overdue, report.collector_status to mestat_evaluator;
