/* daemon.c - wires the services into the running daemon: what each new
 * database connection runs, and the start, reload and stop of each service. */
#include "daemon.h"

#include <stdio.h>

#include "api.h"
#include "config.h"
#include "console.h"
#include "metrics.h"
#include "pull.h"
#include "receipt.h"
#include "release.h"
#include "report_api.h"
#include "scheduler.h"

const char *daemon_db_setup_sql(const struct config *cf)
{
	/* Every connection names itself and tells the database the due-date
	 * rule of this configuration (a no-op when it is already in force). */
	static char sql[200];
	snprintf(sql, sizeof(sql),
	         "SET application_name = 'mestatd'; SELECT mestat.set_due_days(%ld); SELECT mestat.set_release_days(%ld)",
	         cf->due_days, cf->release_days);
	return sql;
}

int daemon_start(char *err, size_t errlen)
{
	struct daemon *d = daemon_get();
	struct receipt_key *key = receipt_key_load(d->cf->receipt_key, err, errlen);
	if (!key)
		return -1;
	api_set_receipt_key(key);
	api_register(d->http, d->db, d->cf);
	if (report_api_start(d->base, d->cf) != 0)
		return snprintf(err, errlen, "cannot start the read API's database pool"), -1;
	release_api_register(d->http, d->db, d->cf); /* its /console/releases/ before /console/ */
	console_register(d->http, d->db, d->cf);
	metrics_register(d->http);
	sched_start(d);
	release_start(d);
	if (pull_start(d) != 0)
		return snprintf(err, errlen, "cannot start the pull collectors (libcurl)"), -1;
	return 0;
}

int daemon_reconfigure(const struct config *cf, char *err, size_t errlen)
{
	struct receipt_key *key = receipt_key_load(cf->receipt_key, err, errlen);
	if (!key)
		return -1;
	api_set_receipt_key(key);
	api_reconfigure(cf);
	report_api_reconfigure(cf);
	console_reconfigure(cf);
	sched_reconfigure(cf);
	release_api_reconfigure(cf);
	pull_reconfigure(cf);
	return 0;
}

void daemon_stop(void)
{
	sched_stop();
	release_stop();
	release_api_free();
	pull_stop(); /* before db_free and event_base_free (main.c) */
	api_free();
	report_api_stop();
	console_free();
	metrics_free();
}
