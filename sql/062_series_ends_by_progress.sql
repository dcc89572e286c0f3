-- 062: the series' ends are kept by the progress runs, not by each write.
--
-- 055 and 056 had the statement triggers on mestat.observation compute again,
-- after every write, the 4-quarter sums of each series written (stored in
-- mestat.cell.sum4) and its ends (mestat.cell_series). Only the progress runs
-- read either, and a run already claims every cell written since the last
-- one (mestat.progress_pending, 060). In the request it was the dearest part
-- of storing a small revision: of a 5-row push's 2.51 ms storing statement,
-- 1.41 ms (5 series of 47 periods; docs/scale.md). The ends of the series
-- holding a claimed cell are now computed at the start of each run
-- (mestat.series_keep, sql/functions/), from the cells as the run reads
-- them; pushes no longer touch mestat.cell_series, so a run writing it
-- blocks none.
--
-- The 4-quarter sums themselves are no longer stored: the ends carry the
-- ones a run assesses on, and the few others it reads (the first sum after
-- a break in series) it adds up from the cells.
--
-- What a run keeps rests on the cells it was told of: a truncation, a queue
-- too long to list (mestat.recompute_progress) or a row deleted by hand
-- forgets mestat.progress_kept_basis, and a run that finds no 'series ends'
-- row computes every series' ends again.

set local role mestat_owner;

alter table mestat.progress_kept_basis drop constraint progress_kept_basis_kept_check;
alter table mestat.progress_kept_basis
	add constraint progress_kept_basis_kept_check check (kept in ('national parts', 'reports received', 'series ends'));
comment on table mestat.progress_kept_basis is
	'What a progress run keeps from the last run rests on besides the cells, one row for each: the parts of the '
	'national sums (mestat.progress_national_part, mestat.progress_reporter_range; digest of the reporters'' codes and '
	'whether each is added up, and of the rates'' numerators and denominators), the reports received (the counts '
	'of mestat.reporting_status; digest of the indicators'' activity and scope, the reporters'' kinds and the '
	'periods'' deadlines) and the series'' ends (mestat.cell_series, which rest on the cells alone). A full run goes '
	'over every cell for one of them when its digest differs or its row is missing, else it recomputes only what the '
	'cells queued since the last run touch; any run does so for the series'' ends. Written only by '
	'mestat.progress_assess(); deleting a row (as mestat_owner) has the next run go over every cell for it.';

comment on table mestat.cell_series is
	'Each series of mestat.cell: a reporter''s cells of one indicator, its quarters apart from its '
	'years. What a progress run assesses it on, kept by the progress runs (mestat.series_keep: the series holding '
	'a cell queued since the last run) and written by nothing else; as current as the last run. k is the quarters '
	'since the end of 2015 (mestat.period.k: a year is its Q4; the base year 2015 is k 0). Only cells with a value '
	'count: a deleted or reported-missing cell has none. A 4-quarter sum is a quarter''s value plus those of the '
	'three quarters before it, when all four have a value.';
comment on column mestat.cell_series.n4 is 'How many of its quarters have a 4-quarter sum.';

alter table mestat.cell drop column sum4;

-- The series are up to date: the triggers kept them until this migration.
insert into mestat.progress_kept_basis (kept, basis) values ('series ends', 'the cells');

-- Replaced by its file in sql/functions/ in the same run.
create function mestat.series_keep(p_reporters text[], p_indicators text[]) returns integer
	language sql as 'select 0';
comment on function mestat.series_keep(text[], text[]) is
	'The ends of the given series, computed again (definition: sql/functions/).';
revoke all on function mestat.series_keep(text[], text[]) from public;
