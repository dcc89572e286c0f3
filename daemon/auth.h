/* auth.h - who is calling: client certificate (pinned fingerprint or subject
 * CN) or bearer token, resolved through the database to one reporter or
 * one evaluator. */
#ifndef MESTAT_AUTH_H
#define MESTAT_AUTH_H

#include <stdbool.h>

struct db;
struct tls_peer;

struct auth_identity {
	char reporter[16];  /* the reporter code this caller writes for */
	char evaluator[64]; /* the evaluator's name when the caller is an evaluator (then reporter is "") */
	char client[96];    /* "cert:<sha256>", "token:<id>" or "evaluator-token:<id>" for the audit record */
};

/* STATUS is 0 (ID filled), 401 (WHY says what is wrong with the
 * credentials) or 503 (the database cannot be asked now). */
typedef void (*auth_cb)(int status, const struct auth_identity *id, const char *why, void *arg);

/* auth_resolve: identify the caller from PEER (a verified client
 * certificate, may be absent) or AUTHORIZATION ("Bearer X" / "ApiToken X",
 * may be NULL). SUBJECT_CN: a certificate's subject CN may name the reporter
 * (client_identity = subject); pinned fingerprints always work. */
void auth_resolve(struct db *db, bool subject_cn, const struct tls_peer *peer, const char *authorization, auth_cb cb,
                  void *arg);

/* auth_set_read_pool: POOL (the read pool, report_database) answers who a
 * caller is, read-only, while DB of auth_resolve has no connection up. */
void auth_set_read_pool(struct db *pool);

/* auth_read_pool: that pool, NULL when none was set. */
struct db *auth_read_pool(void);

#endif
