-- report.follow_up: the current definition of this view.
-- First created in 022_data_quality_ingest.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace view report.follow_up as
select f.id, f.reporter, r.name_zh as reporter_name_zh, r.name_en as reporter_name_en, f.indicator,
       i.name_zh as indicator_name_zh, i.name_en as indicator_name_en, f.period, f.value, o.status, f.kind, f.score,
       f.threshold, f.compared_period, f.compared_value, f.message, f.flagged_at, f.submission,
       case
       when f.decision is not null then f.decision
       when exists (select 1 from mestat.cell n
                     where n.reporter = f.reporter and n.indicator = f.indicator and n.period = f.period
                       and n.observation > f.observation) then 'superseded'
       else 'open'
       end as state,
       f.decision, f.decided_at, f.decided_by, f.note
  from mestat.follow_up f
  join mestat.observation o on o.id = f.observation
  join mestat.reporter r on r.code = f.reporter
  join mestat.indicator i on i.code = f.indicator;

comment on view report.follow_up is
	'Values held for follow-up with their reason and state: open (waiting for the plan office), superseded (the reporter '
	'has sent a newer value since), confirmed, correction_requested. Decide with mestat.resolve_follow_up(id, decision, note).';
comment on column report.follow_up.id is 'Follow-up id for mestat.resolve_follow_up().';
comment on column report.follow_up.reporter is 'Reporter code.';
comment on column report.follow_up.reporter_name_zh is 'Reporter name in Chinese.';
comment on column report.follow_up.reporter_name_en is 'Reporter name in English.';
comment on column report.follow_up.indicator is 'Indicator code.';
comment on column report.follow_up.indicator_name_zh is 'Indicator name in Chinese.';
comment on column report.follow_up.indicator_name_en is 'Indicator name in English.';
comment on column report.follow_up.period is 'Period code.';
comment on column report.follow_up.value is 'The value held.';
comment on column report.follow_up.status is 'Its SDMX observation status.';
comment on column report.follow_up.kind is
	'history (robust score against the own history), peers (against the other provinces), jump (tenfold change, short '
	'history) or reporter (sender''s mark).';
comment on column report.follow_up.score is 'Modified z-score of its change, when scored.';
comment on column report.follow_up.threshold is 'Threshold of the score.';
comment on column report.follow_up.compared_period is 'Period it was compared with.';
comment on column report.follow_up.compared_value is 'Value it was compared with.';
comment on column report.follow_up.message is 'The warning the clerk received.';
comment on column report.follow_up.flagged_at is 'When it was flagged.';
comment on column report.follow_up.submission is 'Submission that brought it.';
comment on column report.follow_up.state is 'open, superseded, confirmed or correction_requested.';
comment on column report.follow_up.decision is 'The plan office''s decision, if any.';
comment on column report.follow_up.decided_at is 'When it was decided.';
comment on column report.follow_up.decided_by is 'Who decided.';
comment on column report.follow_up.note is 'The plan office''s note.';
