-- mestat.revoke_token: the current definition of this function.
-- First created in 004_credentials.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.revoke_token(p_token_id bigint) returns boolean
language plpgsql
security definer
set search_path = mestat, pg_temp
as $$
begin
	update mestat.api_token set revoked_at = now() where id = p_token_id and revoked_at is null;
	return found;
end
$$;

create or replace function mestat.revoke_token(p_token text) returns boolean
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

comment on function mestat.revoke_token(bigint) is
	'Plan office: revoke the token with this id. Returns false if there was no valid token with that id.';
comment on function mestat.revoke_token(text) is
	'Plan office: revoke a token given its text (e.g. one that leaked). Returns false if it was not a valid token.';
