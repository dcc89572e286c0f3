-- report.release_verification: the current definition of this view.
-- First created in 019_release.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace view report.release_verification as
select v.id, v.period, v.revision, v.sha256_ok, v.chain_ok, v.document_ok from mestat.verify_releases() v;

comment on view report.release_verification is
	'Every stored release checked: body hashes to sha256, previous_sha256 is the sha256 of the release before it, the '
	'document names the same period, revision and predecessor. The signatures are checked with openssl (README).';
comment on column report.release_verification.id is 'Position in the chain.';
comment on column report.release_verification.period is 'The quarter.';
comment on column report.release_verification.revision is 'The revision.';
comment on column report.release_verification.sha256_ok is 'The body hashes to the stored sha256.';
comment on column report.release_verification.chain_ok is 'previous_sha256 is the sha256 of the release before it.';
comment on column report.release_verification.document_ok is 'The signed document says the same period, revision and predecessor.';
