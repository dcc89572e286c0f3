-- mestat.validation_rule_check: the current definition of this function.
-- First created in 022_data_quality_ingest.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.validation_rule_check() returns trigger
language plpgsql
set search_path = mestat, pg_temp
as $$
declare
	bad text;
begin
	select s.key into bad
	  from (select key, value from jsonb_each(new.left_side) union all select key, value from jsonb_each(new.right_side)) s
	 where not exists (select 1 from mestat.indicator i where i.code = s.key) or jsonb_typeof(s.value) <> 'number'
	 limit 1;
	if found then
		raise exception 'validation rule %: "%" is not an indicator code with a number as coefficient', new.name, bad
			using errcode = '23514';
	end if;
	return new;
end
$$;

comment on function mestat.validation_rule_check() is
	'Trigger: every key of a validation rule''s sides is an indicator code and every coefficient a number.';
