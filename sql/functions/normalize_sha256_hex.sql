-- mestat.normalize_sha256_hex: the current definition of this function.
-- First created in 004_credentials.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

-- Fingerprints are written many ways (AB:CD:…, ab cd …, SHA256 Fingerprint=…).
create or replace function mestat.normalize_sha256_hex(p_hex text) returns text
language plpgsql
immutable
set search_path = mestat, pg_temp
-- plpgsql, not sql: asked at every request that presents a certificate
-- (through certificate_reporter), and an SQL function with a SET clause is
-- planned at every call.
as $$
declare
	h text := lower(regexp_replace(
	              regexp_replace(coalesce(p_hex, ''), '^\s*(sha-?256)?\s*(fingerprint)?\s*[:=]?', '', 'i'),
	              '[^0-9A-Fa-f]', '', 'g'));
begin
	if h ~ '^[0-9a-f]{64}$' then
		return h;
	end if;
	return null;
end
$$;

comment on function mestat.normalize_sha256_hex(text) is
	'A SHA-256 fingerprint as 64 lowercase hex digits, whatever separators or prefix ("SHA256 Fingerprint=", colons, '
	'spaces) it was written with; NULL if it is not one.';
