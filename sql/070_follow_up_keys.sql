-- 070: a held value's keys to the catalog and to its submission are checked
-- once per statement instead of once per row, as 068 did for the values.
--
-- mestat.follow_up had five foreign keys (observation, submission, reporter,
-- indicator, period), which PostgreSQL checks one row at a time, each check
-- a query with its executor started and a snapshot taken. A batch's values
-- held for follow-up are inserted by one statement
-- (mestat.ingest_warnings_of): in a bench/pull round, 2,636 of 3,000
-- submissions hold a value, five checks each. The four keys a follow-up
-- shares with the catalog and the submissions are now checked by the
-- statement trigger of the values (mestat.observation_keys_check): every
-- row they name locked by one statement, as a foreign key locks it (FOR KEY
-- SHARE), and a row naming one that is not there refused with a foreign
-- key's SQLSTATE 23503. On the other side (mestat.observation_keys_kept,
-- already on those four tables), a row that follow-ups name cannot be
-- deleted or have its key changed, as NO ACTION keys refused; none of the
-- four tables could be truncated while values are stored, and a follow-up
-- holds a value. The key to the value held (observation) stays a foreign
-- key: a value can be removed by its owner, and TRUNCATE ... CASCADE of the
-- values takes the follow-ups with them. docs/scale.md, "A held value's
-- keys checked once a statement".

set local role mestat_owner;

alter table mestat.follow_up
	drop constraint follow_up_submission_fkey,
	drop constraint follow_up_reporter_fkey,
	drop constraint follow_up_indicator_fkey,
	drop constraint follow_up_period_fkey;

-- As on mestat.observation: one trigger for inserts, one for updates
-- (transition tables go with one event only). The function's file in
-- sql/functions/ learns mestat.follow_up in the same run.
create trigger follow_up_keys after insert on mestat.follow_up
	referencing new table as new_rows
	for each statement execute function mestat.observation_keys_check();
create trigger follow_up_keys_update after update on mestat.follow_up
	referencing new table as new_rows
	for each statement execute function mestat.observation_keys_check();
comment on trigger follow_up_keys on mestat.follow_up is
	'The submission, reporter, indicator and period each new follow-up names exist (checked once per INSERT '
	'statement, SQLSTATE 23503) and are locked as a foreign key locks them.';
comment on trigger follow_up_keys_update on mestat.follow_up is
	'A follow-up updated (a decision, an owner''s correction) names a submission, reporter, indicator and period that '
	'exist.';

do $$
declare
	t text;
	k text;
begin
	foreach t in array array['reporter', 'indicator', 'period', 'submission'] loop
		k := case t when 'submission' then 'id' else 'code' end;
		execute format('comment on trigger observation_keys_delete on mestat.%I is %L', t,
		               format('A %s that values (mestat.observation) or follow-ups (mestat.follow_up) name cannot be '
		                      'deleted (SQLSTATE 23503).', t));
		execute format('comment on trigger observation_keys_update on mestat.%I is %L', t,
		               format('A %s''s %s that values or follow-ups name cannot change (SQLSTATE 23503).', t, k));
	end loop;
end
$$;
