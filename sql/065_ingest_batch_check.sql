-- 065: a batch's submissions validated by one run of the rules.
--
-- In a batch (064) each submission was still validated by a run of its own:
-- some forty statements, whatever its size, most of what a five-row
-- submission costs once its storing is shared (docs/scale.md, "Submissions
-- validated together"). The rows of a batch's submissions are now staged
-- side by side, each with the id of its submission
-- (pg_temp.ingest_row.submission), and mestat.ingest_batch_check() judges
-- them all by one run of mestat.ingest_validate(), each row against its own
-- sender (pg_temp.ingest_row.submitter; mestat.ingest_validate_catalog_rows()
-- with no p_reporter). That run gives each submission the judgement it
-- would have alone: the duplicates are sought within a submission, and a
-- validation rule reads another reporter's staged value only from the same
-- submission (mestat.validation_check_staged() now says which submission
-- each of its rows judges, in a column of its own), so a province's rule
-- reads its separate-plan city's stored value even when the city is a
-- batch-mate. The reporters must differ, and none be the ministry or a
-- department (rules of their own sender). When the run refuses anything,
-- or they are not such, each submission is judged again alone, on its rows
-- as sent, for its own answer. The current definitions are in
-- sql/functions/.

set local role mestat_owner;

-- A column more: dropped here, made again from sql/functions/ in this run.
drop function mestat.validation_check_staged();
create function mestat.validation_check_staged()
returns table (rule text, severity text, reporter text, period text, left_value numeric, right_value numeric,
               indicators text[], message text, other_reporter text, submission bigint)
language sql as 'select null::text, null::text, null::text, null::text, null::numeric, null::numeric, null::text[],
                        null::text, null::text, null::bigint where false';
comment on function mestat.validation_check_staged() is 'Rules broken by staged rows (definition: sql/functions/).';
revoke all on function mestat.validation_check_staged() from public;
grant execute on function mestat.validation_check_staged() to mestat_daemon;

-- Stub, replaced by sql/functions/ in the same run.
create function mestat.ingest_batch_check()
returns table (submission bigint, seq integer, loc text, field text, status integer, reason text)
language sql as 'select null::bigint, null::integer, null::text, null::text, null::integer, null::text where false';

comment on function mestat.ingest_batch_check() is 'Validates a batch (definition: sql/functions/).';

revoke all on function mestat.ingest_batch_check() from public;
grant execute on function mestat.ingest_batch_check() to mestat_daemon;
