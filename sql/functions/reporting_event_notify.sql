-- mestat.reporting_event_notify: the current definition of this function.
-- First created in 028_notifications.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.reporting_event_notify() returns trigger
language plpgsql
security definer
set search_path = mestat, pg_temp
as $$
declare
	who text := mestat.reporter_label(new.reporter);
	name_zh text := coalesce((select r.name_zh from mestat.reporter r where r.code = new.reporter), new.reporter);
	name_en text := coalesce((select r.name_en from mestat.reporter r where r.code = new.reporter), new.reporter);
	what_zh text;
	what_en text;
	zh text;
	en text;
	office boolean := new.event in ('completed', 'uncompleted');
begin
	case new.event
	when 'completed' then
		what_zh := '已完成填报，待审核';
		what_en := 'completed, awaiting acceptance';
		zh := format('%s 已报告 %s 数据填报完成，请审核。', who, new.period);
		en := format('%s has completed its report for %s; it awaits acceptance by the plan office.', who, new.period);
	when 'uncompleted' then
		what_zh := '撤回完成标记';
		what_en := 'completion withdrawn';
		zh := format('%s 撤回了 %s 的完成标记。', who, new.period);
		en := format('%s has withdrawn its completion of %s.', who, new.period);
	when 'accepted' then
		what_zh := '已审核通过并锁定';
		what_en := 'accepted and locked';
		zh := format('%s 的 %s 数据已由 %s 审核通过并锁定。如需修改，请联系规划办公室。', who, new.period, new.actor);
		en := format('The report of %s for %s was accepted by %s and is now locked. To change it, ask the plan office '
		             'to reopen it.', who, new.period, new.actor);
	when 'returned' then
		what_zh := '被退回';
		what_en := 'returned';
		zh := format('%s 的 %s 数据被 %s 退回，原因：%s。请修改后重新标记完成。', who, new.period, new.actor, new.reason);
		en := format('The report of %s for %s was returned by %s. Reason: %s. Please correct it and complete it again.',
		             who, new.period, new.actor, new.reason);
	when 'reopened' then
		what_zh := '已重新开放';
		what_en := 'reopened';
		zh := format('%s 的 %s 数据已由 %s 重新开放，原因：%s。', who, new.period, new.actor, new.reason);
		en := format('The report of %s for %s was reopened by %s. Reason: %s.', who, new.period, new.actor, new.reason);
	when 'locked' then
		what_zh := '已锁定';
		what_en := 'locked';
		zh := format('%s 的 %s 数据已超过截止日期后的锁定期限，已锁定。如需修改，请联系规划办公室。', who, new.period);
		en := format('The report of %s for %s is locked: %s. To change it, ask the plan office to reopen it.', who,
		             new.period, new.reason);
	end case;
	perform mestat.notify('cycle:' || new.id, new.event, new.reporter, new.period, true, office,
	                      format('[mestat] %s %s %s / %s %s: %s', name_zh, new.period, what_zh, name_en, new.period,
	                             what_en),
	                      zh || E'\n\n' || en, new.at);
	return null;
end
$$;

comment on function mestat.reporting_event_notify() is
	'Trigger on mestat.reporting_event: the notices of a state change, in the same transaction (the reporter''s '
	'contacts; the plan office''s too for completions).';
