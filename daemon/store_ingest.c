/* store_ingest.c - the SQL of a submission's transaction (see
 * store_ingest.h); the steps that send it are in ingest.c. */
#include "store_ingest.h"

const char store_ingest_begin_sql[] = "BEGIN";
const char store_ingest_commit_sql[] = "COMMIT";
const char store_ingest_rollback_sql[] = "ROLLBACK";
const char store_ingest_savepoint_sql[] = "SAVEPOINT staged";
const char store_ingest_rewind_sql[] = "ROLLBACK TO SAVEPOINT staged";

const char store_ingest_open_sql[] =
	"SELECT id, received_at, receipt FROM mestat.ingest_open($1, $2, $3, $4, $5, $6, $7::bytea, $8, $9, $10,"
	" $11::boolean)";

const char store_ingest_audit_sql[] =
	"INSERT INTO mestat.submission (reporter, via, source, format, content_type, sha256, body,"
	" client_identity, idempotency_key, outcome, http_status, error_detail)"
	" VALUES ($1, $2, $3, $4, $5, $6, $7::bytea, $8, $9, $10, $11::int, $12::jsonb)"
	" RETURNING id, to_char(received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')";

const char store_ingest_validate_sql[] =
	"SELECT seq, loc, field, status, reason FROM mestat.ingest_validate($1, $2) ORDER BY seq, field";
const char store_ingest_validate_dhis2_sql[] =
	"SELECT seq, loc, field, status, reason FROM mestat.dhis2_validate($1) ORDER BY seq, field";

const char store_ingest_strategy_sql[] =
	"SELECT n, CASE WHEN $1::text IS NULL THEN 0 ELSE mestat.dhis2_strategy($1) END"
	" FROM mestat.dhis2_notes($2::bigint) n";

const char store_ingest_strategy_create[] = "CREATE";
const char store_ingest_strategy_update[] = "UPDATE";

/* The warnings are computed once the rows are stored, in the same statement:
 * outliers against the stored history, warn rules on the values as they now
 * are. */
const char store_ingest_apply_sql[] =
	"SELECT a.*, mestat.ingest_warnings($1::bigint) FROM mestat.ingest_apply($1::bigint) a";

const char store_ingest_validate_apply_sql[] =
	"SELECT seq, loc, field, status, reason, new, revised, unchanged, deleted, warnings"
	" FROM mestat.ingest_validate_apply($1, $2)";

const char store_ingest_receipt_sql[] = "UPDATE mestat.submission SET counts = $1::jsonb, receipt = $2,"
					" error_detail = coalesce($4::jsonb, error_detail) WHERE id = $3::bigint";

const char store_ingest_batch_open_sql[] =
	"SELECT id, received_at, receipt FROM mestat.ingest_batch_open($1::text[], $2::text[], $3::text[], $4::text[],"
	" $5::text[], $6::text[], $7::bytea[], $8::text[], $9::text[])";
const char store_ingest_batch_check_sql[] =
	"SELECT submission, seq, loc, field, status, reason FROM mestat.ingest_batch_check()";
const char store_ingest_batch_apply_sql[] =
	"SELECT submission, new, revised, unchanged, deleted, warnings FROM mestat.ingest_batch_apply()";
/* Each submission's answer written by the key (066_ingest_batch_close.sql). */
const char store_ingest_batch_close_sql[] = "SELECT mestat.ingest_batch_close($1::jsonb)";
