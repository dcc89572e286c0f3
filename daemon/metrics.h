/* metrics.h - the metrics registry, rendered in the Prometheus text
 * exposition format 0.0.4. It depends on no other module: modules report
 * events to it, and gauges are read through functions their owners provide. */
#ifndef MESTAT_METRICS_H
#define MESTAT_METRICS_H

#include <stddef.h>

/* A gauge's current value, read at each scrape from ARG. */
typedef double (*metrics_read_fn)(void *arg);

/* metrics_provide: read the gauge NAME (one the registry declares:
 * mestat_db_connections_up, mestat_db_reconnects_total,
 * mestat_http_connections, mestat_http_requests_in_flight, mestat_report_database_up,
 * mestat_report_database_standby, mestat_report_replication_lag_seconds,
 * mestat_tls_certificate_expiry_timestamp_seconds, mestat_reports_overdue) with READ(ARG)
 * at each scrape. -1 for a name the registry does not declare. */
int metrics_provide(const char *name, metrics_read_fn read, void *arg);

/* metrics_render: every metric as exposition text (malloc'd, *LEN bytes),
 * NULL when out of memory. */
char *metrics_render(size_t *len);

/* metrics_submission: one submission ended with HTTP STATUS; COUNTS are the
 * rows new, revised, unchanged, deleted (counted when accepted). */
void metrics_submission(const char *endpoint, const char *format, int status, const long counts[4]);

/* metrics_auth_failure: a request was refused for its credentials. */
void metrics_auth_failure(int status);

/* metrics_http_request: an answer with STATUS after SECONDS. */
void metrics_http_request(int status, double seconds);

/* metrics_tls_failure: a TLS handshake failed. */
void metrics_tls_failure(void);

/* metrics_pull: a pull of SOURCE ended with OUTCOME ("ok", "not_modified",
 * "unchanged", or a failure class) after SECONDS. */
void metrics_pull(const char *source, const char *outcome, double seconds);

/* metrics_recompute: a progress recomputation ended (OK or not) after SECONDS. */
void metrics_recompute(int ok, double seconds);

/* metrics_db_wait: a connection was handed out after SECONDS of waiting. */
void metrics_db_wait(double seconds);

/* metrics_db_statement: a statement (its first word VERB and the first
 * qualified name OBJECT in it, maybe "") had its result after SECONDS. */
void metrics_db_statement(const char *verb, const char *object, double seconds);

/* metrics_notice: a notice was accepted by SMTP or a webhook (OK), or not. */
void metrics_notice(int ok);

/* metrics_free: release the registry and forget the providers. */
void metrics_free(void);

#endif
