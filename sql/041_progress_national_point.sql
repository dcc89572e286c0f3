-- 041: the national sums kept between progress runs, per (indicator, period).
--
-- An incremental run assessed a touched indicator's national row from every
-- reporter's series of it: at county scale a 5-value push read 5 × 2,850
-- series of 20 quarters (about 285,000 cells) to re-add sums of which only 5
-- cells had changed. A run now keeps, per (indicator, period), what the
-- national figures add up from the current values of every reporter (the
-- province-level reporters' sum, mean and count; for a rate, the sums of its
-- parts over the reporters that sent both; how many cells show a break or a
-- value that is not final) in mestat.progress_national_point. A full run
-- rewrites it from the values it reads anyway; an incremental run rewrites
-- the rows of the (indicator, period) pairs it claimed, reading only those
-- cells of every reporter, and its national rows read the table
-- (docs/method.md, "Incremental runs"). The definitions that write and read
-- it are in sql/functions/progress_assess.sql.

set local role mestat_owner;

create table mestat.progress_national_point (
	indicator text not null references mestat.indicator (code) on update cascade on delete cascade,
	period text not null references mestat.period (code) on update cascade on delete cascade,
	k integer not null,
	agg_n integer not null default 0,
	agg_sum numeric,
	agg_avg numeric,
	rate_n integer not null default 0,
	rate_num numeric,
	rate_den numeric,
	n_break integer not null default 0,
	n_flag integer not null default 0,
	primary key (indicator, period)
);
comment on table mestat.progress_national_point is
	'What the national figures add up, per (indicator, period), from the current values of every reporter as the last '
	'progress run read them; written only by mestat.progress_assess() (a full run: every row; an incremental run: the '
	'pairs it claimed). Not a report: report.progress shows the national figures.';
comment on column mestat.progress_national_point.indicator is 'Indicator of the cells added up.';
comment on column mestat.progress_national_point.period is 'Period of the cells added up.';
comment on column mestat.progress_national_point.k is 'Quarters since the end of 2015 (a year counts as its Q4).';
comment on column mestat.progress_national_point.agg_n is
	'Province-level reporters (active, no parent, neither the ministry nor a department) with a value.';
comment on column mestat.progress_national_point.agg_sum is 'Their values added up (NULL when agg_n is 0).';
comment on column mestat.progress_national_point.agg_avg is 'Their mean (NULL when agg_n is 0).';
comment on column mestat.progress_national_point.rate_n is
	'For a rate (indicator.numerator set): province-level reporters with a value of both parts in the period.';
comment on column mestat.progress_national_point.rate_num is 'Their numerators added up.';
comment on column mestat.progress_national_point.rate_den is 'Their denominators added up.';
comment on column mestat.progress_national_point.n_break is
	'Cells of any reporter with a value and status B (break in series).';
comment on column mestat.progress_national_point.n_flag is
	'Cells of any reporter with a value that is not final (status other than A and B) or under follow-up without a '
	'decision.';

-- Nothing is kept yet: the next run is a full one, which fills the table
-- (without a snapshot it is anyway).
insert into mestat.progress_pending (indicator, reporter, period)
select null, null, null where exists (select 1 from mestat.progress_snapshot);
