-- mestat.refuse_history_change: the current definition of this function.
-- First created in 002_catalog.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.refuse_history_change() returns trigger
language plpgsql
set search_path = mestat, pg_temp
as $$
begin
	if current_user = 'mestat_owner' then
		if tg_level = 'STATEMENT' then
			return null;
		elsif tg_op = 'DELETE' then
			return old;
		end if;
		return new;
	end if;
	raise exception '%.% keeps history: % is refused; add a new row instead (only mestat_owner, after SET ROLE, may correct history)',
		tg_table_schema, tg_table_name, tg_op
		using errcode = '42501';
end
$$;

comment on function mestat.refuse_history_change() is
	'Trigger on append-only tables (target, observation): refuses UPDATE, DELETE and TRUNCATE unless the current role is '
	'mestat_owner itself (a superuser must SET ROLE mestat_owner first, deliberately).';
