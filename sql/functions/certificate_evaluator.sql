-- mestat.certificate_evaluator: the current definition of this function.
-- First created in 017_evaluators.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.certificate_evaluator(p_sha256_hex text) returns text
language plpgsql
stable
security definer
set search_path = mestat, pg_temp
-- plpgsql, not sql: mestatd asks at every request, and an SQL function's
-- statement is planned at every call; plpgsql keeps its plan for the session.
as $$
declare
	pinned text;
begin
	select c.evaluator into pinned
	  from mestat.evaluator_certificate_pin c
	  join mestat.evaluator e on e.name = c.evaluator
	 where c.sha256 = mestat.normalize_sha256_hex(p_sha256_hex)
	   and c.revoked_at is null
	   and e.active;
	return pinned;
end
$$;

comment on function mestat.certificate_evaluator(text) is
	'mestatd: the evaluator a client certificate (SHA-256 fingerprint) is pinned to, or NULL (unknown, revoked, or '
	'the evaluator is inactive). SECURITY DEFINER: mestatd cannot read the pins themselves.';
