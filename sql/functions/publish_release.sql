-- mestat.publish_release: the current definition of this function.
-- First created in 019_release.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.publish_release(p_period text, p_reason text default null) returns bigint
language plpgsql
security definer
set search_path = mestat, pg_temp
as $$
declare
	id bigint;
begin
	if not exists (select 1 from mestat.period where code = p_period and kind = 'quarter') then
		raise exception 'publish_release: "%" is not a quarter (e.g. 2018Q3)', p_period using errcode = '22023';
	end if;
	if exists (select 1 from mestat.release where period = p_period) and coalesce(btrim(p_reason), '') = '' then
		raise exception 'publish_release: % is already published; a correction needs a reason (second argument)', p_period
			using errcode = '22023';
	end if;
	if exists (select 1 from mestat.release_request q where q.period = p_period and q.done_at is null) then
		raise exception 'publish_release: % is already waiting to be published (mestat.release_request)', p_period
			using errcode = '55000';
	end if;
	insert into mestat.release_request (period, reason) values (p_period, nullif(btrim(p_reason), ''))
	returning release_request.id into id;
	perform pg_notify('mestat_release', p_period);
	return id;
end
$$;

comment on function mestat.publish_release(text, text) is
	'Plan office: ask mestatd to publish the quarter now (before its release date), or, with a reason, to publish a '
	'correction of a quarter already published (revision 2, 3 …). mestatd signs it on its next round (within seconds). '
	'Returns the request number (mestat.release_request).';
