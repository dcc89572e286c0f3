/* store_notify.h - the statements of the reporting cycle: notices
 * (mestat.notification, written by SQL rules, claimed, sent and recorded
 * by notification.c) and completions of a period (completion.c). */
#ifndef MESTAT_STORE_NOTIFY_H
#define MESTAT_STORE_NOTIFY_H

#include <stdbool.h>

#include "db.h"

/* ---- notices ---- */

/* store_notify_settings: store this configuration's REMIND_DAYS (the
 * [notify] list as written) and SOURCE_ALERT_AFTER (seconds). */
void store_notify_settings(struct db_conn *c, const char *remind_days, double source_alert_after, db_result_cb cb,
                           void *arg);

/* store_notify_due: write the reminders and alerts due now; one row, one
 * column: how many notices were written. */
void store_notify_due(struct db_conn *c, db_result_cb cb, void *arg);

/* store_notify_claim: claim for WORKER up to a batch of unsent notices
 * (e-mail ones only when EMAIL, i.e. an SMTP server is set) for a lease of
 * five minutes. Rows of (id, event_key, channel, address, kind, secret,
 * subject, body, reporter, period, event, attempts). */
void store_notify_claim(struct db_conn *c, const char *worker, bool email, db_result_cb cb, void *arg);

/* store_notify_overdue: one row, one column: how many reports are overdue. */
void store_notify_overdue(struct db_conn *c, db_result_cb cb, void *arg);

/* store_notify_done: record the outcome of notice ID: sent when OK, else
 * failed with ERROR, and given up after MAX_ATTEMPTS. */
void store_notify_done(struct db_conn *c, const char *id, bool ok, const char *error, long max_attempts,
                       db_result_cb cb, void *arg);

/* ---- completions ---- */

/* store_complete_quarter: REPORTER says PERIOD is complete (COMPLETE) or
 * takes that back, as CLIENT; one row, one column: the JSON answer, whose
 * "status" is the HTTP status to send. */
void store_complete_quarter(struct db_conn *c, bool complete, const char *reporter, const char *period,
                            const char *client, db_result_cb cb, void *arg);

/* store_complete_dhis2: REPORTER's DHIS2 completeDataSetRegistrations
 * PAYLOAD (JSON text), as CLIENT; one row, one column: DHIS2's answer as
 * JSON, with its "httpStatusCode". */
void store_complete_dhis2(struct db_conn *c, const char *reporter, const char *payload, const char *client,
                          db_result_cb cb, void *arg);

#endif
