/* ingest_batch.h - native submissions that wait for a database connection
 * together share it: one transaction, shared statements for the storing,
 * the scoring and the receipts, each still validated and answered on its
 * own (064_ingest_batch.sql). */
#ifndef MESTAT_INGEST_BATCH_H
#define MESTAT_INGEST_BATCH_H

#include <stdbool.h>

#include "db.h"
#include "ingest_job.h"

/* ingest_batch_fits: whether J may share a transaction with others (a
 * native submission, not partial, not a dry run, decoded). */
bool ingest_batch_fits(const struct job *j);

/* ingest_batch_wait: J waits for a connection of j->db, with the others
 * that may share it; a connection that finds it alone starts it with
 * START_ALONE. -1 when the pool has no connection (J is not kept). */
int ingest_batch_wait(struct job *j, db_acquire_cb start_alone);

#endif
