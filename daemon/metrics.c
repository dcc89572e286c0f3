/* metrics.c - counters and histograms kept in memory and rendered on each
 * scrape; gauges (connections, database state) are read at scrape time. */
#include "metrics.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util.h"

/* A counter or histogram series: FAMILY{LABELS}. */
#define NBUCKETS 12
static const double bucket_bounds[NBUCKETS] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10};

struct series {
	const char *family; /* static string */
	char *labels;       /* e.g. outcome="accepted",format="json" */
	double value;       /* counter value, or histogram sum */
	unsigned long count;
	unsigned long buckets[NBUCKETS]; /* histograms only */
	struct series *next;             /* creation order */
	struct series *chain;            /* same hash slot */
};

struct family {
	const char *name, *type, *help;
};

static const struct family families[] = {
	{"mestat_submissions_total", "counter", "Submissions received, by endpoint, format and outcome."},
	{"mestat_rows_total", "counter", "Rows of accepted submissions, by kind: new, revised, unchanged, deleted."},
	{"mestat_auth_failures_total", "counter",
         "Requests refused for their credentials (401) or because they could not be checked (503)."},
	{"mestat_http_requests_total", "counter", "HTTPS answers sent, by status code."},
	{"mestat_http_request_duration_seconds", "histogram", "Time from request to answer."},
	{"mestat_tls_handshake_failures_total", "counter", "TLS handshakes that failed."},
	{"mestat_pulls_total", "counter", "Pulls of province endpoints, by source and outcome."},
	{"mestat_pull_duration_seconds", "histogram", "Duration of pulls."},
	{"mestat_recompute_runs_total", "counter", "Progress recomputations, by outcome."},
	{"mestat_recompute_duration_seconds", "histogram", "Duration of progress recomputations."},
	{"mestat_db_wait_seconds", "histogram", "Time a request waited for a free database connection of the pool."},
	{"mestat_db_statement_duration_seconds", "histogram",
         "Time from sending a statement to PostgreSQL to its result, by its first word and first qualified name."},
	{"mestat_notices_total", "counter", "Notices of the reporting cycle handed to SMTP or a webhook, by outcome."},
	{NULL, NULL, NULL},
};

/* Every series, in order of creation (for rendering), and a hash table on
 * (family, labels) so an update costs the same with 3,000 pull sources as
 * with one. */
#define NSLOTS 4096
static struct series *all, **all_tail = &all;
static struct series *slots[NSLOTS];

static unsigned hash(const char *family, const char *labels)
{
	unsigned h = 2166136261u;
	for (const char *p = family; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	for (const char *p = labels; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	return h % NSLOTS;
}

static struct series *find(const char *family, const char *labels)
{
	unsigned h = hash(family, labels);
	for (struct series *s = slots[h]; s; s = s->chain)
		if (s->family == family && strcmp(s->labels, labels) == 0)
			return s;
	struct series *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->family = family;
	s->labels = strdup(labels);
	s->chain = slots[h];
	slots[h] = s;
	*all_tail = s;
	all_tail = &s->next;
	return s;
}

static void add(const char *family, const char *labels, double v)
{
	struct series *s = find(family, labels);
	if (s)
		s->value += v;
}

static void observe(const char *family, const char *labels, double seconds)
{
	struct series *s = find(family, labels);
	if (!s)
		return;
	s->value += seconds;
	s->count++;
	for (int i = 0; i < NBUCKETS; i++)
		if (seconds <= bucket_bounds[i])
			s->buckets[i]++;
}

/* Label values come from configuration or code, never from request bodies;
 * still, quote what the format requires. */
static void label_value(char *out, size_t len, const char *v)
{
	size_t n = 0;
	for (; v && *v && n + 3 < len; v++) {
		if (*v == '"' || *v == '\\') {
			out[n++] = '\\';
			out[n++] = *v;
		} else if (*v == '\n') {
			out[n++] = '\\';
			out[n++] = 'n';
		} else {
			out[n++] = *v;
		}
	}
	out[n] = '\0';
}

static const char *outcome_of(int status)
{
	switch (status) {
	case 201: return "accepted";
	case 200: return "replay_or_dry_run";
	case 400: return "malformed";
	case 403: return "forbidden";
	case 409: return "closed_period";
	case 422: return "invalid";
	case 503: return "unavailable";
	default: return "other";
	}
}

void metrics_submission(const char *endpoint, const char *format, int status, const long counts[4])
{
	char labels[160];
	snprintf(labels, sizeof(labels), "endpoint=\"%s\",format=\"%s\",outcome=\"%s\"", endpoint, format,
	         outcome_of(status));
	add("mestat_submissions_total", labels, 1);
	if (status != 201)
		return;
	static const char *kinds[4] = {"new", "revised", "unchanged", "deleted"};
	for (int i = 0; i < 4; i++) {
		snprintf(labels, sizeof(labels), "kind=\"%s\"", kinds[i]);
		add("mestat_rows_total", labels, (double)counts[i]);
	}
}

void metrics_auth_failure(int status)
{
	char labels[32];
	snprintf(labels, sizeof(labels), "status=\"%d\"", status);
	add("mestat_auth_failures_total", labels, 1);
}

void metrics_http_request(int status, double seconds)
{
	char labels[32];
	snprintf(labels, sizeof(labels), "code=\"%d\"", status);
	add("mestat_http_requests_total", labels, 1);
	observe("mestat_http_request_duration_seconds", "", seconds);
}

void metrics_tls_failure(void)
{
	add("mestat_tls_handshake_failures_total", "", 1);
}

void metrics_pull(const char *source, const char *outcome, double seconds)
{
	char src[96], labels[200];
	label_value(src, sizeof(src), source);
	snprintf(labels, sizeof(labels), "source=\"%s\",outcome=\"%s\"", src, outcome);
	add("mestat_pulls_total", labels, 1);
	snprintf(labels, sizeof(labels), "source=\"%s\"", src);
	observe("mestat_pull_duration_seconds", labels, seconds);
}

/* When this instance last recomputed progress successfully (Unix time); 0
 * before the first. Only the instance holding the recompute lock runs, so
 * alerting rules take the max over instances. */
static double recompute_last_ok;

void metrics_recompute(int ok, double seconds)
{
	if (ok)
		recompute_last_ok = (double)time(NULL);
	add("mestat_recompute_runs_total", ok ? "outcome=\"ok\"" : "outcome=\"error\"", 1);
	observe("mestat_recompute_duration_seconds", "", seconds);
}

static void render_series(struct ubuf *o, const struct family *f)
{
	bool hist = strcmp(f->type, "histogram") == 0;
	for (struct series *s = all; s; s = s->next) {
		if (strcmp(s->family, f->name) != 0)
			continue;
		if (!hist) {
			ubuf_printf(o, "%s%s%s%s %.17g\n", f->name, *s->labels ? "{" : "", s->labels,
			            *s->labels ? "}" : "", s->value);
			continue;
		}
		const char *sep = *s->labels ? "," : "";
		for (int i = 0; i < NBUCKETS; i++)
			ubuf_printf(o, "%s_bucket{%s%sle=\"%g\"} %lu\n", f->name, s->labels, sep, bucket_bounds[i],
			            s->buckets[i]);
		ubuf_printf(o, "%s_bucket{%s%sle=\"+Inf\"} %lu\n", f->name, s->labels, sep, s->count);
		ubuf_printf(o, "%s_sum%s%s%s %.17g\n", f->name, *s->labels ? "{" : "", s->labels, *s->labels ? "}" : "",
		            s->value);
		ubuf_printf(o, "%s_count%s%s%s %lu\n", f->name, *s->labels ? "{" : "", s->labels, *s->labels ? "}" : "",
		            s->count);
	}
}

/* Gauges (and counters kept elsewhere) read at each scrape from the module
 * that knows them, through the function it provides. */
static struct gauge {
	const char *name, *type, *help;
	metrics_read_fn read;
	void *arg;
} gauges[] = {
	{"mestat_db_connections_up", "gauge", "Database connections up now.", NULL, NULL},
	{"mestat_db_reconnects_total", "counter", "Database connections re-established after a loss.", NULL, NULL},
	{"mestat_report_database_up", "gauge", "1 when the last look at report_database succeeded.", NULL, NULL},
	{"mestat_report_database_standby", "gauge", "1 when report_database is a standby (in recovery).", NULL, NULL},
	{"mestat_report_replication_lag_seconds", "gauge",
         "Seconds the data of report_database trails the primary (0 on the primary itself).", NULL, NULL},
	{"mestat_http_connections", "gauge", "Open HTTPS connections.", NULL, NULL},
	{"mestat_http_requests_in_flight", "gauge", "Requests being served.", NULL, NULL},
	{"mestat_tls_certificate_expiry_timestamp_seconds", "gauge",
         "When the server certificate in tls_cert expires (Unix time).", NULL, NULL},
	{"mestat_reports_overdue", "gauge",
         "Reports past their due date with expected values missing (report.overdue), as of the last notice round.",
         NULL, NULL},
};

void metrics_db_wait(double seconds)
{
	observe("mestat_db_wait_seconds", "", seconds);
}

void metrics_db_statement(const char *verb, const char *object, double seconds)
{
	char v[128], o[128], labels[300];
	label_value(v, sizeof(v), verb);
	label_value(o, sizeof(o), object);
	snprintf(labels, sizeof(labels), "statement=\"%s\",object=\"%s\"", v, o);
	observe("mestat_db_statement_duration_seconds", labels, seconds);
}

void metrics_notice(int ok)
{
	add("mestat_notices_total", ok ? "outcome=\"sent\"" : "outcome=\"error\"", 1);
}

int metrics_provide(const char *name, metrics_read_fn read, void *arg)
{
	for (size_t i = 0; i < sizeof(gauges) / sizeof(gauges[0]); i++)
		if (strcmp(gauges[i].name, name) == 0) {
			gauges[i].read = read;
			gauges[i].arg = arg;
			return 0;
		}
	return -1;
}

char *metrics_render(size_t *len)
{
	struct ubuf o = {0};
	ubuf_printf(&o, "# HELP mestat_build_info mestatd build.\n# TYPE mestat_build_info gauge\n");
	ubuf_printf(&o, "mestat_build_info{version=\"%s\"} 1\n", PACKAGE_VERSION);
	for (size_t i = 0; i < sizeof(gauges) / sizeof(gauges[0]); i++) {
		const struct gauge *g = &gauges[i];
		if (!g->read)
			continue;
		ubuf_printf(&o, "# HELP %s %s\n# TYPE %s %s\n", g->name, g->help, g->name, g->type);
		ubuf_printf(&o, "%s %.17g\n", g->name, g->read(g->arg));
	}
	if (recompute_last_ok > 0) {
		ubuf_printf(&o,
		            "# HELP mestat_recompute_last_success_timestamp_seconds When this instance last recomputed "
		            "progress successfully (Unix time).\n"
		            "# TYPE mestat_recompute_last_success_timestamp_seconds gauge\n");
		ubuf_printf(&o, "mestat_recompute_last_success_timestamp_seconds %.17g\n", recompute_last_ok);
	}
	for (const struct family *f = families; f->name; f++) {
		ubuf_printf(&o, "# HELP %s %s\n# TYPE %s %s\n", f->name, f->help, f->name, f->type);
		render_series(&o, f);
	}
	if (o.oom) {
		free(o.p);
		return NULL;
	}
	*len = o.len;
	return o.p;
}

void metrics_free(void)
{
	while (all) {
		struct series *s = all;
		all = s->next;
		free(s->labels);
		free(s);
	}
	all_tail = &all;
	memset(slots, 0, sizeof(slots));
	recompute_last_ok = 0;
	for (size_t i = 0; i < sizeof(gauges) / sizeof(gauges[0]); i++)
		gauges[i].read = NULL;
}
