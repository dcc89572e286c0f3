-- 004_credentials.sql: how a client becomes a reporter. Certificate pins
-- (SHA-256 fingerprints) and bearer tokens (only their SHA-256 is stored).
-- mestatd never reads these tables: it asks certificate_reporter() and
-- token_reporter(), which run as mestat_owner. Administration functions are
-- for the plan office (mestat_owner) only.
--
-- Tokens come from PostgreSQL's own strong random source (gen_random_uuid(),
-- core since PostgreSQL 13) and are hashed with the core sha256(); no
-- extension is needed.

set local role mestat_owner;

create table mestat.certificate_pin (
	sha256 text primary key check (sha256 ~ '^[0-9a-f]{64}$'),
	reporter text not null references mestat.reporter (code),
	registered_at timestamptz not null default now(),
	registered_by text not null default session_user,
	revoked_at timestamptz,
	note text
);
comment on table mestat.certificate_pin is
	'Client certificates pinned by SHA-256 fingerprint of the DER certificate: a TLS client presenting one is that reporter. '
	'(A certificate issued by tls_client_ca whose subject CN is a reporter code needs no pin.)';
comment on column mestat.certificate_pin.sha256 is 'SHA-256 of the DER-encoded certificate, 64 lowercase hex digits.';
comment on column mestat.certificate_pin.reporter is 'The reporter this certificate authenticates.';
comment on column mestat.certificate_pin.registered_at is 'When the pin was registered.';
comment on column mestat.certificate_pin.registered_by is 'Database login that registered it.';
comment on column mestat.certificate_pin.revoked_at is 'When the pin was revoked; NULL while valid.';
comment on column mestat.certificate_pin.note is 'Free text, e.g. which machine holds the key.';

create table mestat.api_token (
	id bigint generated always as identity primary key,
	reporter text not null references mestat.reporter (code),
	token_sha256 text not null unique check (token_sha256 ~ '^[0-9a-f]{64}$'),
	created_at timestamptz not null default now(),
	created_by text not null default session_user,
	revoked_at timestamptz,
	note text
);
comment on table mestat.api_token is
	'Bearer tokens. Only the SHA-256 of a token is stored; the token itself is shown once by mestat.create_token().';
comment on column mestat.api_token.id is 'Token id: what receipts and the submission log show (client_identity token:<id>).';
comment on column mestat.api_token.reporter is 'The reporter the token authenticates.';
comment on column mestat.api_token.token_sha256 is 'SHA-256 of the token text (UTF-8), lowercase hex.';
comment on column mestat.api_token.created_at is 'When the token was created.';
comment on column mestat.api_token.created_by is 'Database login that created it.';
comment on column mestat.api_token.revoked_at is 'When the token was revoked; NULL while valid.';
comment on column mestat.api_token.note is 'Free text, e.g. which system uses the token.';

-- Fingerprints are written many ways (AB:CD:…, ab cd …, SHA256 Fingerprint=…).
create function mestat.normalize_sha256_hex(p_hex text) returns text
language sql
immutable
set search_path = mestat, pg_temp
as $$
	select case
		when h ~ '^[0-9a-f]{64}$' then h
	       end
	  from (select lower(regexp_replace(
	                   regexp_replace(coalesce(p_hex, ''), '^\s*(sha-?256)?\s*(fingerprint)?\s*[:=]?', '', 'i'),
	                   '[^0-9A-Fa-f]', '', 'g')) as h) as x
$$;
comment on function mestat.normalize_sha256_hex(text) is
	'A SHA-256 fingerprint as 64 lowercase hex digits, whatever separators or prefix ("SHA256 Fingerprint=", colons, '
	'spaces) it was written with; NULL if it is not one.';

create function mestat.register_certificate(p_reporter text, p_sha256_hex text) returns void
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

create function mestat.revoke_certificate(p_sha256_hex text) returns boolean
language plpgsql
security definer
set search_path = mestat, pg_temp
as $$
begin
	update mestat.certificate_pin set revoked_at = now()
	 where sha256 = mestat.normalize_sha256_hex(p_sha256_hex) and revoked_at is null;
	return found;
end
$$;
comment on function mestat.revoke_certificate(text) is
	'Plan office: revoke a certificate pin. Returns false if no valid pin had that fingerprint.';

create function mestat.certificate_reporter(p_sha256_hex text) returns text
language sql
stable
security definer
set search_path = mestat, pg_temp
as $$
	select c.reporter
	  from mestat.certificate_pin c
	  join mestat.reporter r on r.code = c.reporter
	 where c.sha256 = mestat.normalize_sha256_hex(p_sha256_hex)
	   and c.revoked_at is null
	   and r.active
$$;
comment on function mestat.certificate_reporter(text) is
	'mestatd: the reporter a client certificate (SHA-256 fingerprint) is pinned to, or NULL (unknown, revoked, or the '
	'reporter is inactive). SECURITY DEFINER: mestatd cannot read the pins themselves.';

create function mestat.create_token(p_reporter text, p_note text default null) returns text
language plpgsql
security definer
set search_path = mestat, pg_temp
as $$
declare
	tok text;
begin
	if not exists (select 1 from mestat.reporter where code = p_reporter and active) then
		raise exception 'create_token: unknown or inactive reporter "%"', p_reporter using errcode = '22023';
	end if;
	-- 2 × 122 random bits from the server's strong random source, hashed to 64 hex digits.
	tok := 'mst_' || encode(sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text, 'UTF8')), 'hex');
	insert into mestat.api_token (reporter, token_sha256, note)
	values (p_reporter, encode(sha256(convert_to(tok, 'UTF8')), 'hex'), p_note);
	return tok;
end
$$;
comment on function mestat.create_token(text, text) is
	'Plan office: create a bearer token for reporter p_reporter and return it. This is the only time the token is '
	'visible; only its SHA-256 is stored (mestat.api_token). Tokens look like mst_ followed by 64 hex digits.';

create function mestat.revoke_token(p_token_id bigint) returns boolean
language plpgsql
security definer
set search_path = mestat, pg_temp
as $$
begin
	update mestat.api_token set revoked_at = now() where id = p_token_id and revoked_at is null;
	return found;
end
$$;
comment on function mestat.revoke_token(bigint) is
	'Plan office: revoke the token with this id. Returns false if there was no valid token with that id.';

create function mestat.revoke_token(p_token text) returns boolean
language plpgsql
security definer
set search_path = mestat, pg_temp
as $$
begin
	update mestat.api_token set revoked_at = now()
	 where token_sha256 = encode(sha256(convert_to(p_token, 'UTF8')), 'hex') and revoked_at is null;
	return found;
end
$$;
comment on function mestat.revoke_token(text) is
	'Plan office: revoke a token given its text (e.g. one that leaked). Returns false if it was not a valid token.';

create function mestat.token_reporter(p_token text)
returns table (reporter text, token_id bigint)
language sql
stable
security definer
set search_path = mestat, pg_temp
as $$
	select t.reporter, t.id
	  from mestat.api_token t
	  join mestat.reporter r on r.code = t.reporter
	 where t.token_sha256 = encode(sha256(convert_to(p_token, 'UTF8')), 'hex')
	   and t.revoked_at is null
	   and r.active
$$;
comment on function mestat.token_reporter(text) is
	'mestatd: the reporter and token id of a bearer token; no row if the token is unknown, revoked, or its reporter is '
	'inactive. SECURITY DEFINER: mestatd never sees the stored hashes.';

grant execute on function mestat.certificate_reporter(text) to mestat_daemon;
grant execute on function mestat.token_reporter(text) to mestat_daemon;
