-- report.reporting_cycle: the current definition of this view.
-- First created in 027_reporting_cycle.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace view report.reporting_cycle as
-- Two parts: the reporters × periods that have a row in reporting_state, and
-- those that have none (state 'open', every step NULL). The rows are those of
-- the one left join this was; split, a filter on state reaches the table: the
-- console's "complete,returned" reads the reporting_state rows in those
-- states and skips the other part (its state is the constant 'open'),
-- instead of building every reporter × period (122,550 at county scale).
select r.code as reporter,
       r.name_zh as reporter_name_zh,
       r.name_en as reporter_name_en,
       r.kind as reporter_kind,
       p.code as period,
       p.kind as period_kind,
       p.due_date,
       case when ld.days > 0 then p.due_date + ld.days end as lock_date,
       coalesce(s.state, 'open') as state,
       case coalesce(s.state, 'open')
       when 'open' then '未完成' when 'complete' then '已完成待审核' when 'accepted' then '已审核锁定'
       when 'returned' then '已退回' when 'locked' then '已锁定' end as state_zh,
       s.completed_at,
       s.completed_by,
       s.completed_at < ((p.due_date + 1)::timestamp at time zone 'Asia/Shanghai') as completed_on_time,
       (select min(e.at) from mestat.reporting_event e
         where e.reporter = r.code and e.period = p.code and e.event = 'completed') as first_completed_at,
       s.accepted_at,
       s.accepted_by,
       s.returned_at,
       s.returned_by,
       s.return_reason,
       s.locked_at,
       s.locked_by,
       (select count(*)::integer from mestat.reporting_event e where e.reporter = r.code and e.period = p.code)
           as events,
       s.changed_at
  from mestat.reporter r
  cross join mestat.period p
  cross join (select coalesce((select value::integer from mestat.setting where name = 'lock_days'), 0) as days) ld
  join mestat.reporting_state s on s.reporter = r.code and s.period = p.code
 where r.active and p.start_date <= (now() at time zone 'Asia/Shanghai')::date
union all
select r.code as reporter,
       r.name_zh as reporter_name_zh,
       r.name_en as reporter_name_en,
       r.kind as reporter_kind,
       p.code as period,
       p.kind as period_kind,
       p.due_date,
       case when ld.days > 0 then p.due_date + ld.days end as lock_date,
       'open'::text as state,
       '未完成'::text as state_zh,
       s.completed_at,
       s.completed_by,
       s.completed_at < ((p.due_date + 1)::timestamp at time zone 'Asia/Shanghai') as completed_on_time,
       (select min(e.at) from mestat.reporting_event e
         where e.reporter = r.code and e.period = p.code and e.event = 'completed') as first_completed_at,
       s.accepted_at,
       s.accepted_by,
       s.returned_at,
       s.returned_by,
       s.return_reason,
       s.locked_at,
       s.locked_by,
       (select count(*)::integer from mestat.reporting_event e where e.reporter = r.code and e.period = p.code)
           as events,
       s.changed_at
  from mestat.reporter r
  cross join mestat.period p
  cross join (select coalesce((select value::integer from mestat.setting where name = 'lock_days'), 0) as days) ld
  left join mestat.reporting_state s on false
 where r.active and p.start_date <= (now() at time zone 'Asia/Shanghai')::date
   and not exists (select 1 from mestat.reporting_state x where x.reporter = r.code and x.period = p.code);

comment on view report.reporting_cycle is
	'Each active reporter × period that has begun: where its report stands in the reporting cycle (open, complete, '
	'accepted, returned, locked) with the times and people of each step. completed_on_time is DHIS2''s timeliness: '
	'completed by the end of the due date in Beijing time; report.timeliness measures cells by their first value '
	'instead (docs/method.md). The history of each row is in mestat.reporting_event.';
comment on column report.reporting_cycle.reporter is 'Reporter code.';
comment on column report.reporting_cycle.reporter_name_zh is 'Reporter name in Chinese.';
comment on column report.reporting_cycle.reporter_name_en is 'Reporter name in English.';
comment on column report.reporting_cycle.reporter_kind is 'Reporter kind.';
comment on column report.reporting_cycle.period is 'Period code.';
comment on column report.reporting_cycle.period_kind is 'quarter or year.';
comment on column report.reporting_cycle.due_date is 'Due date of the report (Beijing time).';
comment on column report.reporting_cycle.lock_date is 'Due date + lock_days: locked after that day if still not accepted; NULL when lock_days is 0.';
comment on column report.reporting_cycle.state is 'open, complete, accepted, returned or locked.';
comment on column report.reporting_cycle.state_zh is 'The state in Chinese.';
comment on column report.reporting_cycle.completed_at is 'When the reporter marked it complete (current completion).';
comment on column report.reporting_cycle.completed_by is 'Who completed it.';
comment on column report.reporting_cycle.completed_on_time is 'Completed by the end of the due date, Beijing time (DHIS2''s timeliness); NULL if not complete.';
comment on column report.reporting_cycle.first_completed_at is 'When it was first marked complete, even if undone or returned since.';
comment on column report.reporting_cycle.accepted_at is 'When the plan office accepted it.';
comment on column report.reporting_cycle.accepted_by is 'Who accepted it.';
comment on column report.reporting_cycle.returned_at is 'When it was last returned.';
comment on column report.reporting_cycle.returned_by is 'Who returned it.';
comment on column report.reporting_cycle.return_reason is 'Why it was returned.';
comment on column report.reporting_cycle.locked_at is 'When it was locked (acceptance or lock_days).';
comment on column report.reporting_cycle.locked_by is 'Who locked it (the person who accepted, or lock_days).';
comment on column report.reporting_cycle.events is 'How many events its history has (mestat.reporting_event).';
comment on column report.reporting_cycle.changed_at is 'When its state last changed.';
