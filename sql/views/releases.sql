-- report.releases: the current definition of this view.
-- First created in 019_release.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace view report.releases as
select r.id, r.period, r.revision, r.published_at, r.reason, r.sha256, r.previous_sha256, r.signature,
       r.key_fingerprint, r.public_key,
       exists (select 1 from mestat.release n where n.period = r.period and n.revision > r.revision) as superseded,
       (r.body::jsonb->>'release_date')::date as release_date,
       r.body
  from mestat.release r;

comment on view report.releases is
	'Every published release in chain order: hashes, signature and the signed canonical JSON (body); superseded when a '
	'later revision of the same quarter exists.';
comment on column report.releases.id is 'Position in the chain.';
comment on column report.releases.period is 'The quarter.';
comment on column report.releases.revision is '1, or 2, 3 … for corrections.';
comment on column report.releases.published_at is 'When it was published.';
comment on column report.releases.reason is 'Why a correction was published.';
comment on column report.releases.sha256 is 'SHA-256 of body (hex).';
comment on column report.releases.previous_sha256 is 'sha256 of the release before it; NULL for the first.';
comment on column report.releases.signature is 'Ed25519 signature of body with the receipt key, base64.';
comment on column report.releases.key_fingerprint is 'SHA-256 of the signing public key (DER), hex.';
comment on column report.releases.public_key is 'The signing public key (PEM).';
comment on column report.releases.superseded is 'True when a later revision of the same quarter exists.';
comment on column report.releases.release_date is 'The calendar release date it was published for.';
comment on column report.releases.body is 'The signed canonical JSON, byte for byte.';
