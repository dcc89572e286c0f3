-- mestat.resolve_follow_up: the current definition of this function.
-- First created in 022_data_quality_ingest.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.resolve_follow_up(p_id bigint, p_decision text, p_note text default null)
returns mestat.follow_up
language plpgsql
set search_path = mestat, pg_temp
as $$
declare
	f mestat.follow_up;
	d text := case lower(btrim(p_decision))
	          when 'confirm' then 'confirmed' when 'confirmed' then 'confirmed'
	          when 'correct' then 'correction_requested' when 'correction_requested' then 'correction_requested'
	          end;
begin
	if d is null then
		raise exception 'decision must be confirm (the value is right) or correct (ask the reporter for a correction), '
			'got "%"', p_decision using errcode = '22023';
	end if;
	update mestat.follow_up u
	   set decision = d, decided_at = now(),
	       decided_by = coalesce(nullif(current_setting('mestat.actor', true), ''), session_user), note = p_note
	 where u.id = p_id
	returning * into f;
	if not found then
		raise exception 'follow-up % does not exist', p_id using errcode = '22023';
	end if;
	return f;
end
$$;

comment on function mestat.resolve_follow_up(bigint, text, text) is
	'The plan office decides a follow-up: decision confirm (the value is right; it counts as a confirmed outlier) or '
	'correct (the reporter is asked for a corrected value), with a note. A later decision replaces an earlier one.';
