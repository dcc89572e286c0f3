-- mestat.record_release: the current definition of this function.
-- First created in 019_release.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.record_release(p_period text, p_body text, p_signature text, p_key_fingerprint text,
                                      p_public_key text, p_request bigint default null) returns bigint
language plpgsql
security definer
set search_path = mestat, pg_temp
as $$
declare
	doc jsonb := p_body::jsonb;
	head mestat.release;
	rev integer;
	new_id bigint;
begin
	-- One release at a time: the chain head read here stays the head until commit.
	perform pg_advisory_xact_lock(1835365236, 19);
	select * into head from mestat.release order by id desc limit 1;
	select coalesce(max(revision), 0) + 1 into rev from mestat.release where period = p_period;
	if doc->>'period' is distinct from p_period or (doc->>'revision')::integer is distinct from rev then
		raise exception 'record_release: the document is for % revision %, expected % revision %',
			doc->>'period', doc->>'revision', p_period, rev using errcode = '40001';
	end if;
	if doc->>'previous_sha256' is distinct from head.sha256 then
		raise exception 'record_release: the document follows %, but the chain ends at %',
			coalesce(doc->>'previous_sha256', 'nothing'), coalesce(head.sha256, 'nothing') using errcode = '40001';
	end if;
	insert into mestat.release (period, revision, body, sha256, previous_sha256, signature, key_fingerprint, public_key,
	                            published_at, reason, request)
	values (p_period, rev, p_body, encode(sha256(convert_to(p_body, 'UTF8')), 'hex'), head.sha256, p_signature,
	        p_key_fingerprint, p_public_key, (doc->>'published_at')::timestamptz, doc->>'reason', p_request)
	returning id into new_id;
	if p_request is not null then
		update mestat.release_request set release = new_id, done_at = now() where id = p_request;
	end if;
	return new_id;
end
$$;

comment on function mestat.record_release(text, text, text, text, text, bigint) is
	'mestatd: store a signed release (P_BODY: the canonical JSON it signed). Refuses (SQLSTATE 40001) a document whose '
	'period, revision or previous_sha256 is not the next link of the chain, so two daemons cannot both publish.';
