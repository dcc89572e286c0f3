-- 063: a submission's validation and its storing in one call.
--
-- mestatd sent a submission in four round trips: BEGIN with
-- mestat.ingest_open(); the rows staged with mestat.ingest_validate(); then,
-- the validation having found nothing, mestat.ingest_apply() with
-- mestat.ingest_warnings(); last the receipt with COMMIT. Each trip holds
-- the connection idle, inside the transaction, while the answer travels
-- and mestatd takes its turn. mestat.ingest_validate_apply() validates the
-- staged rows and, when nothing is refused, stores them and scores them in
-- the same call, for the submission that mestat.ingest_open() opened in
-- this transaction (it keeps the id for it). So the first three steps go in
-- one round trip, and a submission takes two: the receipt is signed by
-- mestatd from what the first returns. A DHIS2 submission (its import
-- strategy is applied between the two) and a partial one (validated again
-- without the rows refused) keep the steps apart. Its current definition is
-- sql/functions/ingest_validate_apply.sql.

set local role mestat_owner;

-- A stub, replaced by sql/functions/ingest_validate_apply.sql in the same run.
create function mestat.ingest_validate_apply(p_reporter text, p_scheme text default null)
returns table (seq integer, loc text, field text, status integer, reason text,
               new integer, revised integer, unchanged integer, deleted integer, warnings jsonb)
language sql
as 'select null::integer, null::text, null::text, null::integer, null::text, null::integer, null::integer,
           null::integer, null::integer, null::jsonb where false';

comment on function mestat.ingest_validate_apply(text, text) is
	'The validation and storing of a submission in one call (definition: sql/functions/).';

revoke all on function mestat.ingest_validate_apply(text, text) from public;
grant execute on function mestat.ingest_validate_apply(text, text) to mestat_daemon;
