/* pull_fetch.c - one pull's transfer: the URL from its template and the
 * period, the request (validators, credentials, limits), and the class of
 * each way a transfer fails; libcurl runs on the loop through curl_ev.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "curl_ev.h"
#include "formats/media.h"
#include "pull_internal.h"
#include "util.h"

/* ---- URL templates and period arithmetic ---- */

void pull_period_latest(enum fmt f, time_t now, char *out, size_t len)
{
	struct tm tm;
	localtime_r(&now, &tm);
	int year = tm.tm_year + 1900, q = tm.tm_mon / 3; /* 0..3: quarters ended this year */
	if (q == 0) {
		year--;
		q = 4;
	}
	snprintf(out, len, f == FMT_SDMX_CSV ? "%d-Q%d" : "%dQ%d", year, q);
}

char *pull_url_expand(const char *tmpl, const char *period, const char *since)
{
	size_t cap = strlen(tmpl) + 1, n = 0, grow = strlen(since) + strlen(period);
	for (const char *q = tmpl; (q = strchr(q, '{')); q++)
		cap += grow;
	char *out = malloc(cap);
	if (!out)
		return NULL;
	for (const char *p = tmpl; *p;) {
		if (strncmp(p, "{period}", 8) == 0) {
			n += (size_t)snprintf(out + n, cap - n, "%s", period);
			p += 8;
		} else if (strncmp(p, "{since}", 7) == 0) {
			n += (size_t)snprintf(out + n, cap - n, "%s", since);
			p += 7;
		} else {
			out[n++] = *p++;
		}
	}
	out[n] = '\0';
	return out;
}

/* The plan's first quarter: an SDMX REST pull never asks for older data. */
#define SDMX_START_PERIOD "2016-Q1"

/* sdmx_rest_query: the SDMX REST data query URL (a {base}/data/{flow}/{key}
 * endpoint, SDMX 2.1 and 3.0 REST) with startPeriod and, after a first
 * success, updatedAfter: the time of the last successful pull less the
 * claim's lease, which bounds how long that round ran, so nothing updated
 * while it ran is skipped (values fetched twice count as unchanged).
 * Parameters the URL already names are left as written. */
static char *sdmx_rest_query(const struct source *s, CURL *easy, const char *url)
{
	char after[32] = "";
	if (s->since) {
		struct tm tm = {0};
		if (strptime(s->since, "%Y-%m-%dT%H:%M:%SZ", &tm)) {
			time_t t = timegm(&tm) - (time_t)lease_of(s->pc);
			gmtime_r(&t, &tm);
			strftime(after, sizeof(after), "%Y-%m-%dT%H:%M:%SZ", &tm);
		}
	}
	char *esc = after[0] ? curl_easy_escape(easy, after, 0) : NULL;
	size_t n = strlen(url) + 64 + (esc ? strlen(esc) : 0);
	char *out = malloc(n);
	if (out) {
		const char *sep = strchr(url, '?') ? "&" : "?";
		int k = snprintf(out, n, "%s", url);
		if (!strstr(url, "startPeriod=")) {
			k += snprintf(out + k, n - (size_t)k, "%sstartPeriod=" SDMX_START_PERIOD, sep);
			sep = "&";
		}
		if (esc && !strstr(url, "updatedAfter="))
			snprintf(out + k, n - (size_t)k, "%supdatedAfter=%s", sep, esc);
	}
	curl_free(esc);
	return out;
}

/* expand_url: the URL of S's round, {since} escaped by EASY; NULL on OOM. */
static char *expand_url(const struct source *s, CURL *easy)
{
	char period[16];
	pull_period_latest(s->pc->format, time(NULL), period, sizeof(period));
	char *since = curl_easy_escape(easy, s->since ? s->since : "1970-01-01T00:00:00Z", 0);
	if (!since)
		return NULL;
	char *url = pull_url_expand(s->pc->url, period, since);
	curl_free(since);
	if (url && s->pc->sdmx_rest) {
		char *q = sdmx_rest_query(s, easy, url);
		free(url);
		url = q;
	}
	return url;
}

/* ---- the request ---- */

static size_t on_body(char *data, size_t size, size_t nmemb, void *arg)
{
	struct source *s = arg;
	size_t n = size * nmemb;
	if (n > s->pc->max_body_size - s->len) {
		s->too_big = true;
		return 0; /* aborts the transfer with CURLE_WRITE_ERROR */
	}
	if (s->len + n + 1 > s->cap) {
		size_t cap = s->cap ? s->cap : 16384;
		while (cap < s->len + n + 1)
			cap *= 2;
		if (cap > s->pc->max_body_size + 1)
			cap = s->pc->max_body_size + 1;
		char *p = realloc(s->body, cap);
		if (!p)
			return 0;
		s->body = p;
		s->cap = cap;
	}
	memcpy(s->body + s->len, data, n);
	s->len += n;
	s->body[s->len] = '\0';
	return n;
}

/* add_header: append "NAME: VALUE" to the request; VALUE NULL means the
 * bearer token of the round's configuration. */
static int add_header(struct source *s, const char *name, const char *value)
{
	char *line;
	int n = value ? asprintf(&line, "%s: %s", name, value) : asprintf(&line, "%s: Bearer %s", name, s->pc->token);
	if (n < 0)
		return -1;
	struct curl_slist *l = curl_slist_append(s->headers, line);
	free(line);
	if (!l)
		return -1;
	s->headers = l;
	return 0;
}

static int setup_easy(struct source *s)
{
	const struct src_conf *c = s->pc;
	CURL *e = s->easy;
	char *url = expand_url(s, e);
	if (!url)
		return -1;
	CURLcode rc = curl_easy_setopt(e, CURLOPT_URL, url);
	free(url);
	long timeout_ms = (long)(c->timeout * 1000);
	long low_time = (long)(c->timeout / 2) < PULL_LOW_SPEED_TIME ? (long)(c->timeout / 2) : PULL_LOW_SPEED_TIME;
	if (low_time >= 2) { /* with a shorter timeout, the timeout itself catches a stall */
		rc |= curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, PULL_LOW_SPEED);
		rc |= curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, low_time);
	}
	/* SDMX REST: SDMX-CSV 2.0 (3.0 servers) or 1.0 (2.1 servers) */
	struct curl_slist *l = curl_slist_append(
		NULL, c->sdmx_rest ? "Accept: application/vnd.sdmx.data+csv;version=2.0.0, "
				     "application/vnd.sdmx.data+csv;version=1.0.0;q=0.9, text/csv;q=0.5"
				   : fmt_accept(c->format));
	if (!l)
		return -1;
	s->headers = l;
	if (s->url_same && s->old_etag && add_header(s, "If-None-Match", s->old_etag) != 0)
		return -1;
	if (s->url_same && s->old_lm && add_header(s, "If-Modified-Since", s->old_lm) != 0)
		return -1;
	if (*c->token && add_header(s, "Authorization", NULL) != 0)
		return -1;
	rc |= curl_easy_setopt(e, CURLOPT_HTTPHEADER, s->headers);
	rc |= curl_easy_setopt(e, CURLOPT_PRIVATE, s);
	rc |= curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	rc |= curl_easy_setopt(e, CURLOPT_WRITEDATA, s);
	rc |= curl_easy_setopt(e, CURLOPT_ERRORBUFFER, s->errbuf);
	rc |= curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	/* HTTPS only, redirects included, and always verified. */
	rc |= curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "https");
	rc |= curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "https");
	rc |= curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
	rc |= curl_easy_setopt(e, CURLOPT_MAXREDIRS, 5L);
	rc |= curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
	rc |= curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
	if (*c->ca_file)
		rc |= curl_easy_setopt(e, CURLOPT_CAINFO, c->ca_file);
	if (*c->client_cert) {
		rc |= curl_easy_setopt(e, CURLOPT_SSLCERT, c->client_cert);
		rc |= curl_easy_setopt(e, CURLOPT_SSLKEY, c->client_key);
	}
	/* Bounded in time and size: the whole transfer, the connection, a
	 * stalled (trickling) server, and the body whether announced or not. */
	rc |= curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout_ms);
	rc |= curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms < 15000 ? timeout_ms : 15000L);
	rc |= curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)c->max_body_size);
	rc |= curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	rc |= curl_easy_setopt(e, CURLOPT_USERAGENT, "mestatd/" PACKAGE_VERSION);
	return rc == CURLE_OK ? 0 : -1;
}

void fetch_start(struct source *s)
{
	s->state = ST_FETCH;
	s->started = util_now_mono();
	s->easy = curl_easy_init();
	if (!s->easy || setup_easy(s) != 0 || curl_ev_add(pulls.ce, s->easy) != 0) {
		if (s->easy)
			curl_easy_cleanup(s->easy);
		s->easy = NULL;
		conclude(s, "connect", "cannot set up the transfer (out of memory or a bad URL)");
	}
}

/* ---- the answer ---- */

const char *pull_failure_class(CURLcode rc, bool too_big, const char *msg)
{
	switch (rc) {
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
		/* After the handshake the server may still refuse us with a TLS
		 * alert (TLS 1.3 checks the client certificate then). */
		return strstr(msg, " alert ") ? "tls" : "connect";
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY: return "dns";
	case CURLE_OPERATION_TIMEDOUT: return "timeout";
	case CURLE_FILESIZE_EXCEEDED: return "body_too_large";
	case CURLE_WRITE_ERROR: return too_big ? "body_too_large" : "connect";
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_SSL_SHUTDOWN_FAILED:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_CLIENTCERT:
	case CURLE_USE_SSL_FAILED: return "tls";
	case CURLE_TOO_MANY_REDIRECTS:
	case CURLE_UNSUPPORTED_PROTOCOL: /* a redirect to anything but https */ return "http_status";
	case CURLE_BAD_CONTENT_ENCODING: return "decode";
	default: return "connect";
	}
}

static char *header_value(CURL *e, const char *name)
{
	struct curl_header *h;
	if (curl_easy_header(e, name, 0, CURLH_HEADER, -1, &h) != CURLHE_OK || !h->value || !*h->value)
		return NULL;
	return strdup(h->value);
}

static void transfer_done(struct source *s, CURLcode rc)
{
	long code = 0;
	char *ct = NULL, *redirect = NULL;
	curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_getinfo(s->easy, CURLINFO_CONTENT_TYPE, &ct);
	curl_easy_getinfo(s->easy, CURLINFO_EFFECTIVE_URL, &redirect); /* where a refused redirect led */
	s->content_type = util_strdup(ct);
	if (rc == CURLE_UNSUPPORTED_PROTOCOL && code / 100 == 3 && redirect)
		snprintf(s->errbuf, sizeof(s->errbuf), "HTTP %ld redirects to %.160s, which is not https: refused",
		         code, redirect);
	if (rc == CURLE_OK) {
		s->new_etag = header_value(s->easy, "ETag");
		s->new_lm = header_value(s->easy, "Last-Modified");
	}
	curl_ev_remove(pulls.ce, s->easy);
	s->easy = NULL;
	curl_slist_free_all(s->headers);
	s->headers = NULL;

	if (rc != CURLE_OK) {
		const char *cls = pull_failure_class(rc, s->too_big, s->errbuf);
		if (strcmp(cls, "body_too_large") == 0)
			conclude(s, cls, "the body is larger than max_body_size (%zu bytes)", s->pc->max_body_size);
		else
			conclude(s, cls, "%s", s->errbuf[0] ? s->errbuf : curl_easy_strerror(rc));
	} else if (code == 304) {
		conclude(s, "not_modified", "not modified since the last pull");
	} else if (code == 404 && s->pc->sdmx_rest && s->since) {
		/* SDMX REST answers a query without results 404 (NoResultsFound):
		 * nothing was updated since the last pull */
		conclude(s, "not_modified",
		         "no observation updated since the last pull (SDMX REST 404 NoResultsFound)");
	} else if (code != 200) {
		conclude(s, "http_status", "HTTP %ld from the server", code);
	} else {
		util_sha256_hex(s->body ? s->body : "", s->len, s->sha);
		if (s->old_sha && strcmp(s->sha, s->old_sha) == 0) {
			s->set_validators = true;
			conclude(s, "unchanged", "the body is the one accepted before");
		} else if (strcmp(s->sha, s->rejected_sha) == 0) {
			s->sha[0] = '\0';
			conclude(s, s->rejected_class, "%s (the same body as last time)", s->rejected_msg);
		} else {
			round_ingest(s);
		}
	}
}

void fetch_done(CURL *easy, CURLcode rc, void *arg)
{
	(void)arg;
	struct source *s = NULL;
	curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&s);
	if (s && s->easy == easy)
		transfer_done(s, rc);
}
