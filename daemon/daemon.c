/* daemon.c - the daemon's one context and the wiring of the services into
 * it: what each new database connection runs, what /metrics reads, and the
 * start, reload and stop of each service. */
#include "daemon.h"

#include <math.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "api.h"
#include "auth.h"
#include "config.h"
#include "console.h"
#include "db.h"
#include "http.h"
#include "log.h"
#include "metrics.h"
#include "notification.h"
#include "pull.h"
#include "receipt.h"
#include "release.h"
#include "replica.h"
#include "report_api.h"
#include "scheduler.h"
#include "store_conn.h"

/* The daemon's one context: the event base, the configuration in force and
 * the parts built from it. */
static struct daemon d;

struct daemon *daemon_get(void)
{
	return &d;
}

const char *daemon_db_setup_sql(const struct config *cf)
{
	/* Every connection names itself and tells the database the due-date
	 * rule of this configuration (a no-op when it is already in force). */
	return store_conn_setup(cf->due_days, cf->release_days, cf->lock_days);
}

/* ---- metrics: the gauges read at each scrape, and the route ---- */

static double db_up(void *arg)
{
	return db_ready(arg);
}
static double db_lost(void *arg)
{
	return (double)db_reconnects(arg);
}
static double rep_up(void *arg)
{
	(void)arg;
	return replica_get().up;
}
static double rep_standby(void *arg)
{
	(void)arg;
	return replica_get().standby;
}
static double rep_lag(void *arg)
{
	(void)arg;
	return replica_get().lag;
}
static double http_conns(void *arg)
{
	return (double)http_connections(arg);
}
static double http_busy(void *arg)
{
	return http_inflight(arg) - 1; /* not counting the scrape itself */
}

/* The notAfter of the certificate in tls_cert, read at each scrape so that
 * a renewed file shows at once (it is served after the next reload). */
static double cert_expiry(void *arg)
{
	(void)arg;
	FILE *f = fopen(d.cf->tls_cert, "r");
	X509 *x = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
	if (f)
		fclose(f);
	struct tm tm;
	double t = NAN;
	if (x && ASN1_TIME_to_tm(X509_get0_notAfter(x), &tm) == 1)
		t = (double)timegm(&tm);
	X509_free(x);
	return t;
}
static double overdue(void *arg)
{
	(void)arg;
	return notification_overdue_reports();
}

static void serve_metrics(struct http_req *r, void *arg)
{
	(void)arg;
	size_t len = 0;
	char *text = metrics_render(&len);
	if (!text)
		http_reply_error(r, 503, "out of memory");
	else
		http_reply(r, 200, "text/plain; version=0.0.4; charset=utf-8", text, len, NULL);
	free(text);
}

static void metrics_start(struct http *h)
{
	metrics_provide("mestat_db_connections_up", db_up, d.db);
	metrics_provide("mestat_db_reconnects_total", db_lost, d.db);
	metrics_provide("mestat_report_database_up", rep_up, NULL);
	metrics_provide("mestat_report_database_standby", rep_standby, NULL);
	metrics_provide("mestat_report_replication_lag_seconds", rep_lag, NULL);
	metrics_provide("mestat_http_connections", http_conns, h);
	metrics_provide("mestat_http_requests_in_flight", http_busy, h);
	metrics_provide("mestat_tls_certificate_expiry_timestamp_seconds", cert_expiry, NULL);
	metrics_provide("mestat_reports_overdue", overdue, NULL);
	http_route(h, true, "GET", "/metrics", serve_metrics, NULL);
}

/* ---- the services ---- */

int daemon_start(char *err, size_t errlen)
{
	struct receipt_key *key = receipt_key_load(d.cf->receipt_key, err, errlen);
	if (!key)
		return -1;
	receipt_key_use(key);
	api_register(d.http, d.db, d.cf);
	if (report_api_start(d.base, d.cf) != 0)
		return snprintf(err, errlen, "cannot start the read API's database pool"), -1;
	auth_set_read_pool(report_api_pool());
	if (replica_start(d.base, report_api_pool()) != 0)
		return snprintf(err, errlen, "cannot start measuring the replication lag"), -1;
	/* Release pages are reading: they go where the read API goes. */
	release_api_register(d.http, report_api_pool(), d.cf); /* its /console/releases/ before /console/ */
	console_register(d.http, d.db, d.cf);
	metrics_start(d.http);
	sched_start(&d);
	release_start(&d);
	if (pull_start(&d) != 0)
		return snprintf(err, errlen, "cannot start the pull collectors (libcurl)"), -1;
	if (notification_start(&d) != 0)
		return snprintf(err, errlen, "cannot start the notices (libcurl)"), -1;
	return 0;
}

int daemon_reconfigure(struct config *cf, SSL_CTX *ctx, char *err, size_t errlen)
{
	struct receipt_key *key = receipt_key_load(cf->receipt_key, err, errlen);
	if (!key)
		return -1;
	receipt_key_use(key);
	api_reconfigure(cf);
	report_api_reconfigure(cf);
	console_reconfigure(cf);
	sched_reconfigure(cf);
	release_api_reconfigure(cf);
	pull_reconfigure(cf);
	notification_reconfigure(cf);
	log_set_level((enum log_level)cf->log_level);
	http_reconfigure(d.http, cf, ctx);
	db_set_conninfo(d.db, cf->database, daemon_db_setup_sql(cf));
	config_free(d.cf);
	d.cf = cf;
	return 0;
}

void daemon_stop(void)
{
	sched_stop();
	release_stop();
	release_api_free();
	pull_stop(); /* before db_free and event_base_free (main.c) */
	replica_stop();
	auth_set_read_pool(NULL);
	notification_stop();
	report_api_stop();
	console_free();
	receipt_key_use(NULL);
	metrics_free();
}
