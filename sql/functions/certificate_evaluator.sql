-- mestat.certificate_evaluator: the current definition of this function.
-- First created in 017_evaluators.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.certificate_evaluator(p_sha256_hex text) returns text
language sql
stable
security definer
set search_path = mestat, pg_temp
as $$
	select c.evaluator
	  from mestat.evaluator_certificate_pin c
	  join mestat.evaluator e on e.name = c.evaluator
	 where c.sha256 = mestat.normalize_sha256_hex(p_sha256_hex)
	   and c.revoked_at is null
	   and e.active
$$;

comment on function mestat.certificate_evaluator(text) is
	'mestatd: the evaluator a client certificate (SHA-256 fingerprint) is pinned to, or NULL (unknown, revoked, or '
	'the evaluator is inactive). SECURITY DEFINER: mestatd cannot read the pins themselves.';
