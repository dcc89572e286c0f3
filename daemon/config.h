/* config.h - the INI configuration: keys, defaults, parsing and checking. */
#ifndef MESTAT_CONFIG_H
#define MESTAT_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "formats/formats.h"

/* Room for the line of every key of one section (see key_line below). */
#define CONFIG_MAX_KEYS 48

/* One [source NAME] section: a province endpoint that mestatd pulls. */
struct source_conf {
	char *name;
	char *reporter;
	char *url;
	char *format_name;
	enum fmt format;
	double interval;   /* seconds between pulls */
	double timeout;    /* seconds for the whole transfer */
	double retry_min;  /* first back-off after a failure (doubles up to retry_max) */
	double retry_max;  /* longest back-off; 0 in the file means "interval" */
	char *client_cert; /* optional mutual TLS towards the province */
	char *client_key;
	char *token;          /* optional bearer token */
	char *ca_file;        /* optional CA bundle to trust instead of the system's */
	size_t max_body_size; /* a larger body fails the pull */
	struct fmt_sdmx_map sdmx;
	bool sdmx_rest; /* format sdmx-rest: an SDMX REST data query answered in SDMX-CSV */
	char *sdmx_reporter_col, *sdmx_indicator_col, *sdmx_period_col, *sdmx_value_col;
	int line;                      /* where the section starts, for messages */
	int key_line[CONFIG_MAX_KEYS]; /* line of each key set in the file, 0 for a default */
	struct source_conf *next;
};

/* The [notify] section: reminders and notices by e-mail and webhooks. */
struct notify_conf {
	char *smtp_url;            /* smtp://host:587 (STARTTLS required) or smtps://host:465; "" = no e-mail */
	char *smtp_from;           /* envelope and header sender */
	char *smtp_credentials;    /* file whose first line is user:password; "" = no login */
	char *ca_file;             /* CA bundle for the SMTP server and webhooks; "" = the system's */
	char *remind_days;         /* days before the due date to remind, e.g. "7,1" */
	double source_alert_after; /* tell the plan office of a source failing this long; 0 never */
	double interval;           /* seconds between looks for notices to write and send */
	long max_attempts;         /* a notice fails after this many attempts */
	int key_line[CONFIG_MAX_KEYS];
};

/* The whole configuration. Strings are owned; release with config_free(). */
struct config {
	char *path;
	char *listen;           /* host:port for HTTPS */
	char *metrics_listen;   /* host:port for /metrics and /healthz over plain HTTP */
	char *database;         /* libpq connection string for the daemon */
	char *migrate_database; /* connection string for migrations ("" = database) */
	char *sql_dir;          /* where the numbered migrations are */
	char *tls_cert, *tls_key, *tls_client_ca, *tls_crl;
	char *client_identity; /* "subject" (CN is the reporter) or "fingerprint" */
	char *receipt_key;     /* Ed25519 private key (PEM) that signs receipts */
	char *report_database; /* connection string of the read API ("" = database) */
	long report_connections;
	double report_timeout; /* statement_timeout of read API queries */
	char *web_root;        /* the console's files (HTML, CSS, JavaScript) */
	char *chart_js_dir;    /* Debian's libjs-chart.js, served under /console/vendor/ */
	double session_idle_timeout;
	double session_max_age;
	double session_purge_interval; /* how often ended console sessions are purged (0 = never) */
	size_t max_body_size;
	size_t max_header_size;
	long max_connections;
	long db_connections;
	double request_timeout;
	double shutdown_timeout;
	double recompute_interval;
	double recompute_delay;
	long due_days;
	bool auto_migrate;
	int log_level;
	long max_parallel_pulls;
	long release_days;       /* a quarter is released this many days after its due date */
	long lock_days;          /* a period is locked this many days after its due date; 0 never */
	bool publish_public;     /* published releases readable without credentials */
	char *dhis2_atomic_mode; /* "NONE" or "ALL": the DHIS2 endpoint's default atomicMode */
	struct notify_conf notify;
	struct source_conf *sources;
	int key_line[CONFIG_MAX_KEYS]; /* line of each [mestatd] key set in the file, 0 for a default */
};

/* A list of problems found while loading, each "FILE:LINE: message". */
struct config_errors {
	char **msgs;
	size_t n;
};

/* config_load: read PATH into a new configuration. On any problem returns
 * NULL and appends every problem found to ERRS (the caller frees ERRS). */
struct config *config_load(const char *path, struct config_errors *errs);

/* config_read: like config_load, but returns the configuration read even when
 * it has problems (NULL only when the file cannot be read at all), so that
 * the checks below can add theirs and an operator hears of every problem at
 * once. Whether it may be used is ERRS->n, not the pointer. */
struct config *config_read(const char *path, struct config_errors *errs);

/* config_where: "FILE:LINE" when [mestatd] key KEY is set in the file,
 * else "FILE (default of KEY)"; written into BUF (LEN bytes), returned. */
const char *config_where(const struct config *cf, const char *key, char *buf, size_t len);

/* config_check_files: check that the files named (TLS, receipt key, sources)
 * are readable; append problems to ERRS. Returns the number of problems. */
size_t config_check_files(const struct config *cf, struct config_errors *errs);

/* config_reload_conflicts: append to ERRS every key that differs between OLD
 * and NEW but cannot change without a restart. Returns their number. */
size_t config_reload_conflicts(const struct config *old, const struct config *new, struct config_errors *errs);

/* config_free: release CF; NULL is fine. */
void config_free(struct config *cf);

/* config_errors_free: release the messages in ERRS. */
void config_errors_free(struct config_errors *errs);

/* config_parse_duration: "30s", "15m", "1h", "2d", "500ms" or plain seconds. */
int config_parse_duration(const char *s, double *out);

/* config_parse_size: "10MB", "512KB", "1GB", "100B" or plain bytes. */
int config_parse_size(const char *s, size_t *out);

/* config_split_hostport: "host:port" or "[v6]:port" -> HOST (malloc'd), PORT. */
int config_split_hostport(const char *s, char **host, int *port);

#endif
