/* api.h - the HTTPS API: submissions (native and DHIS2), receipts, catalog,
 * receipt key. */
#ifndef MESTAT_API_H
#define MESTAT_API_H

#include <stddef.h>

struct http;
struct db;
struct config;
struct receipt_key;

/* api_register: add the API routes to H; requests use DB and sign with the
 * receipt key held by the API (see api_set_receipt_key). */
void api_register(struct http *h, struct db *db, const struct config *cf);

/* api_reconfigure: use CF (client_identity) from now on. */
void api_reconfigure(const struct config *cf);

/* api_set_receipt_key: sign with KEY from now on (takes ownership). */
void api_set_receipt_key(struct receipt_key *key);

/* api_receipt_key: the key in use (for collectors, which ingest too). */
struct receipt_key *api_receipt_key(void);

/* api_free: release what the API holds. */
void api_free(void);

#endif
