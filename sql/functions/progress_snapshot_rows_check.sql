-- mestat.progress_snapshot_rows_check: the current definition of this function.
-- First created in 051_progress_snapshot_key.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

-- The key of mestat.progress_snapshot_detail and mestat.reporting_status to
-- mestat.progress_snapshot, checked once per INSERT (a statement trigger
-- over its new rows, which all name one snapshot in a run) or per row moved
-- to another snapshot. It locks the snapshots as a foreign key does: FOR KEY
-- SHARE, so that a concurrent delete of one waits for this transaction to
-- end; a snapshot deleted while this one waited is not locked, and the
-- check that follows (a statement of its own, so a newer view of the table)
-- does not find it.
-- An assessment also names its snapshot's chain (the snapshot's base, or the
-- snapshot itself), which its unique index leads with (053).
create or replace function mestat.progress_snapshot_rows_check() returns trigger
language plpgsql
security definer
set search_path = mestat, pg_temp
as $$
declare
	detail boolean := tg_table_name = 'progress_snapshot_detail';
	ids bigint[];
	chains bigint[];
	bad bigint;
	bad_chain bigint;
	should bigint;
begin
	if tg_level = 'ROW' then
		ids := array[new.snapshot];
		if detail then
			chains := array[new.chain];
		end if;
	elsif detail then
		select array_agg(x.snapshot), array_agg(x.chain) into ids, chains
		  from (select distinct n.snapshot, n.chain from new_rows n) as x;
	else
		ids := array(select distinct n.snapshot from new_rows n);
	end if;
	-- An assessment's chain rests on its snapshot's base, which is no key
	-- column: FOR SHARE, so that a change of the base waits as well (053).
	if detail then
		perform 1 from mestat.progress_snapshot s where s.id = any (ids) for share;
	else
		perform 1 from mestat.progress_snapshot s where s.id = any (ids) for key share;
	end if;
	select u.id into bad
	  from unnest(ids) as u(id)
	 where not exists (select 1 from mestat.progress_snapshot s where s.id = u.id)
	 limit 1;
	if found then
		raise exception 'insert or update on table "%" names snapshot %, which is not in mestat.progress_snapshot',
			tg_table_name, bad
			using errcode = 'foreign_key_violation', schema = tg_table_schema, table = tg_table_name,
			      column = 'snapshot';
	end if;
	if detail then
		select u.id, u.chain, coalesce(s.base, s.id) into bad, bad_chain, should
		  from unnest(ids, chains) as u(id, chain)
		  join mestat.progress_snapshot s on s.id = u.id
		 where u.chain is distinct from coalesce(s.base, s.id)
		 limit 1;
		if found then
			raise exception 'insert or update on table "%" names chain % for snapshot %, whose chain is %',
				tg_table_name, bad_chain, bad, should
				using errcode = 'foreign_key_violation', schema = tg_table_schema, table = tg_table_name,
				      column = 'chain';
		end if;
	end if;
	return null;
end
$$;

comment on function mestat.progress_snapshot_rows_check() is
	'Trigger on mestat.progress_snapshot_detail and mestat.reporting_status: each new row''s snapshot exists in '
	'mestat.progress_snapshot (SQLSTATE 23503 otherwise), locked FOR KEY SHARE as a foreign key locks it; once per '
	'INSERT statement (051). An assessment names its snapshot''s chain, coalesce(base, id), and locks the snapshot FOR '
	'SHARE, so that its base cannot change meanwhile (053).';
