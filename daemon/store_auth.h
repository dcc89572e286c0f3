/* store_auth.h - the statements that say who a caller is: a client
 * certificate or a token, looked up by SECURITY DEFINER functions so that
 * mestatd never reads the stored hashes itself. */
#ifndef MESTAT_STORE_AUTH_H
#define MESTAT_STORE_AUTH_H

#include <stdbool.h>

#include "db.h"

/* Both lookups answer rows of (reporter, token id, evaluator): none, or
 * reporter and evaluator both NULL, when the credential is unknown. READ_POOL:
 * asked on the read pool (report_database), through the report functions its
 * evaluator role may call; else on the primary. */

/* store_caller_by_certificate: the caller of a client certificate with
 * fingerprint SHA256 (hex) and subject CN; the CN names a reporter only when
 * SUBJECT_CN. The token id column is NULL. */
void store_caller_by_certificate(struct db_conn *c, bool read_pool, const char *sha256, const char *cn, bool subject_cn,
                                 db_result_cb cb, void *arg);

/* store_caller_by_token: the caller of TOKEN (as presented, unhashed). */
void store_caller_by_token(struct db_conn *c, bool read_pool, const char *token, db_result_cb cb, void *arg);

#endif
