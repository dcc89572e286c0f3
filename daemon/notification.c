/* notification.c - sends the notices of the reporting cycle by e-mail (SMTP
 * through libcurl, STARTTLS or SMTPS) and webhooks (HTTPS POST of JSON),
 * from the event loop.
 *
 * Every notify interval, one round on one pooled connection, through the
 * store (store_notify.c):
 *   SELECT mestat.set_notify(remind_days, source_alert_after)
 *   SELECT mestat.notify_due()              -- reminders and alerts due now
 *   SELECT * FROM mestat.notification_claim(worker, N, ...)
 * then one curl transfer per claimed notice, and for each outcome
 *   SELECT mestat.notification_done(id, ok, error, max_attempts)
 * on a connection of its own.
 *
 * Exactly once, as far as the receivers allow: a notice is written once per
 * event and contact (its key is unique), so a restart or a second daemon
 * writes nothing new; claiming takes rows FOR UPDATE SKIP LOCKED, so two
 * daemons never send the same row; a row claimed by a daemon that died
 * before recording the outcome is claimed again after a lease and sent
 * with the same Message-ID / X-Mestat-Event headers so a receiver can drop
 * the repeat. Failures are tried again after 30 s, 1 min, 2 min … 1 h. */
#include "notification.h"

#include <curl/curl.h>
#include <jansson.h>
#include <math.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "context.h"
#include "curl_ev.h"
#include "db.h"
#include "log.h"
#include "metrics.h"
#include "store_notify.h"
#include "util.h"

/* One notice being sent. */
struct notice {
	char id[24];
	char *payload; /* the message (SMTP) or the JSON body (webhook) */
	size_t len, pos;
	struct curl_slist *headers, *rcpt;
	char error[CURL_ERROR_SIZE];
	bool email;
};

static struct {
	struct daemon *d;
	struct curl_ev *ce;
	struct event *tick;
	bool round;     /* a round holds a connection */
	double overdue; /* reports overdue at the last round */
	char worker[96];
	int inflight;
} nt;

/* ---- building the messages ---- */

static char *base64(const char *data, size_t len, size_t *out_len)
{
	size_t n = 4 * ((len + 2) / 3);
	char *out = malloc(n + 1);
	if (!out)
		return NULL;
	int w = EVP_EncodeBlock((unsigned char *)out, (const unsigned char *)data, (int)len);
	*out_len = (size_t)w;
	return out;
}

/* mail_text: an RFC 5322 message, UTF-8, subject in RFC 2047 and the body
 * in base64 (no dot-stuffing or line-length worries for the Chinese text). */
static char *mail_text(const char *from, const char *to, const char *subject, const char *body, const char *id,
                       const char *key, size_t *len)
{
	size_t sl, bl;
	char *s64 = base64(subject, strlen(subject), &sl);
	char *b64 = base64(body, strlen(body), &bl);
	struct ubuf b = {0};
	char date[64];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	int rc = (!s64 || !b64);
	if (!rc) {
		char head[1024];
		int n = snprintf(
			head, sizeof(head),
			"From: %s\r\nTo: %s\r\nDate: %s\r\nMessage-ID: <notice-%s@mestat>\r\nX-Mestat-Event: %s\r\n"
			"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
			"Content-Transfer-Encoding: base64\r\nSubject: =?UTF-8?B?",
			from, to, date, id, key);
		rc |= n < 0 || (size_t)n >= sizeof(head) || ubuf_put(&b, head, (size_t)n);
		rc |= ubuf_put(&b, s64, sl) | ubuf_put(&b, "?=\r\n\r\n", 6);
		for (size_t i = 0; i < bl; i += 76)
			rc |= ubuf_put(&b, b64 + i, bl - i < 76 ? bl - i : 76) | ubuf_put(&b, "\r\n", 2);
	}
	free(s64);
	free(b64);
	if (rc) {
		free(b.p);
		return NULL;
	}
	*len = b.len;
	return b.p;
}

/* webhook_body: the JSON each kind of receiver takes: our own (generic), or
 * the text message of a WeCom, DingTalk or Feishu group robot. */
static char *webhook_body(PGresult *r, int i)
{
	const char *kind = PQgetvalue(r, i, 4), *subject = PQgetvalue(r, i, 6), *body = PQgetvalue(r, i, 7);
	char *text = NULL;
	if (asprintf(&text, "%s\n\n%s", subject, body) < 0)
		return NULL;
	json_t *j;
	if (strcmp(kind, "wecom") == 0 || strcmp(kind, "dingtalk") == 0)
		j = json_pack("{s:s, s:{s:s}}", "msgtype", "text", "text", "content", text);
	else if (strcmp(kind, "feishu") == 0)
		j = json_pack("{s:s, s:{s:s}}", "msg_type", "text", "content", "text", text);
	else
		j = json_pack("{s:s, s:s, s:s?, s:s?, s:s, s:s}", "event", PQgetvalue(r, i, 10), "event_key",
		              PQgetvalue(r, i, 1), "reporter", PQgetisnull(r, i, 8) ? NULL : PQgetvalue(r, i, 8),
		              "period", PQgetisnull(r, i, 9) ? NULL : PQgetvalue(r, i, 9), "subject", subject, "text",
		              body);
	free(text);
	char *out = j ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	return out;
}

static size_t read_payload(char *buf, size_t size, size_t n, void *arg)
{
	struct notice *m = arg;
	size_t want = size * n, left = m->len - m->pos;
	if (want > left)
		want = left;
	memcpy(buf, m->payload + m->pos, want);
	m->pos += want;
	return want;
}

static size_t discard(char *p, size_t size, size_t n, void *arg)
{
	(void)p, (void)arg;
	return size * n;
}

static void notice_free(struct notice *m)
{
	if (!m)
		return;
	free(m->payload);
	curl_slist_free_all(m->headers);
	curl_slist_free_all(m->rcpt);
	free(m);
}

/* smtp_login: user and password from the first line of FILE. */
static void smtp_login(CURL *e, const char *file)
{
	FILE *f = fopen(file, "r");
	char line[512];
	if (!f) {
		log_warn("cannot read smtp_credentials; sending without a login", "file=%s", file);
		return;
	}
	if (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		char *colon = strchr(line, ':');
		if (colon) {
			*colon = '\0';
			curl_easy_setopt(e, CURLOPT_USERNAME, line);
			curl_easy_setopt(e, CURLOPT_PASSWORD, colon + 1);
		}
	}
	fclose(f);
}

/* ---- outcomes ---- */

static void on_recorded(struct db_conn *c, PGresult *res, const char *err, void *arg)
{
	(void)res;
	char *id = arg;
	if (err)
		log_warn("the outcome of a notice was not recorded; it will be sent again after its lease",
		         "notice=%s error=\"%s\"", id, err);
	db_release(c);
	free(id);
}

struct outcome {
	char id[24];
	bool ok;
	char error[300];
};

static void on_outcome_conn(struct db_conn *c, void *arg)
{
	struct outcome *o = arg;
	store_notify_done(c, o->id, o->ok, o->error, nt.d->cf->notify.max_attempts, on_recorded, strdup(o->id));
	free(o);
}

static void record(const char *id, bool ok, const char *error)
{
	struct outcome *o = calloc(1, sizeof(*o));
	if (!o)
		return;
	snprintf(o->id, sizeof(o->id), "%s", id);
	o->ok = ok;
	snprintf(o->error, sizeof(o->error), "%s", error ? error : "");
	if (db_acquire(nt.d->db, on_outcome_conn, o) != 0) {
		log_warn("the outcome of a notice was not recorded: the database is unavailable", "notice=%s", id);
		free(o);
	}
}

static void transfer_done(CURL *e, CURLcode rc, void *arg)
{
	(void)arg;
	struct notice *m = NULL;
	curl_easy_getinfo(e, CURLINFO_PRIVATE, (char **)&m);
	long code = 0;
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &code);
	bool ok = rc == CURLE_OK && (m->email || (code >= 200 && code < 300));
	char why[300];
	if (rc != CURLE_OK)
		snprintf(why, sizeof(why), "%s", m->error[0] ? m->error : curl_easy_strerror(rc));
	else if (!ok)
		snprintf(why, sizeof(why), "the webhook answered HTTP %ld", code);
	else
		why[0] = '\0';
	if (ok)
		log_info("notice sent", "notice=%s", m->id);
	else
		log_warn("notice not sent; it will be tried again", "notice=%s error=\"%s\"", m->id, why);
	metrics_notice(ok);
	record(m->id, ok, why);
	curl_ev_remove(nt.ce, e);
	notice_free(m);
	nt.inflight--;
}

/* ---- sending ---- */

static int send_one(PGresult *r, int i)
{
	const struct notify_conf *nc = &nt.d->cf->notify;
	struct notice *m = calloc(1, sizeof(*m));
	CURL *e = m ? curl_easy_init() : NULL;
	if (!e) {
		free(m);
		return -1;
	}
	snprintf(m->id, sizeof(m->id), "%s", PQgetvalue(r, i, 0));
	m->email = strcmp(PQgetvalue(r, i, 2), "email") == 0;
	const char *address = PQgetvalue(r, i, 3);
	curl_easy_setopt(e, CURLOPT_PRIVATE, m);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, m->error);
	curl_easy_setopt(e, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	if (nc->ca_file[0])
		curl_easy_setopt(e, CURLOPT_CAINFO, nc->ca_file);
	curl_easy_setopt(e, CURLOPT_READFUNCTION, read_payload);
	curl_easy_setopt(e, CURLOPT_READDATA, m);
	if (m->email) {
		char to[400], from[400];
		snprintf(to, sizeof(to), "<%s>", address);
		snprintf(from, sizeof(from), "<%s>", nc->smtp_from);
		char key[200];
		snprintf(key, sizeof(key), "%s", PQgetvalue(r, i, 1));
		m->payload = mail_text(nc->smtp_from, address, PQgetvalue(r, i, 6), PQgetvalue(r, i, 7), m->id, key,
		                       &m->len);
		m->rcpt = curl_slist_append(NULL, to);
		curl_easy_setopt(e, CURLOPT_URL, nc->smtp_url);
		curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
		curl_easy_setopt(e, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
		curl_easy_setopt(e, CURLOPT_MAIL_FROM, from);
		curl_easy_setopt(e, CURLOPT_MAIL_RCPT, m->rcpt);
		curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE, (curl_off_t)m->len);
		if (nc->smtp_credentials[0])
			smtp_login(e, nc->smtp_credentials);
	} else {
		m->payload = webhook_body(r, i);
		m->len = m->payload ? strlen(m->payload) : 0;
		char h[300];
		m->headers = curl_slist_append(NULL, "Content-Type: application/json; charset=utf-8");
		snprintf(h, sizeof(h), "X-Mestat-Event: %s", PQgetvalue(r, i, 1));
		m->headers = curl_slist_append(m->headers, h);
		snprintf(h, sizeof(h), "Idempotency-Key: notice-%s", m->id);
		m->headers = curl_slist_append(m->headers, h);
		if (!PQgetisnull(r, i, 5) && m->payload) {
			const char *secret = PQgetvalue(r, i, 5);
			unsigned char mac[EVP_MAX_MD_SIZE];
			unsigned int maclen = 0;
			HMAC(EVP_sha256(), secret, (int)strlen(secret), (const unsigned char *)m->payload, m->len, mac,
			     &maclen);
			int n = snprintf(h, sizeof(h), "X-Mestat-Signature: sha256=");
			for (unsigned int k = 0; k < maclen && n + 3 < (int)sizeof(h); k++)
				n += snprintf(h + n, sizeof(h) - (size_t)n, "%02x", mac[k]);
			m->headers = curl_slist_append(m->headers, h);
		}
		curl_easy_setopt(e, CURLOPT_URL, address);
		curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "https");
		curl_easy_setopt(e, CURLOPT_POST, 1L);
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, m->payload);
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)m->len);
		curl_easy_setopt(e, CURLOPT_HTTPHEADER, m->headers);
		curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, discard);
	}
	if (!m->payload || curl_ev_add(nt.ce, e) != 0) {
		record(m->id, false, "the notice could not be prepared (out of memory)");
		curl_easy_cleanup(e);
		notice_free(m);
		return -1;
	}
	nt.inflight++;
	return 0;
}

/* ---- the round ---- */

static void round_end(struct db_conn *c)
{
	db_release(c);
	nt.round = false;
}

static void on_overdue(struct db_conn *c, PGresult *res, const char *err, void *arg)
{
	(void)arg;
	if (!err && res && PQntuples(res) == 1)
		nt.overdue = atof(PQgetvalue(res, 0, 0));
	round_end(c);
}

static void on_claimed(struct db_conn *c, PGresult *res, const char *err, void *arg)
{
	(void)arg;
	if (err || !res) {
		log_warn("notices not claimed", "error=\"%s\"", err ? err : "connection lost");
		return round_end(c);
	}
	for (int i = 0; i < PQntuples(res); i++)
		send_one(res, i);
	store_notify_overdue(c, on_overdue, NULL);
}

static void on_due(struct db_conn *c, PGresult *res, const char *err, void *arg)
{
	(void)arg;
	if (!res)
		return round_end(c);
	if (err)
		log_warn("reminders and alerts not written", "error=\"%s\"", err);
	else if (strcmp(PQgetvalue(res, 0, 0), "0") != 0)
		log_info("notices written", "count=%s", PQgetvalue(res, 0, 0));
	store_notify_claim(c, nt.worker, nt.d->cf->notify.smtp_url[0] != '\0', on_claimed, NULL);
}

static void on_settings(struct db_conn *c, PGresult *res, const char *err, void *arg)
{
	(void)arg;
	if (!res)
		return round_end(c);
	if (err)
		log_warn("[notify] settings not stored", "error=\"%s\"", err);
	store_notify_due(c, on_due, NULL);
}

static void on_conn(struct db_conn *c, void *arg)
{
	(void)arg;
	store_notify_settings(c, nt.d->cf->notify.remind_days, nt.d->cf->notify.source_alert_after, on_settings, NULL);
}

static void on_tick(evutil_socket_t fd, short what, void *arg)
{
	(void)fd, (void)what, (void)arg;
	if (nt.round || nt.d->stopping)
		return;
	nt.round = true;
	if (db_acquire(nt.d->db, on_conn, NULL) != 0)
		nt.round = false; /* the pool logs why; the next tick tries again */
}

static void arm(const struct config *cf)
{
	double s = cf->notify.interval;
	if (s < 1)
		s = 1;
	struct timeval tv = {(long)s, (long)((s - (double)(long)s) * 1e6)};
	event_del(nt.tick);
	event_add(nt.tick, &tv);
}

double notification_overdue_reports(void)
{
	return nt.overdue;
}

int notification_start(struct daemon *d)
{
	nt.d = d;
	nt.overdue = NAN;
	char host[64] = "";
	gethostname(host, sizeof(host) - 1);
	snprintf(nt.worker, sizeof(nt.worker), "%s:%ld", host, (long)getpid());
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return -1;
	nt.ce = curl_ev_new(d->base, transfer_done, NULL);
	nt.tick = event_new(d->base, -1, EV_PERSIST, on_tick, NULL);
	if (!nt.ce || !nt.tick)
		return -1;
	arm(d->cf);
	return 0;
}

void notification_reconfigure(const struct config *cf)
{
	/* The rest is read from the context at each use. */
	if (nt.tick)
		arm(cf);
}

void notification_stop(void)
{
	if (nt.tick)
		event_free(nt.tick);
	nt.tick = NULL;
	curl_ev_free(nt.ce); /* aborts transfers in flight: they are claimed again after their lease */
	nt.ce = NULL;
	curl_global_cleanup();
}
