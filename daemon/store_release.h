/* store_release.h - the statements behind the quarterly releases: the
 * publisher's round (release.c) and what release_api.c reads. Each sends
 * one statement on C and calls CB with its result. */
#ifndef MESTAT_STORE_RELEASE_H
#define MESTAT_STORE_RELEASE_H

#include "db.h"

/* ---- the publisher's round, in the order it runs them ---- */

/* store_release_lock: try the release lock, a session advisory lock shared
 * by every mestatd on the database. One row: t when this connection holds
 * it now, f when another holds it. */
void store_release_lock(struct db_conn *c, db_result_cb cb, void *arg);

/* store_release_due: the next release to publish. One row or none: period,
 * reason (NULL on the calendar), request (its id when the plan office asked). */
void store_release_due(struct db_conn *c, db_result_cb cb, void *arg);

/* store_release_content: the release document of PERIOD for REASON (NULL:
 * the calendar), built in SQL. One row: the document as JSON text. */
void store_release_content(struct db_conn *c, const char *period, const char *reason, db_result_cb cb, void *arg);

/* store_release_record: store the canonical TEXT of PERIOD's release, its
 * SIGNATURE, the signing key's FINGERPRINT and PUBLIC_PEM, and REQUEST (the
 * plan office's request id; NULL on the calendar), chained to the last one.
 * One row: the new release's id. SQLSTATE 40001 when it does not follow the
 * chain's last release. */
void store_release_record(struct db_conn *c, const char *period, const char *text, const char *signature,
                          const char *fingerprint, const char *public_pem, const char *request, db_result_cb cb,
                          void *arg);

/* store_release_unlock: give the release lock back. */
void store_release_unlock(struct db_conn *c, db_result_cb cb, void *arg);

/* ---- reading them ---- */

/* store_release_list: one row: the JSON text {"releases": [...],
 * "calendar": [...]} of GET /api/v1/releases (the calendar up to a year
 * ahead). */
void store_release_list(struct db_conn *c, db_result_cb cb, void *arg);

/* store_release_read: PERIOD's release, its latest revision or REVISION
 * (NULL: the latest). One row or none: body (the bytes as signed),
 * revision, sha256, previous_sha256 ("" for the first), signature,
 * key_fingerprint, superseded. */
void store_release_read(struct db_conn *c, const char *period, const char *revision, db_result_cb cb, void *arg);

/* store_release_preview: PERIOD's document computed now, unsigned and
 * marked as a preview. One row: its JSON text (an error when PERIOD is no
 * quarter of the plan). */
void store_release_preview(struct db_conn *c, const char *period, db_result_cb cb, void *arg);

#endif
