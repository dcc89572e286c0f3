-- mestat.register_evaluator_certificate: the current definition of this function.
-- First created in 017_evaluators.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.register_evaluator_certificate(p_name text, p_sha256_hex text) returns void
language plpgsql
security definer
set search_path = mestat, pg_temp
as $$
declare
	fp text := mestat.normalize_sha256_hex(p_sha256_hex);
	holder text;
begin
	if not exists (select 1 from mestat.evaluator where name = p_name) then
		if p_name is null or p_name !~ '^[A-Za-z0-9][A-Za-z0-9_.@-]{0,62}$' then
			raise exception 'register_evaluator_certificate: "%" is not an evaluator name', p_name
				using errcode = '22023';
		end if;
		insert into mestat.evaluator (name) values (p_name) on conflict (name) do nothing;
	end if;
	if fp is null then
		raise exception 'register_evaluator_certificate: "%" is not a SHA-256 fingerprint (64 hex digits)', p_sha256_hex
			using errcode = '22023';
	end if;
	select reporter into holder from mestat.certificate_pin where sha256 = fp and revoked_at is null;
	if found then
		raise exception 'register_evaluator_certificate: this certificate is registered for reporter %', holder
			using errcode = '23505';
	end if;
	select evaluator into holder from mestat.evaluator_certificate_pin where sha256 = fp;
	if found and holder <> p_name then
		raise exception 'register_evaluator_certificate: this certificate is already registered for evaluator %', holder
			using errcode = '23505';
	end if;
	insert into mestat.evaluator_certificate_pin (sha256, evaluator) values (fp, p_name)
	on conflict (sha256) do update
		set revoked_at = null, registered_at = now(), registered_by = session_user;
end
$$;

comment on function mestat.register_evaluator_certificate(text, text) is
	'Plan office: pin the client certificate with SHA-256 fingerprint p_sha256_hex (any usual spelling) to evaluator '
	'p_name (created on first use). Refused when the fingerprint is pinned to a reporter. Registering a revoked pin '
	'again reinstates it.';
