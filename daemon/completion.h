/* completion.h - reporters complete their periods (and undo it) over HTTPS,
 * natively and as DHIS2 complete data set registrations. */
#ifndef MESTAT_COMPLETION_H
#define MESTAT_COMPLETION_H

struct http_req;
struct db;
struct config;

/* completion_configure: the pool to use and the identity rule of CF; at
 * start and on reload. */
void completion_configure(struct db *db, const struct config *cf);
/* POST /api/v1/completions {"reporter","period"}: complete a period. */
void completion_post(struct http_req *r, void *arg);
/* DELETE /api/v1/completions?reporter=&period=: undo a completion. */
void completion_delete(struct http_req *r, void *arg);
/* POST /api/completeDataSetRegistrations: DHIS2's payload and answer. */
void completion_post_dhis2(struct http_req *r, void *arg);
/* DELETE /api/completeDataSetRegistrations?ds=&pe=&ou=: DHIS2's undo. */
void completion_delete_dhis2(struct http_req *r, void *arg);

#endif
