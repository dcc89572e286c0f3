-- 068: the values' keys to the catalog and to their submission are checked
-- once per statement instead of once per row.
--
-- mestat.observation had five foreign keys (indicator, reporter, period,
-- status, submission), which PostgreSQL checks one row at a time: for each
-- value stored, five queries, each with its executor started and its
-- snapshot taken. A batch of 16 five-row submissions paid 400 of them; its
-- transaction, replayed by pgbench on a bench/pull 3000 database, took
-- 10.6 ms of the server's CPU with the keys and 9.1 ms with one check of
-- each key per statement (docs/scale.md, "The values' keys checked once a
-- statement"). As 051 did for the snapshots' rows: a statement trigger
-- (mestat.observation_keys_check) locks every row the new values name as a
-- foreign key locks it (FOR KEY SHARE, so that a concurrent delete or key
-- change waits for the inserting transaction to end) and refuses, with a
-- foreign key's SQLSTATE 23503, a value naming a row that is not there. On
-- the other side (mestat.observation_keys_kept), a named row cannot be
-- deleted, have its key changed, or be truncated away, as NO ACTION keys
-- refused. The definitions of the trigger functions are in sql/functions/.

set local role mestat_owner;

alter table mestat.observation
	drop constraint observation_indicator_fkey,
	drop constraint observation_reporter_fkey,
	drop constraint observation_period_fkey,
	drop constraint observation_status_fkey,
	drop constraint observation_submission_fkey;

-- Stubs, replaced by their files in sql/functions/ in the same run.
create function mestat.observation_keys_check() returns trigger language plpgsql as $$ begin return null; end $$;
create function mestat.observation_keys_kept() returns trigger language plpgsql as $$ begin return null; end $$;
revoke all on function mestat.observation_keys_check(), mestat.observation_keys_kept() from public;

-- Transition tables cannot go with a column list, nor with two events: one
-- trigger for inserts, one for updates (only mestat_owner updates values:
-- mestat.refuse_history_change).
create trigger observation_keys after insert on mestat.observation
	referencing new table as new_rows
	for each statement execute function mestat.observation_keys_check();
create trigger observation_keys_update after update on mestat.observation
	referencing new table as new_rows
	for each statement execute function mestat.observation_keys_check();
comment on trigger observation_keys on mestat.observation is
	'The indicator, reporter, period, status and submission each new value names exist (checked once per INSERT '
	'statement, SQLSTATE 23503) and are locked as a foreign key locks them.';
comment on trigger observation_keys_update on mestat.observation is
	'A value corrected by mestat_owner names an indicator, reporter, period, status and submission that exist.';

-- The rows named, on their side: each of the five tables, its key column.
do $$
declare
	t text;
	k text;
	what text;
begin
	foreach t in array array['reporter', 'indicator', 'period', 'obs_status', 'submission'] loop
		k := case t when 'submission' then 'id' else 'code' end;
		what := case t when 'obs_status' then 'status' else t end;
		execute format('create trigger observation_keys_delete after delete on mestat.%I '
		               'referencing old table as old_rows for each statement '
		               'execute function mestat.observation_keys_kept()', t);
		execute format('create trigger observation_keys_update after update of %1$I on mestat.%2$I '
		               'for each row when (old.%1$I is distinct from new.%1$I) '
		               'execute function mestat.observation_keys_kept()', k, t);
		execute format('create trigger observation_keys_truncate before truncate on mestat.%I '
		               'for each statement execute function mestat.observation_keys_kept()', t);
		execute format('comment on trigger observation_keys_delete on mestat.%I is %L', t,
		               format('A %s that values (mestat.observation) name cannot be deleted (SQLSTATE 23503).', what));
		execute format('comment on trigger observation_keys_update on mestat.%I is %L', t,
		               format('A %s''s %s that values name cannot change (SQLSTATE 23503).', what, k));
		execute format('comment on trigger observation_keys_truncate on mestat.%I is %L', t,
		               format('No %s can be truncated away while any value (mestat.observation) is stored '
		                      '(SQLSTATE 23503).', what));
	end loop;
end
$$;
