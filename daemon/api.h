/* api.h - the HTTPS API: submissions (native and DHIS2), receipts, catalog,
 * receipt key. */
#ifndef MESTAT_API_H
#define MESTAT_API_H

#include <stddef.h>

struct http;
struct db;
struct config;

/* api_register: add the API routes to H; requests use DB and sign with the
 * receipt key in use (receipt_key_current). */
void api_register(struct http *h, struct db *db, const struct config *cf);

/* api_reconfigure: use CF (client_identity) from now on. */
void api_reconfigure(const struct config *cf);

#endif
