/* metrics.h - the metrics registry and GET /metrics in the Prometheus text
 * exposition format 0.0.4. */
#ifndef MESTAT_METRICS_H
#define MESTAT_METRICS_H

struct http;

/* metrics_register: serve /metrics on the metrics listener of H. */
void metrics_register(struct http *h);

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

/* metrics_free: release the registry. */
void metrics_free(void);

#endif
