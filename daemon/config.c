/* config.c - reads mestatd.conf with inih; every key lives in one table with
 * its type, default and whether a reload may change it. */
#include "config.h"

#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "log.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif
#ifndef DATADIR
#define DATADIR "/usr/share"
#endif

enum key_type { K_STR, K_HOSTPORT, K_SIZE, K_LONG, K_DURATION, K_BOOL, K_LEVEL, K_IDENTITY, K_ATOMIC };

struct key_def {
	const char *name;
	enum key_type type;
	size_t offset;
	const char *def;
	bool reload;   /* may a SIGHUP change it? */
	long min, max; /* for K_LONG */
};

#define M(field) offsetof(struct config, field)
#define S(field) offsetof(struct source_conf, field)

static const struct key_def main_keys[] = {
	{"listen", K_HOSTPORT, M(listen), "0.0.0.0:8443", false, 0, 0},
	{"metrics_listen", K_HOSTPORT, M(metrics_listen), "127.0.0.1:9187", false, 0, 0},
	{"database", K_STR, M(database), "dbname=mestat", true, 0, 0},
	{"migrate_database", K_STR, M(migrate_database), "", true, 0, 0},
	{"sql_dir", K_STR, M(sql_dir), DATADIR "/mestat/sql", true, 0, 0},
	{"tls_cert", K_STR, M(tls_cert), SYSCONFDIR "/mestat/tls/server.crt", true, 0, 0},
	{"tls_key", K_STR, M(tls_key), SYSCONFDIR "/mestat/tls/server.key", true, 0, 0},
	{"tls_client_ca", K_STR, M(tls_client_ca), SYSCONFDIR "/mestat/tls/clients-ca.crt", true, 0, 0},
	{"tls_crl", K_STR, M(tls_crl), "", true, 0, 0},
	{"client_identity", K_IDENTITY, M(client_identity), "subject", true, 0, 0},
	{"receipt_key", K_STR, M(receipt_key), SYSCONFDIR "/mestat/receipt.key", true, 0, 0},
	/* read API and console */
	{"report_database", K_STR, M(report_database), "", true, 0, 0},
	{"report_connections", K_LONG, M(report_connections), "2", false, 1, 64},
	{"report_timeout", K_DURATION, M(report_timeout), "10s", true, 0, 0},
	{"web_root", K_STR, M(web_root), DATADIR "/mestat/web", true, 0, 0},
	{"chart_js_dir", K_STR, M(chart_js_dir), "/usr/share/javascript/chart.js", true, 0, 0},
	{"session_idle_timeout", K_DURATION, M(session_idle_timeout), "30m", true, 0, 0},
	{"session_max_age", K_DURATION, M(session_max_age), "12h", true, 0, 0},
	{"session_purge_interval", K_DURATION, M(session_purge_interval), "1h", true, 0, 0},
	{"max_body_size", K_SIZE, M(max_body_size), "10MB", true, 0, 0},
	{"max_header_size", K_SIZE, M(max_header_size), "16KB", true, 0, 0},
	{"max_connections", K_LONG, M(max_connections), "1024", true, 1, 1000000},
	{"db_connections", K_LONG, M(db_connections), "4", false, 1, 64},
	{"request_timeout", K_DURATION, M(request_timeout), "30s", true, 0, 0},
	{"shutdown_timeout", K_DURATION, M(shutdown_timeout), "10s", true, 0, 0},
	{"recompute_interval", K_DURATION, M(recompute_interval), "15m", true, 0, 0},
	{"recompute_delay", K_DURATION, M(recompute_delay), "200ms", true, 0, 0},
	{"due_days", K_LONG, M(due_days), "30", true, 0, 366},
	{"auto_migrate", K_BOOL, M(auto_migrate), "yes", true, 0, 0},
	{"log_level", K_LEVEL, M(log_level), "info", true, 0, 0},
	{"max_parallel_pulls", K_LONG, M(max_parallel_pulls), "16", true, 1, 10000},
	{"release_days", K_LONG, M(release_days), "15", true, 0, 366},
	{"publish_public", K_BOOL, M(publish_public), "no", true, 0, 0},
	{"dhis2_atomic_mode", K_ATOMIC, M(dhis2_atomic_mode), "NONE", true, 0, 0},
	{"lock_days", K_LONG, M(lock_days), "0", true, 0, 3660},
	{NULL, 0, 0, NULL, false, 0, 0},
};

/* [notify]: reminders and notices of the reporting cycle (notification.c). */
static const struct key_def notify_keys[] = {
	{"smtp_url", K_STR, M(notify.smtp_url), "", true, 0, 0},
	{"smtp_from", K_STR, M(notify.smtp_from), "", true, 0, 0},
	{"smtp_credentials", K_STR, M(notify.smtp_credentials), "", true, 0, 0},
	{"ca_file", K_STR, M(notify.ca_file), "", true, 0, 0},
	{"remind_days", K_STR, M(notify.remind_days), "7,1", true, 0, 0},
	{"source_alert_after", K_DURATION, M(notify.source_alert_after), "6h", true, 0, 0},
	{"interval", K_DURATION, M(notify.interval), "30s", true, 0, 0},
	{"max_attempts", K_LONG, M(notify.max_attempts), "8", true, 1, 100},
	{NULL, 0, 0, NULL, false, 0, 0},
};

static const struct key_def source_keys[] = {
	{"reporter", K_STR, S(reporter), "", true, 0, 0},
	{"url", K_STR, S(url), "", true, 0, 0},
	{"format", K_STR, S(format_name), "json", true, 0, 0},
	{"interval", K_DURATION, S(interval), "1h", true, 0, 0},
	{"timeout", K_DURATION, S(timeout), "60s", true, 0, 0},
	{"retry_min", K_DURATION, S(retry_min), "30s", true, 0, 0},
	{"retry_max", K_DURATION, S(retry_max), "0", true, 0, 0}, /* 0: the source's interval */
	{"client_cert", K_STR, S(client_cert), "", true, 0, 0},
	{"client_key", K_STR, S(client_key), "", true, 0, 0},
	{"token", K_STR, S(token), "", true, 0, 0},
	{"ca_file", K_STR, S(ca_file), "", true, 0, 0},
	{"max_body_size", K_SIZE, S(max_body_size), "10MB", true, 0, 0},
	{"sdmx_reporter_column", K_STR, S(sdmx_reporter_col), "REF_AREA", true, 0, 0},
	{"sdmx_indicator_column", K_STR, S(sdmx_indicator_col), "INDICATOR", true, 0, 0},
	{"sdmx_period_column", K_STR, S(sdmx_period_col), "TIME_PERIOD", true, 0, 0},
	{"sdmx_value_column", K_STR, S(sdmx_value_col), "OBS_VALUE", true, 0, 0},
	{NULL, 0, 0, NULL, false, 0, 0},
};

static void add_err(struct config_errors *errs, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add_err(struct config_errors *errs, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	char **m = realloc(errs->msgs, (errs->n + 1) * sizeof(*m));
	if (!m)
		return;
	errs->msgs = m;
	errs->msgs[errs->n++] = strdup(buf);
}

int config_parse_duration(const char *s, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (end == s || errno || !isfinite(v) || v < 0)
		return -1;
	while (*end == ' ')
		end++;
	double mult;
	if (*end == '\0' || strcmp(end, "s") == 0)
		mult = 1;
	else if (strcmp(end, "ms") == 0)
		mult = 0.001;
	else if (strcmp(end, "m") == 0 || strcmp(end, "min") == 0)
		mult = 60;
	else if (strcmp(end, "h") == 0)
		mult = 3600;
	else if (strcmp(end, "d") == 0)
		mult = 86400;
	else
		return -1;
	*out = v * mult;
	return 0;
}

int config_parse_size(const char *s, size_t *out)
{
	char *end;
	errno = 0;
	if (*s == '-')
		return -1;
	unsigned long long v = strtoull(s, &end, 10);
	if (end == s || errno)
		return -1;
	while (*end == ' ')
		end++;
	unsigned long long mult;
	if (*end == '\0' || strcasecmp(end, "B") == 0)
		mult = 1;
	else if (strcasecmp(end, "KB") == 0 || strcasecmp(end, "K") == 0)
		mult = 1024ULL;
	else if (strcasecmp(end, "MB") == 0 || strcasecmp(end, "M") == 0)
		mult = 1024ULL * 1024;
	else if (strcasecmp(end, "GB") == 0 || strcasecmp(end, "G") == 0)
		mult = 1024ULL * 1024 * 1024;
	else
		return -1;
	if (v > SIZE_MAX / mult)
		return -1;
	*out = (size_t)(v * mult);
	return 0;
}

int config_split_hostport(const char *s, char **host, int *port)
{
	const char *colon;
	size_t hlen;
	if (s[0] == '[') {
		const char *close = strchr(s, ']');
		if (!close || close[1] != ':')
			return -1;
		colon = close + 1;
		s++;
		hlen = (size_t)(close - s);
	} else {
		colon = strrchr(s, ':');
		if (!colon)
			return -1;
		hlen = (size_t)(colon - s);
	}
	char *end;
	errno = 0;
	long p = strtol(colon + 1, &end, 10);
	if (*end || end == colon + 1 || errno || p < 0 || p > 65535 || hlen == 0)
		return -1;
	if (host) {
		*host = strndup(s, hlen);
		if (!*host)
			return -1;
	}
	*port = (int)p;
	return 0;
}

static int parse_bool(const char *v, bool *out)
{
	static const char *yes[] = {"yes", "true", "on", "1"}, *no[] = {"no", "false", "off", "0"};
	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(v, yes[i]) == 0)
			return *out = true, 0;
		if (strcasecmp(v, no[i]) == 0)
			return *out = false, 0;
	}
	return -1;
}

/* set_key: parse VALUE per DEF into the struct at BASE. Returns NULL or a
 * description of what a valid value looks like. */
static const char *set_key(const struct key_def *def, void *base, const char *value)
{
	char *at = (char *)base + def->offset;
	switch (def->type) {
	case K_STR: {
		char **p = (char **)at;
		char *copy = strdup(value);
		if (!copy)
			return "out of memory";
		free(*p);
		*p = copy;
		return NULL;
	}
	case K_HOSTPORT: {
		int port;
		if (config_split_hostport(value, NULL, &port) != 0)
			return "expected host:port, e.g. 0.0.0.0:8443 or [::1]:8443";
		char **p = (char **)at;
		free(*p);
		*p = strdup(value);
		return NULL;
	}
	case K_SIZE:
		return config_parse_size(value, (size_t *)at) ? "expected a size such as 10MB, 512KB or 1048576" : NULL;
	case K_DURATION:
		return config_parse_duration(value, (double *)at) ? "expected a duration such as 30s, 15m or 1h" : NULL;
	case K_BOOL: return parse_bool(value, (bool *)at) ? "expected yes or no" : NULL;
	case K_LEVEL: {
		int l = log_level_parse(value);
		if (l < 0)
			return "expected error, warn, info or debug";
		*(int *)at = l;
		return NULL;
	}
	case K_IDENTITY:
		if (strcmp(value, "subject") && strcmp(value, "fingerprint"))
			return "expected subject or fingerprint";
		free(*(char **)at);
		*(char **)at = strdup(value);
		return NULL;
	case K_ATOMIC: /* DHIS2's atomicMode: NONE imports the valid values, ALL all or none */
		if (strcmp(value, "NONE") && strcmp(value, "ALL"))
			return "expected NONE or ALL";
		free(*(char **)at);
		*(char **)at = strdup(value);
		return NULL;
	case K_LONG: {
		char *end;
		errno = 0;
		long v = strtol(value, &end, 10);
		static char msg[96];
		if (end == value || *end || errno || v < def->min || v > def->max) {
			snprintf(msg, sizeof(msg), "expected a whole number from %ld to %ld", def->min, def->max);
			return msg;
		}
		*(long *)at = v;
		return NULL;
	}
	}
	return "unknown key type";
}

static void apply_defaults(const struct key_def *defs, void *base)
{
	for (const struct key_def *d = defs; d->name; d++)
		set_key(d, base, d->def);
}

static void free_strings(const struct key_def *defs, void *base)
{
	for (const struct key_def *d = defs; d->name; d++)
		if (d->type == K_STR || d->type == K_HOSTPORT || d->type == K_IDENTITY || d->type == K_ATOMIC)
			free(*(char **)((char *)base + d->offset));
}

_Static_assert(sizeof(main_keys) / sizeof(main_keys[0]) <= CONFIG_MAX_KEYS + 1,
               "struct config's key_line has no room for every [mestatd] key");
_Static_assert(sizeof(notify_keys) / sizeof(notify_keys[0]) <= CONFIG_MAX_KEYS + 1,
               "struct notify_conf's key_line has no room for every [notify] key");
_Static_assert(sizeof(source_keys) / sizeof(source_keys[0]) <= CONFIG_MAX_KEYS + 1,
               "struct source_conf's key_line has no room for every source key");

struct parse_state {
	struct config *cf;
	struct config_errors *errs;
	FILE *fp;
	int line;
	struct source_conf **tail;
	struct source_conf *last; /* the source whose section is being read */
};

static bool section_known(const char *name)
{
	return strcmp(name, "mestatd") == 0 || strcmp(name, "notify") == 0 ||
	       (strncmp(name, "source ", 7) == 0 && name[7]);
}

/* A section header read by read_line: an unknown name is reported here,
 * once and with its line, even when the section holds no key (inih names
 * sections only to the keys under them). */
static void on_section_line(struct parse_state *ps, const char *text)
{
	if (ps->line == 1 && strncmp(text, "\xEF\xBB\xBF", 3) == 0)
		text += 3; /* inih skips a UTF-8 BOM too */
	const char *p = text + strspn(text, " \t");
	if (*p != '[')
		return;
	const char *close = strchr(p, ']');
	if (!close)
		return; /* inih reports the line as unreadable */
	/* The name as inih takes it: everything between the brackets. */
	char name[128];
	snprintf(name, sizeof(name), "%.*s", (int)(close - p - 1), p + 1);
	if (!section_known(name))
		add_err(ps->errs, "%s:%d: unknown section [%s] (expected [mestatd], [notify] or [source NAME])",
		        ps->cf->path, ps->line, name);
}

/* Reader for ini_parse_stream that counts lines, so the handler can name
 * the line of every key (the Debian build of inih does not pass it). */
static char *read_line(char *str, int num, void *stream)
{
	struct parse_state *ps = stream;
	char *r = fgets(str, num, ps->fp);
	if (r) {
		ps->line++;
		on_section_line(ps, r);
	}
	return r;
}

static struct source_conf *source_new(struct parse_state *ps, const char *name)
{
	for (struct source_conf *s = ps->cf->sources; s; s = s->next)
		if (strcmp(s->name, name) == 0) {
			add_err(ps->errs, "%s:%d: source \"%s\" is defined twice (first at line %d)", ps->cf->path,
			        ps->line, name, s->line);
			return s;
		}
	struct source_conf *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->name = strdup(name);
	s->line = ps->line;
	apply_defaults(source_keys, s);
	*ps->tail = s;
	ps->tail = &s->next;
	return s;
}

static struct source_conf *current_source(struct parse_state *ps, const char *name)
{
	/* Keys come section by section: the last source is nearly always it. */
	if (ps->last && strcmp(ps->last->name, name) == 0)
		return ps->last;
	for (struct source_conf *s = ps->cf->sources; s; s = s->next)
		if (strcmp(s->name, name) == 0)
			return s;
	return ps->last = source_new(ps, name);
}

static int on_key(void *user, const char *section, const char *name, const char *value)
{
	struct parse_state *ps = user;
	const struct key_def *defs;
	void *base;
	int *lines;
	if (!section_known(section))
		return 1; /* reported once at its header by read_line */
	if (strcmp(section, "mestatd") == 0) {
		defs = main_keys;
		base = ps->cf;
		lines = ps->cf->key_line;
	} else if (strcmp(section, "notify") == 0) {
		defs = notify_keys;
		base = ps->cf;
		lines = ps->cf->notify.key_line;
	} else {
		struct source_conf *src = current_source(ps, section + 7);
		if (!src)
			return 0;
		base = src;
		defs = source_keys;
		lines = src->key_line;
	}
	if (!name) /* inih announces a new section with a NULL name when INI_CALL_HANDLER_ON_NEW_SECTION */
		return 1;
	for (const struct key_def *d = defs; d->name; d++) {
		if (strcmp(d->name, name) != 0)
			continue;
		/* Two lines setting one key: which one the operator meant is a
		 * guess, and a guess about a listener or a key file is how a
		 * configuration surprises its reader months later. */
		int *at = &lines[d - defs];
		if (*at) {
			add_err(ps->errs, "%s:%d: key \"%s\" is set twice in [%s], at lines %d and %d; keep one",
			        ps->cf->path, ps->line, name, section, *at, ps->line);
			return 1;
		}
		*at = ps->line;
		const char *why = set_key(d, base, value);
		if (why)
			add_err(ps->errs, "%s:%d: bad value \"%s\" for key \"%s\": %s", ps->cf->path, ps->line, value,
			        name, why);
		return 1;
	}
	add_err(ps->errs, "%s:%d: unknown key \"%s\" in [%s]", ps->cf->path, ps->line, name, section);
	return 1;
}

/* key_index: where key NAME is in DEFS (it is always there). */
static size_t key_index(const struct key_def *defs, const char *name)
{
	size_t i = 0;
	while (defs[i].name && strcmp(defs[i].name, name) != 0)
		i++;
	return i;
}

static int source_line(const struct source_conf *s, const char *key)
{
	return s->key_line[key_index(source_keys, key)];
}

const char *config_where(const struct config *cf, const char *key, char *buf, size_t len)
{
	int line = cf->key_line[key_index(main_keys, key)];
	if (line)
		snprintf(buf, len, "%s:%d", cf->path, line);
	else
		snprintf(buf, len, "%s (default of %s)", cf->path, key);
	return buf;
}

/* source_retry: the back-off a source gets. What the operator wrote is
 * kept; a default gives way to it: retry_max defaults to the interval (or
 * retry_min, when that is longer), retry_min to 30s or retry_max, when that
 * is shorter. So "interval = 10s" alone backs off from 10s to 10s, and only
 * two written values that contradict each other are refused, naming both. */
static void source_retry(const struct config *cf, struct source_conf *s, struct config_errors *errs)
{
	int lmin = source_line(s, "retry_min"), lmax = source_line(s, "retry_max");
	if (lmin && s->retry_min < 0.1) {
		add_err(errs, "%s:%d: source \"%s\": retry_min must be at least 100ms", cf->path, lmin, s->name);
		return;
	}
	if (!lmax || s->retry_max == 0) /* 0 written means "the interval", as documented */
		s->retry_max = lmin && s->retry_min > s->interval ? s->retry_min : s->interval;
	if (!lmin && s->retry_min > s->retry_max)
		s->retry_min = s->retry_max;
	if (s->retry_max < s->retry_min)
		add_err(errs,
		        "%s:%d: source \"%s\": retry_max (%gs) is shorter than retry_min (%gs, line %d); "
		        "back-off starts at retry_min and doubles up to retry_max",
		        cf->path, lmax, s->name, s->retry_max, s->retry_min, lmin);
}

/* check_sources: the rules that span keys of one source. */
/* check_notify: the [notify] values that SQL or libcurl would only refuse
 * later, each named with its line. */
static void check_notify(struct config *cf, struct config_errors *errs)
{
	const struct notify_conf *n = &cf->notify;
	int line;
	line = n->key_line[key_index(notify_keys, "remind_days")];
	for (const char *p = n->remind_days; *p; p++)
		if (!((*p >= '0' && *p <= '9') || *p == ',' || *p == ' ') ||
		    (*p == ',' && (p == n->remind_days || !p[1]))) {
			add_err(errs,
			        "%s:%d: remind_days \"%s\" must be days before the due date separated by commas, e.g. 7,1",
			        cf->path, line, n->remind_days);
			break;
		}
	line = n->key_line[key_index(notify_keys, "smtp_url")];
	if (*n->smtp_url && strncmp(n->smtp_url, "smtp://", 7) != 0 && strncmp(n->smtp_url, "smtps://", 8) != 0)
		add_err(errs, "%s:%d: smtp_url must start with smtp:// (STARTTLS) or smtps://", cf->path, line);
	if (*n->smtp_url && !strchr(n->smtp_from, '@'))
		add_err(errs, "%s:%d: smtp_url is set: smtp_from needs the sender's e-mail address", cf->path, line);
	if (n->interval < 1)
		add_err(errs, "%s:%d: interval in [notify] must be at least 1s", cf->path,
		        n->key_line[key_index(notify_keys, "interval")]);
}

static void check_sources(struct config *cf, struct config_errors *errs)
{
	for (struct source_conf *s = cf->sources; s; s = s->next) {
		if (!*s->reporter)
			add_err(errs, "%s:%d: source \"%s\" needs a reporter", cf->path, s->line, s->name);
		if (strncmp(s->url, "https://", 8) != 0)
			add_err(errs, "%s:%d: source \"%s\" needs an https:// url", cf->path, s->line, s->name);
		s->sdmx_rest = strcmp(s->format_name, "sdmx-rest") == 0;
		if (s->sdmx_rest)
			s->format = FMT_SDMX_CSV;
		else if (fmt_by_name(s->format_name, &s->format) != 0)
			add_err(errs,
			        "%s:%d: source \"%s\": unknown format \"%s\" (json, csv, dhis2-json, dhis2-csv, sdmx-csv, "
			        "sdmx-rest, adx)",
			        cf->path, s->line, s->name, s->format_name);
		if (s->interval < 1)
			add_err(errs, "%s:%d: source \"%s\": interval must be at least 1s", cf->path, s->line, s->name);
		if (s->timeout < 0.1)
			add_err(errs, "%s:%d: source \"%s\": timeout must be at least 100ms", cf->path, s->line,
			        s->name);
		source_retry(cf, s, errs);
		if (!*s->client_cert != !*s->client_key)
			add_err(errs, "%s:%d: source \"%s\": client_cert and client_key go together", cf->path, s->line,
			        s->name);
		s->sdmx.reporter_col = s->sdmx_reporter_col;
		s->sdmx.indicator_col = s->sdmx_indicator_col;
		s->sdmx.period_col = s->sdmx_period_col;
		s->sdmx.value_col = s->sdmx_value_col;
		s->sdmx.comment_col = "COMMENT";
	}
}

struct config *config_load(const char *path, struct config_errors *errs)
{
	size_t before = errs->n;
	struct config *cf = config_read(path, errs);
	if (errs->n > before) {
		config_free(cf);
		return NULL;
	}
	return cf;
}

struct config *config_read(const char *path, struct config_errors *errs)
{
	struct config *cf = calloc(1, sizeof(*cf));
	if (!cf)
		return NULL;
	cf->path = strdup(path);
	apply_defaults(main_keys, cf);
	apply_defaults(notify_keys, cf);
	struct parse_state ps = {.cf = cf, .errs = errs, .tail = &cf->sources};
	ps.fp = fopen(path, "r");
	if (!ps.fp) {
		add_err(errs, "%s: cannot open: %s", path, strerror(errno));
		config_free(cf);
		return NULL;
	}
	int rc = ini_parse_stream(read_line, &ps, on_key, &ps);
	fclose(ps.fp);
	if (rc > 0)
		add_err(errs, "%s:%d: cannot parse this line (expected key = value or [section])", path, rc);
	else if (rc < 0)
		add_err(errs, "%s: cannot read the file", path);
	check_sources(cf, errs);
	check_notify(cf, errs);
	if (cf->max_body_size < 1024) {
		char where[512];
		add_err(errs, "%s: max_body_size must be at least 1KB",
		        config_where(cf, "max_body_size", where, sizeof(where)));
	}
	return cf;
}

/* check_readable: FILE, the value of KEY set at LINE (0: its default). */
static void check_readable(struct config_errors *errs, const struct config *cf, const char *key, int line,
                           const char *file)
{
	if (!file || !*file || access(file, R_OK) == 0)
		return;
	if (line)
		add_err(errs, "%s:%d: %s \"%s\" is not readable: %s", cf->path, line, key, file, strerror(errno));
	else
		add_err(errs, "%s: %s \"%s\" (its default; set %s in [mestatd]) is not readable: %s", cf->path, key,
		        file, key, strerror(errno));
}

size_t config_check_files(const struct config *cf, struct config_errors *errs)
{
	static const char *const files[] = {"tls_cert", "tls_key", "tls_client_ca", "tls_crl", "receipt_key"};
	size_t before = errs->n;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		size_t k = key_index(main_keys, files[i]);
		check_readable(errs, cf, files[i], cf->key_line[k],
		               *(char *const *)((const char *)cf + main_keys[k].offset));
	}
	check_readable(errs, cf, "smtp_credentials", cf->notify.key_line[key_index(notify_keys, "smtp_credentials")],
	               cf->notify.smtp_credentials);
	check_readable(errs, cf, "ca_file", cf->notify.key_line[key_index(notify_keys, "ca_file")], cf->notify.ca_file);
	for (const struct source_conf *s = cf->sources; s; s = s->next) {
		check_readable(errs, cf, "client_cert", source_line(s, "client_cert"), s->client_cert);
		check_readable(errs, cf, "client_key", source_line(s, "client_key"), s->client_key);
		check_readable(errs, cf, "ca_file", source_line(s, "ca_file"), s->ca_file);
	}
	return errs->n - before;
}

size_t config_reload_conflicts(const struct config *old, const struct config *new, struct config_errors *errs)
{
	size_t before = errs->n;
	for (const struct key_def *d = main_keys; d->name; d++) {
		if (d->reload)
			continue;
		const char *a = (const char *)old + d->offset, *b = (const char *)new + d->offset;
		bool same;
		if (d->type == K_STR || d->type == K_HOSTPORT)
			same = strcmp(*(char *const *)a, *(char *const *)b) == 0;
		else
			same = *(const long *)a == *(const long *)b;
		char where[512];
		if (!same)
			add_err(errs, "%s: %s cannot change on reload; restart mestatd to apply it",
			        config_where(new, d->name, where, sizeof(where)), d->name);
	}
	return errs->n - before;
}

void config_free(struct config *cf)
{
	if (!cf)
		return;
	struct source_conf *s = cf->sources;
	while (s) {
		struct source_conf *next = s->next;
		free_strings(source_keys, s);
		free(s->name);
		free(s);
		s = next;
	}
	free_strings(main_keys, cf);
	free_strings(notify_keys, cf);
	free(cf->path);
	free(cf);
}

void config_errors_free(struct config_errors *errs)
{
	for (size_t i = 0; i < errs->n; i++)
		free(errs->msgs[i]);
	free(errs->msgs);
	errs->msgs = NULL;
	errs->n = 0;
}
