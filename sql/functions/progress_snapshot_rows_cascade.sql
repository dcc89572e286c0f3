-- mestat.progress_snapshot_rows_cascade: the current definition of this function.
-- First created in 051_progress_snapshot_key.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

-- What the foreign keys from mestat.progress_snapshot_detail and
-- mestat.reporting_status to mestat.progress_snapshot did on that side
-- (051): a deleted snapshot's rows go with it (ON DELETE CASCADE, once per
-- DELETE statement), a truncation empties both tables, and an id named by
-- rows cannot change (NO ACTION on update), nor the base of a snapshot that
-- assessments name, since their chain follows from it (053). The assessments
-- are found by chain, which their unique index leads with.
create or replace function mestat.progress_snapshot_rows_cascade() returns trigger
language plpgsql
security definer
set search_path = mestat, pg_temp
as $$
declare
	named text;
	changed text;
begin
	if tg_op = 'TRUNCATE' then
		truncate mestat.progress_snapshot_detail, mestat.reporting_status;
	elsif tg_op = 'DELETE' then
		delete from mestat.progress_snapshot_detail d
		 where (d.chain, d.snapshot) in (select coalesce(o.base, o.id), o.id from old_rows o);
		delete from mestat.reporting_status r where r.snapshot in (select o.id from old_rows o);
	elsif new.id is distinct from old.id or new.base is distinct from old.base then
		changed := case when new.id is distinct from old.id then 'id' else 'base' end;
		select t into named
		  from (select 'progress_snapshot_detail' as t
		         where exists (select 1 from mestat.progress_snapshot_detail d
		                        where d.chain = coalesce(old.base, old.id) and d.snapshot = old.id)
		        union all
		        select 'reporting_status'
		         where changed = 'id'
		           and exists (select 1 from mestat.reporting_status r where r.snapshot = old.id)) as x
		 limit 1;
		if found then
			raise exception 'snapshot % cannot change its %: rows of mestat.% name it', old.id, changed, named
				using errcode = 'foreign_key_violation', schema = tg_table_schema, table = tg_table_name,
				      column = changed;
		end if;
	end if;
	return null;
end
$$;

comment on function mestat.progress_snapshot_rows_cascade() is
	'Trigger on mestat.progress_snapshot: a deleted snapshot''s rows of mestat.progress_snapshot_detail and '
	'mestat.reporting_status go with it (once per DELETE statement), a truncation empties both, and an id they name '
	'cannot change (SQLSTATE 23503); 051. Nor can the base of a snapshot assessments name (their chain, 053).';
