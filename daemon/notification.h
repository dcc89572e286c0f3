/* notification.h - the notices of the reporting cycle (reminders, state
 * changes, alerts), written by SQL and sent from the loop by e-mail and
 * webhooks. */
#ifndef MESTAT_NOTIFICATION_H
#define MESTAT_NOTIFICATION_H

struct daemon;
struct config;

/* notification_start: every [notify] interval, write the notices due and
 * send the pending ones. -1 when libcurl cannot be set up. */
int notification_start(struct daemon *d);
/* notification_reconfigure: a reload's new [notify] interval. */
void notification_reconfigure(const struct config *cf);
/* notification_overdue_reports: report.overdue's row count at the last
 * round (NaN before the first). */
double notification_overdue_reports(void);
/* notification_stop: abort transfers in flight (their notices are claimed
 * again after their lease); before the event base goes. */
void notification_stop(void);

#endif
