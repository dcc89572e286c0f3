-- mestat.observation_keys_kept: the current definition of this function.
-- First created in 068_observation_keys.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

-- What the foreign keys of mestat.observation refused on the other side
-- (NO ACTION), now that they are checked once per statement (068): a
-- reporter, indicator, period, status or submission that values name
-- cannot be deleted (once per DELETE statement, over the rows deleted) or
-- have its key changed, and none of these tables can be truncated while
-- values are stored. The same of the reporter, indicator, period and
-- submission that follow-ups (mestat.follow_up) name, whose keys are
-- checked the same way since 070 (their truncation too, as a follow-up
-- holds a value). A value inserted meanwhile locked its
-- rows FOR KEY SHARE, so the delete waited for it; the look here is a
-- statement of its own, which sees it. A key deleted and given again by the
-- same statement is still there, as NO ACTION allowed. (Periods and
-- statuses are found by a scan of the values: neither is ever deleted in
-- use; nor is a follow-up's submission looked up by an index.)
create or replace function mestat.observation_keys_kept() returns trigger
language plpgsql
security definer
set search_path = mestat, pg_temp
as $$
declare
	key_col text := case tg_table_name when 'submission' then 'id' else 'code' end;
	-- The column that names this table's rows, the same in both tables.
	col text := case tg_table_name when 'obs_status' then 'status' else tg_table_name end;
	key_type text := case tg_table_name when 'submission' then 'bigint' else 'text' end;
	-- The tables that name them, and what their rows are called.
	naming text[] := case tg_table_name when 'obs_status' then array['observation']
	                                    else array['observation', 'follow_up'] end;
	t text;
	what text;
	named text;
begin
	-- (A follow-up holds a value: none is stored while no value is.)
	if tg_op = 'TRUNCATE' then
		if exists (select 1 from mestat.observation) then
			raise exception 'mestat.% cannot be truncated: values (mestat.observation) name its rows', tg_table_name
				using errcode = 'foreign_key_violation', schema = tg_table_schema, table = tg_table_name;
		end if;
		return null;
	end if;
	foreach t in array naming loop
		what := case t when 'observation' then 'values' else 'follow-ups' end;
		if tg_op = 'DELETE' then
			execute format('select d.k::text from (select distinct o.%2$I as k from old_rows o) as d '
			               ' where exists (select 1 from mestat.%4$I v where v.%3$I = d.k) '
			               '   and not exists (select 1 from mestat.%1$I t where t.%2$I = d.k) limit 1',
			               tg_table_name, key_col, col, t)
			   into named;
		else
			execute format('select $1::text where exists (select 1 from mestat.%3$I v where v.%1$I = $1::%2$s)',
			               col, key_type, t)
			   into named
			  using (to_jsonb(old) ->> key_col);
		end if;
		if named is not null then
			raise exception 'update or delete on table "%" of % "%", which % (mestat.%) name',
				tg_table_name, col, named, what, t
				using errcode = 'foreign_key_violation', schema = tg_table_schema, table = tg_table_name,
				      column = key_col;
		end if;
	end loop;
	return null;
end
$$;

comment on function mestat.observation_keys_kept() is
	'Trigger on mestat.reporter, indicator, period, obs_status and submission: a row that values (mestat.observation) '
	'or follow-ups (mestat.follow_up; not a status) name cannot be deleted or have its key changed, and the table '
	'cannot be truncated while values (and so follow-ups) are stored (SQLSTATE 23503), as the foreign keys of '
	'mestat.observation refused before 068, and those of mestat.follow_up before 070.';
