-- report.caller_by_certificate: the current definition of this function.
-- First created in 030_replication.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function report.caller_by_certificate(p_sha256_hex text, p_cn text, p_subject_cn boolean)
returns table (reporter text, token_id bigint, evaluator text)
language plpgsql stable
security definer
set search_path = mestat, pg_temp
-- plpgsql, not sql: mestatd asks at every request, and an SQL function's
-- statement is planned at every call; plpgsql keeps its plan for the session.
as $$
begin
	return query
	select coalesce(mestat.certificate_reporter(p_sha256_hex),
	                (select r.code from mestat.reporter r where r.code = p_cn and r.active and p_subject_cn)),
	       null::bigint, mestat.certificate_evaluator(p_sha256_hex);
end
$$;

comment on function report.caller_by_certificate(text, text, boolean) is
	'mestatd, reading without the primary: the reporter (pinned fingerprint, or subject CN when P_SUBJECT_CN) or the '
	'evaluator a client certificate identifies; NULLs when none.';
