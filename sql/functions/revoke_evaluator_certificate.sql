-- mestat.revoke_evaluator_certificate: the current definition of this function.
-- First created in 017_evaluators.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.revoke_evaluator_certificate(p_sha256_hex text) returns boolean
language plpgsql
security definer
set search_path = mestat, pg_temp
as $$
begin
	update mestat.evaluator_certificate_pin set revoked_at = now()
	 where sha256 = mestat.normalize_sha256_hex(p_sha256_hex) and revoked_at is null;
	return found;
end
$$;

comment on function mestat.revoke_evaluator_certificate(text) is
	'Plan office: revoke an evaluator''s certificate pin. Returns false if no valid pin had that fingerprint.';
