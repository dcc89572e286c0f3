/* store_ingest.h - the statements of one submission's transaction, in the
 * order ingest.c sends them; ingest.c holds the steps, this file their SQL.
 * Each names its parameters in order. */
#ifndef MESTAT_STORE_INGEST_H
#define MESTAT_STORE_INGEST_H

/* Transaction control. */
extern const char store_ingest_begin_sql[];
extern const char store_ingest_commit_sql[];
extern const char store_ingest_rollback_sql[];
/* A partial submission goes back to the rows as staged before they were
 * copied, and copies those not refused yet. */
extern const char store_ingest_savepoint_sql[];
extern const char store_ingest_rewind_sql[];

/* After BEGIN: the earlier receipt of the same body, or the staging table and
 * the submission row (mestat.ingest_open). $1 reporter, $2 via, $3 source,
 * $4 format, $5 content type, $6 SHA-256, $7 body as bytea text, $8 client
 * identity, $9 Idempotency-Key, $10 outcome, $11 look up ("t"/"f").
 * One row: id, received_at, receipt (not NULL: a replay). */
extern const char store_ingest_open_sql[];

/* A refused submission's audit record, in a transaction of its own.
 * $1..$9 as store_ingest_open_sql's, $10 outcome, $11 HTTP status,
 * $12 error detail (jsonb). One row: id, received_at. */
extern const char store_ingest_audit_sql[];

/* The staged rows refused (codes, values, rules, locked periods): rows of
 * seq, loc, field, status, reason. $1 reporter, $2 scheme (native: $2 NULL;
 * DHIS2: only $1). */
extern const char store_ingest_validate_sql[];
extern const char store_ingest_validate_dhis2_sql[];

/* DHIS2: comments without a value, then the import strategy. $1 CREATE,
 * UPDATE or NULL, $2 submission id. One row: notes, set aside. */
extern const char store_ingest_strategy_sql[];
/* The strategies $1 names (mestat.dhis2_strategy's words). */
extern const char store_ingest_strategy_create[];
extern const char store_ingest_strategy_update[];

/* Store the rows and compute the warnings. $1 submission id. One row: new,
 * revised, unchanged, deleted, warnings (JSON array). */
extern const char store_ingest_apply_sql[];

/* The validation above and the storing below in one call, for the
 * submission ingest_open opened in this transaction (a native submission,
 * not partial). $1 reporter, $2 scheme. Columns seq, loc, field, status,
 * reason, new, revised, unchanged, deleted, warnings: when rows are refused,
 * a row for each with its counts NULL (nothing stored); else one row of
 * counts and warnings. No row after a replay. */
extern const char store_ingest_validate_apply_sql[];

/* The signed receipt and the counts, written once. $1 counts, $2 receipt,
 * $3 submission id, $4 error detail or NULL. */
extern const char store_ingest_receipt_sql[];

/* A batch: several native submissions of different reporters in one
 * transaction. After BEGIN, store_ingest_batch_open_sql ($1..$9 the arrays
 * of store_ingest_open_sql's $1..$9, one place a submission; one row a
 * place, in their order, as store_ingest_open_sql's) and the batch's staging
 * statement (store.h); then store_ingest_batch_check_sql (no parameter: the
 * validation of them all; rows of submission, seq, loc, field, status,
 * reason for those refused, in the order of the ids, none for those kept or
 * a replay); then
 * store_ingest_batch_apply_sql (no parameter; one row a submission kept:
 * submission, new, revised, unchanged, deleted, warnings).
 * Last store_ingest_batch_close_sql ($1: a JSON array of {id, counts,
 * receipt} for a submission accepted, {id, outcome, http_status,
 * error_detail} for one refused) and COMMIT. */
extern const char store_ingest_batch_open_sql[];
extern const char store_ingest_batch_check_sql[];
extern const char store_ingest_batch_apply_sql[];
extern const char store_ingest_batch_close_sql[];

#endif
