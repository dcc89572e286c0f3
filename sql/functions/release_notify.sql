-- mestat.release_notify: the current definition of this function.
-- First created in 028_notifications.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.release_notify() returns trigger
language plpgsql
security definer
set search_path = mestat, pg_temp
as $$
declare
	zh text := format('%s 季度监测评估结果已发布（第 %s 版）。', new.period, new.revision);
	en text := format('The monitoring and evaluation release for %s has been published (revision %s).', new.period,
	                  new.revision);
	r record;
begin
	perform mestat.notify('release:' || new.id, 'release', null, new.period, false, true,
	                      format('[mestat] %s / Release %s published', zh, new.period), zh || E'\n\n' || en,
	                      new.published_at);
	for r in select distinct c.reporter from mestat.reporter_contact c where c.active and c.reporter is not null loop
		perform mestat.notify('release:' || new.id, 'release', r.reporter, new.period, true, false,
		                      format('[mestat] %s / Release %s published', zh, new.period), zh || E'\n\n' || en,
		                      new.published_at);
	end loop;
	return null;
end
$$;

comment on function mestat.release_notify() is
	'Trigger on mestat.release: every active contact (reporters and plan office) is told of a published release.';
