-- 006_progress_tables.sql: where progress assessments are kept, and the class
-- thresholds they use (data, not constants in code). The computation itself,
-- mestat.recompute_progress(), comes in a later migration.

set local role mestat_owner;

create table mestat.class_threshold (
	method text not null check (method in ('ratio', 'direction')),
	class text not null check (class in ('on_track', 'at_risk', 'off_track', 'moving_away')),
	lower_bound numeric,
	primary key (method, class),
	unique nulls not distinct (method, lower_bound)
);
comment on table mestat.class_threshold is
	'Progress class thresholds. A measure x falls in the class with the highest lower_bound <= x; below every bound it is '
	'the class whose lower_bound is NULL (moving_away). achieved and insufficient_data are decided before thresholds. '
	'Method ratio (targets with a number): x = R = (A − B)/(E − B), actual over expected progress since the baseline. '
	'Method direction (direction-only targets): x = annualised growth in the good direction, as a fraction (0.015 = 1.5 %/yr). '
	'The values follow Statistics Canada''s Open SDG progress measure / Eurostat''s SDG assessment.';
comment on column mestat.class_threshold.method is 'ratio or direction.';
comment on column mestat.class_threshold.class is 'on_track, at_risk, off_track or moving_away.';
comment on column mestat.class_threshold.lower_bound is 'Inclusive lower bound of the class; NULL for the open-ended lowest class.';

insert into mestat.class_threshold (method, class, lower_bound) values
	('ratio', 'on_track', 0.95),
	('ratio', 'at_risk', 0.60),
	('ratio', 'off_track', 0),
	('ratio', 'moving_away', null),
	('direction', 'on_track', 0.015),
	('direction', 'at_risk', 0.005),
	('direction', 'off_track', 0),
	('direction', 'moving_away', null);

create function mestat.progress_class(p_method text, p_value numeric) returns text
language sql
stable
set search_path = mestat, pg_temp
as $$
	select coalesce(
		(select t.class from mestat.class_threshold t
		  where t.method = p_method and t.lower_bound <= p_value
		  order by t.lower_bound desc limit 1),
		(select t.class from mestat.class_threshold t
		  where t.method = p_method and t.lower_bound is null))
	 where p_value is not null
$$;
comment on function mestat.progress_class(text, numeric) is
	'The class of measure p_value under method p_method (ratio or direction) according to mestat.class_threshold; '
	'NULL when p_value is NULL.';

create table mestat.progress_snapshot (
	id bigint generated always as identity primary key,
	taken_at timestamptz not null default now(),
	as_of_period text references mestat.period (code),
	note text
);
comment on table mestat.progress_snapshot is
	'One run of the progress assessment (mestat.recompute_progress()). Kept, so evaluators can see how the assessment '
	'changed over time; the details are in mestat.progress_snapshot_detail.';
comment on column mestat.progress_snapshot.id is 'Snapshot id.';
comment on column mestat.progress_snapshot.taken_at is 'When the assessment was computed.';
comment on column mestat.progress_snapshot.as_of_period is 'Latest quarter the assessment takes into account.';
comment on column mestat.progress_snapshot.note is 'Free text (what triggered the run, method version).';

create table mestat.progress_snapshot_detail (
	id bigint generated always as identity primary key,
	snapshot bigint not null references mestat.progress_snapshot (id) on delete cascade,
	indicator text not null references mestat.indicator (code),
	reporter text references mestat.reporter (code),
	period text references mestat.period (code),
	target_id bigint references mestat.target (id),
	baseline_value numeric,
	target_value numeric,
	expected_value numeric,
	actual_value numeric,
	ratio numeric,
	annual_growth numeric,
	class text not null check (class in ('achieved', 'on_track', 'at_risk', 'off_track', 'moving_away', 'insufficient_data')),
	partial boolean not null default false,
	note text,
	unique nulls not distinct (snapshot, indicator, reporter, period)
);
comment on table mestat.progress_snapshot_detail is
	'Assessment of one indicator for one scope (the nation, or one reporter) at one period, within a snapshot, with the '
	'target version used.';
comment on column mestat.progress_snapshot_detail.id is 'Row id.';
comment on column mestat.progress_snapshot_detail.snapshot is 'The snapshot this row belongs to.';
comment on column mestat.progress_snapshot_detail.indicator is 'Indicator assessed.';
comment on column mestat.progress_snapshot_detail.reporter is 'Reporter assessed; NULL for the national assessment.';
comment on column mestat.progress_snapshot_detail.period is 'Period of the actual value (latest quarter or year with data); NULL when there is no value at all.';
comment on column mestat.progress_snapshot_detail.target_id is 'Target version used (mestat.target.id); NULL if none applied.';
comment on column mestat.progress_snapshot_detail.baseline_value is 'Baseline B used.';
comment on column mestat.progress_snapshot_detail.target_value is 'Target T used (lower bound for a range).';
comment on column mestat.progress_snapshot_detail.expected_value is 'Expected value E on the path at this period.';
comment on column mestat.progress_snapshot_detail.actual_value is 'Actual value A (for flows, the rolling sum of the last 4 quarters).';
comment on column mestat.progress_snapshot_detail.ratio is 'R = (A − B)/(E − B); NULL for direction-only targets.';
comment on column mestat.progress_snapshot_detail.annual_growth is
	'For direction-only targets: annualised growth in the good direction, as a fraction (0.015 = 1.5 %/yr).';
comment on column mestat.progress_snapshot_detail.class is
	'achieved, on_track, at_risk, off_track, moving_away or insufficient_data.';
comment on column mestat.progress_snapshot_detail.partial is
	'True for a national value added up while some reporters had not reported.';
comment on column mestat.progress_snapshot_detail.note is 'Why, in words, when the numbers are not enough (e.g. which reporters were missing).';

create index progress_snapshot_detail_cell on mestat.progress_snapshot_detail (indicator, reporter, period);
comment on index mestat.progress_snapshot_detail_cell is 'History of the assessment of one indicator and scope.';

grant select on mestat.class_threshold, mestat.progress_snapshot, mestat.progress_snapshot_detail to mestat_daemon;
grant execute on function mestat.progress_class(text, numeric) to mestat_daemon;
