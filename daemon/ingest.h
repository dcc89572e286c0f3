/* ingest.h - one submission from body to committed rows: decode, validate,
 * authorize, store in one transaction, sign the receipt. Push and pull both
 * come through here. */
#ifndef MESTAT_INGEST_H
#define MESTAT_INGEST_H

#include "ingest_types.h"

struct db;
struct receipt_key;

/* ingest_submit: run RQ through the pipeline on a connection of DB and call
 * CB exactly once (possibly before returning, e.g. on a decode error when no
 * audit record can be written). KEY signs receipts; the submission holds
 * a reference to it until it ends, so a reload may replace it meanwhile. A
 * submission that commits (201) pokes the scheduler (sched_poke) before CB. */
void ingest_submit(struct db *db, struct receipt_key *key, const struct ingest_request *rq, ingest_cb cb, void *arg);

#endif
