-- report.data_quality: the current definition of this view.
-- First created in 023_data_quality_report.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace view report.data_quality as
select d.reporter, r.name_zh as reporter_name_zh, r.name_en as reporter_name_en, r.kind as reporter_kind, d.year,
       d.expected, d.received, d.on_time, d.completeness, d.timeliness, d.cells, d.revised, d.mean_abs_revision,
       d.outliers_flagged, d.outliers_confirmed, d.corrections_requested, d.rule_violations, d.score,
       d.rank_in_year,
       d.computed_at
  from mestat.data_quality d
  join mestat.reporter r on r.code = d.reporter;

comment on view report.data_quality is
	'Data quality scorecard per reporter and year (a league table: rank_in_year). score = 100 × (0.40 completeness + '
	'0.30 timeliness + 0.30 completeness × accuracy), accuracy the mean of 1 - min(1, mean_abs_revision), '
	'1 - min(1, unconfirmed outliers / cells) and 1 - min(1, rule violations / cells); see docs/method.md, "Data '
	'quality scorecard". A reporter nothing was expected of that year (a department, the base year) has no score and '
	'no rank. Completeness and '
	'timeliness are those of report.completeness and report.timeliness (last progress run), summed over the year''s '
	'periods; a reported-missing value (status M, L...) counts as received. As fresh as report.progress: the counts '
	'are kept by mestat.quality_refresh(), which mestatd runs right after each progress run.';
comment on column report.data_quality.reporter is 'Reporter code.';
comment on column report.data_quality.reporter_name_zh is 'Reporter name in Chinese.';
comment on column report.data_quality.reporter_name_en is 'Reporter name in English.';
comment on column report.data_quality.reporter_kind is 'province, municipality, ... or ministry.';
comment on column report.data_quality.year is 'Year of the periods (a quarter counts in its year).';
comment on column report.data_quality.expected is 'Cells expected over the year''s ended periods (as of the last progress run).';
comment on column report.data_quality.received is 'Cells received (reported-missing included).';
comment on column report.data_quality.on_time is 'Cells first received by the due date.';
comment on column report.data_quality.completeness is 'received / expected.';
comment on column report.data_quality.timeliness is 'on_time / expected.';
comment on column report.data_quality.cells is 'Cells with a current value.';
comment on column report.data_quality.revised is 'Cells whose value was revised at least once.';
comment on column report.data_quality.mean_abs_revision is
	'Mean over the cells with a current value of |current - first value| / |first value| (0 for a cell never revised).';
comment on column report.data_quality.outliers_flagged is 'Values held for follow-up as unusual (robust score or tenfold change).';
comment on column report.data_quality.outliers_confirmed is 'Of those, confirmed as right by the plan office.';
comment on column report.data_quality.corrections_requested is 'Of those, sent back for correction.';
comment on column report.data_quality.rule_violations is 'Current violations of validation rules.';
comment on column report.data_quality.score is 'The documented score, 0 to 100 (higher is better); NULL when nothing was expected of the reporter that year.';
comment on column report.data_quality.rank_in_year is 'Rank of the reporter by score within the year (1 = best); NULL without a score.';
comment on column report.data_quality.computed_at is 'When completeness and timeliness were last computed.';
