/* store_notify.c - the statements of the reporting cycle (see
 * store_notify.h). Who is reminded of what, when a notice is given up and
 * what a completion changes are SQL's rules (027_reporting_cycle.sql and
 * sql/functions/); these only call them. */
#include "store_notify.h"

#include <stdio.h>

/* Notices claimed per round. */
#define NOTICE_BATCH "20"

void store_notify_settings(struct db_conn *c, const char *remind_days, double source_alert_after, db_result_cb cb,
                           void *arg)
{
	char secs[32];
	snprintf(secs, sizeof(secs), "%.0f", source_alert_after);
	const char *p[2] = {remind_days, secs};
	db_query(c, "SELECT mestat.set_notify($1, make_interval(secs => $2::float8))", 2, p, cb, arg);
}

void store_notify_due(struct db_conn *c, db_result_cb cb, void *arg)
{
	db_query(c, "SELECT mestat.notify_due()", 0, NULL, cb, arg);
}

void store_notify_claim(struct db_conn *c, const char *worker, bool email, db_result_cb cb, void *arg)
{
	const char *p[2] = {worker, email ? "true" : "false"};
	db_query(
		c,
		"SELECT id, event_key, channel, address, kind, secret, subject, body, reporter, period, event, attempts"
		" FROM mestat.notification_claim($1, " NOTICE_BATCH ", now(), interval '5 minutes', $2::boolean)",
		2, p, cb, arg);
}

void store_notify_overdue(struct db_conn *c, db_result_cb cb, void *arg)
{
	db_query(c, "SELECT mestat.overdue_reports()", 0, NULL, cb, arg);
}

void store_notify_done(struct db_conn *c, const char *id, bool ok, const char *error, long max_attempts,
                       db_result_cb cb, void *arg)
{
	char max[24];
	snprintf(max, sizeof(max), "%ld", max_attempts);
	const char *p[4] = {id, ok ? "true" : "false", ok ? NULL : error, max};
	db_query(c, "SELECT mestat.notification_done($1::bigint, $2::boolean, $3, $4::integer)", 4, p, cb, arg);
}

void store_complete_quarter(struct db_conn *c, bool complete, const char *reporter, const char *period,
                            const char *client, db_result_cb cb, void *arg)
{
	const char *p[3] = {reporter, period, client};
	db_query(c,
	         complete ? "SELECT mestat.complete_quarter($1, $2, $3)::text"
	                  : "SELECT mestat.uncomplete_quarter($1, $2, $3)::text",
	         3, p, cb, arg);
}

void store_complete_dhis2(struct db_conn *c, const char *reporter, const char *payload, const char *client,
                          db_result_cb cb, void *arg)
{
	const char *p[3] = {reporter, payload, client};
	db_query(c, "SELECT mestat.complete_dhis2($1, $2::jsonb, $3)::text", 3, p, cb, arg);
}
