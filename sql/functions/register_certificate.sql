-- mestat.register_certificate: the current definition of this function.
-- First created in 004_credentials.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.register_certificate(p_reporter text, p_sha256_hex text) returns void
language plpgsql
security definer
set search_path = mestat, pg_temp
as $$
declare
	fp text := mestat.normalize_sha256_hex(p_sha256_hex);
	holder text;
begin
	if not exists (select 1 from mestat.reporter where code = p_reporter) then
		raise exception 'register_certificate: unknown reporter "%"', p_reporter using errcode = '22023';
	end if;
	if fp is null then
		raise exception 'register_certificate: "%" is not a SHA-256 fingerprint (64 hex digits)', p_sha256_hex
			using errcode = '22023';
	end if;
	select reporter into holder from mestat.certificate_pin where sha256 = fp;
	if found and holder <> p_reporter then
		raise exception 'register_certificate: this certificate is already registered for reporter %', holder
			using errcode = '23505';
	end if;
	insert into mestat.certificate_pin (sha256, reporter) values (fp, p_reporter)
	on conflict (sha256) do update
		set revoked_at = null, registered_at = now(), registered_by = session_user;
end
$$;

comment on function mestat.register_certificate(text, text) is
	'Plan office: pin the client certificate with SHA-256 fingerprint p_sha256_hex (any usual spelling) to reporter '
	'p_reporter. Registering a revoked pin again reinstates it.';
