-- mestat.setting_put: the current definition of this function.
-- First created here: the migration runner applies every file of this
-- directory after the numbered migrations, in name order.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

-- mestatd's settings are written by every connection as it opens, in one
-- transaction with its other settings. An upsert locks the row even when the
-- value is already in force, and the connections of a starting pool would
-- wait for each other's setup to end: the row is read first, and only a new
-- value is written.
create or replace function mestat.setting_put(p_name text, p_value text) returns boolean
language plpgsql
set search_path = mestat, pg_temp
as $$
begin
	if exists (select from mestat.setting s where s.name = p_name and s.value = p_value) then
		return false;
	end if;
	insert into mestat.setting as s (name, value) values (p_name, p_value)
	on conflict (name) do update
		set value = excluded.value, updated_at = now(), updated_by = session_user
		where s.value is distinct from excluded.value;
	return found;
end
$$;

comment on function mestat.setting_put(text, text) is
	'Store setting p_name = p_value unless that value is already in force, without locking the row then; true when '
	'it wrote. For the SECURITY DEFINER setters set_due_days, set_release_days and set_lock_days.';
