-- mestat.submission_guard: the current definition of this function.
-- First created in 005_ingest.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.submission_guard() returns trigger
language plpgsql
set search_path = mestat, pg_temp
as $$
begin
	if current_user <> 'mestat_owner' and old.receipt is not null
	   and (new.receipt is distinct from old.receipt or new.outcome is distinct from old.outcome
	        or new.counts is distinct from old.counts or new.http_status is distinct from old.http_status) then
		raise exception 'submission % already has a signed receipt; it cannot change', old.id using errcode = '42501';
	end if;
	return new;
end
$$;

comment on function mestat.submission_guard() is
	'Trigger: once a submission carries its signed receipt, its receipt, outcome, status and counts cannot change.';
