/* store_api.h - the statements behind the write API's reads (api.c): a
 * submission's stored record and the catalog. Both answer one row of one
 * column, a JSON text ready to send. */
#ifndef MESTAT_STORE_API_H
#define MESTAT_STORE_API_H

#include "db.h"

/* store_submission_record: submission ID (decimal text) as the JSON object
 * GET /api/v1/submissions/{id} answers; no row when there is none, or when
 * REPORTER (NULL: any; an evaluator reads every one) did not send it. */
void store_submission_record(struct db_conn *c, const char *id, const char *reporter, db_result_cb cb, void *arg);

/* store_catalog: the active reporters and indicators and the open periods
 * that have begun, as the JSON object GET /api/v1/catalog answers. */
void store_catalog(struct db_conn *c, db_result_cb cb, void *arg);

#endif
