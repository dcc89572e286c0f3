-- 048: the national sums kept in parts, each over a range of reporters.
--
-- An incremental run rewrote the national sums of each (indicator, period)
-- pair a submission changed by adding up that cell of every reporter again
-- (041, 043): for a county's quarter of 100 indicators at 2,850 reporters,
-- 285,000 cells to take in 100 changed ones, 0.44 s of a 0.73 s run. The
-- reporters are now cut into ranges of their codes, about the square root
-- of their number each (54 ranges of 54 at county scale, 6 of 7 for the
-- catalog's 41 reporters), and a run keeps, per (indicator, period, range),
-- what that range's reporters add up (mestat.progress_national_part). An
-- incremental run adds up again only the ranges that hold a changed cell,
-- one index range of observation_period_cell each, and a pair's national
-- sums are its parts added up (mestat.progress_national_point, as before).
-- Sums and counts of parts add up exactly to the whole: numeric addition
-- is exact.
--
-- The ranges are cut by a full run, from every reporter, and each runs from
-- its first reporter's code to its last one's: both bounds are index
-- conditions. A change of the reporters queues a full run (032), so an
-- incremental run finds the ranges its parts were added up over; one that
-- claims a cell of a reporter in no range runs in full.

set local role mestat_owner;

create table mestat.progress_reporter_range (
	part integer primary key,
	lo text not null,
	hi text not null
);
comment on table mestat.progress_reporter_range is
	'The ranges of reporter codes over which mestat.progress_national_part adds up, cut by the last full progress '
	'run: a range holds the codes from lo to hi, both included. Written only by mestat.progress_assess().';
comment on column mestat.progress_reporter_range.part is 'Range number, 0 first, in the order of lo.';
comment on column mestat.progress_reporter_range.lo is 'First reporter code of the range.';
comment on column mestat.progress_reporter_range.hi is 'Last reporter code of the range.';

-- No foreign keys: a full run rewrites every row (about 100,000 at county
-- scale) and each change of an indicator or a period queues one.
create table mestat.progress_national_part (
	indicator text not null,
	period text not null,
	part integer not null,
	agg_n integer not null default 0,
	agg_sum numeric,
	rate_n integer not null default 0,
	rate_num numeric,
	rate_den numeric,
	n_break integer not null default 0,
	n_flag integer not null default 0,
	primary key (indicator, period, part)
);
comment on table mestat.progress_national_part is
	'What the national figures add up, per (indicator, period) and range of reporters (mestat.progress_reporter_range), '
	'from the current values as the last progress run read them; mestat.progress_national_point holds each pair''s '
	'parts added up. Written only by mestat.progress_assess() (a full run: every row; an incremental run: the ranges '
	'holding a cell it claimed). No row when the range has no cell of the pair. Not a report.';
comment on column mestat.progress_national_part.indicator is 'Indicator of the cells added up.';
comment on column mestat.progress_national_part.period is 'Period of the cells added up.';
comment on column mestat.progress_national_part.part is 'Range of reporters (mestat.progress_reporter_range.part).';
comment on column mestat.progress_national_part.agg_n is
	'Province-level reporters of the range (active, no parent, neither the ministry nor a department) with a value.';
comment on column mestat.progress_national_part.agg_sum is 'Their values added up (NULL when agg_n is 0).';
comment on column mestat.progress_national_part.rate_n is
	'For a rate: province-level reporters of the range with a value of both parts in the period.';
comment on column mestat.progress_national_part.rate_num is 'Their numerators added up.';
comment on column mestat.progress_national_part.rate_den is 'Their denominators added up.';
comment on column mestat.progress_national_part.n_break is
	'Cells of any reporter of the range with a value and status B (break in series).';
comment on column mestat.progress_national_part.n_flag is
	'Cells of any reporter of the range with a value that is not final (status other than A and B) or under '
	'follow-up without a decision.';

-- Nothing is kept in parts yet: the next run is a full one.
insert into mestat.progress_pending (indicator, reporter, period)
select null, null, null where exists (select 1 from mestat.progress_snapshot);
