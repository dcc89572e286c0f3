/* auth.c - maps a client certificate or a token to a reporter or an
 * evaluator. Tokens and pins are looked up through the store
 * (store_auth.c), by SECURITY DEFINER functions: mestatd never reads the
 * stored hashes itself. */
#include "auth.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "db.h"
#include "log.h"
#include "store_auth.h"
#include "tls.h"

struct auth_job {
	auth_cb cb;
	void *arg;
	bool cert;
	bool subject_cn;
	struct tls_peer peer;
	char *token;
	struct auth_identity id;
	bool on_read_pool; /* asked on the read pool: the primary's pool had no connection */
};

/* The read pool (report_database), asked when the primary cannot be. */
static struct db *read_pool;

void auth_set_read_pool(struct db *pool)
{
	read_pool = pool;
}

struct db *auth_read_pool(void)
{
	return read_pool;
}

static void done(struct auth_job *a, int status, const char *why)
{
	a->cb(status, status == 0 ? &a->id : NULL, why, a->arg);
	free(a->token);
	free(a);
}

static void on_result(struct db_conn *c, PGresult *r, const char *err, void *arg)
{
	struct auth_job *a = arg;
	if (!r || err) {
		if (err)
			log_warn("cannot check credentials", "error=\"%s\"", err);
		db_release(c);
		return done(a, 503, "the credentials cannot be checked now; try again later");
	}
	/* One row: reporter, token id, evaluator (cert: reporter, evaluator). */
	if (PQntuples(r) == 0 || (PQgetisnull(r, 0, 0) && PQgetisnull(r, 0, 2))) {
		db_release(c);
		if (a->cert)
			return done(a, 401,
			            "this client certificate is not registered for any reporter or evaluator "
			            "(its subject CN is not a reporter code and its fingerprint is not pinned)");
		return done(a, 401, "this token is unknown or revoked");
	}
	bool evaluator = PQgetisnull(r, 0, 0);
	if (evaluator)
		snprintf(a->id.evaluator, sizeof(a->id.evaluator), "%s", PQgetvalue(r, 0, 2));
	else
		snprintf(a->id.reporter, sizeof(a->id.reporter), "%s", PQgetvalue(r, 0, 0));
	if (a->cert)
		snprintf(a->id.client, sizeof(a->id.client), "cert:%s", a->peer.sha256);
	else
		snprintf(a->id.client, sizeof(a->id.client), "%s:%s", evaluator ? "evaluator-token" : "token",
		         PQgetvalue(r, 0, 1));
	db_release(c);
	done(a, 0, NULL);
}

static void on_conn(struct db_conn *c, void *arg)
{
	struct auth_job *a = arg;
	if (a->cert)
		store_caller_by_certificate(c, a->on_read_pool, a->peer.sha256, a->peer.cn, a->subject_cn, on_result,
		                            a);
	else
		store_caller_by_token(c, a->on_read_pool, a->token, on_result, a);
}

/* basic_password: the password of an HTTP Basic credential (base64 of
 * "user:password", RFC 7617) into OUT, or "" when it is not one. Clients
 * that only know Basic (DHIS2's aggregate data exchange with a username and
 * password) send the token as the password; the user name is not used. */
static void basic_password(const char *b64, char *out, size_t outlen)
{
	unsigned char dec[768];
	size_t n = strcspn(b64, " \t\r\n");
	out[0] = '\0';
	if (n == 0 || n % 4 || n / 4 * 3 >= sizeof(dec))
		return;
	int len = EVP_DecodeBlock(dec, (const unsigned char *)b64, (int)n);
	if (len < 0)
		return;
	/* EVP_DecodeBlock counts the padding as zero bytes. */
	if (n >= 1 && b64[n - 1] == '=')
		len--;
	if (n >= 2 && b64[n - 2] == '=')
		len--;
	dec[len] = '\0';
	if (memchr(dec, '\0', (size_t)len))
		return;
	const char *colon = strchr((const char *)dec, ':');
	if (colon && strlen(colon + 1) < outlen)
		snprintf(out, outlen, "%s", colon + 1);
	OPENSSL_cleanse(dec, sizeof(dec));
}

void auth_resolve(struct db *db, bool subject_cn, const struct tls_peer *peer, const char *authorization, auth_cb cb,
                  void *arg)
{
	const char *token = NULL;
	char basic[512];
	basic[0] = '\0';
	if (authorization) {
		if (strncasecmp(authorization, "Bearer ", 7) == 0)
			token = authorization + 7;
		else if (strncasecmp(authorization, "ApiToken ", 9) == 0)
			token = authorization + 9;
		else if (strncasecmp(authorization, "Basic ", 6) == 0) {
			const char *b = authorization + 6;
			while (*b == ' ')
				b++;
			basic_password(b, basic, sizeof(basic));
			token = basic;
		}
		while (token && *token == ' ')
			token++;
	}
	if (peer->present && subject_cn && peer->cn_problem[0]) {
		/* A subject that could be read two ways names nobody: never the
		 * first CN, never a prefix of one, and not the pinned fingerprint
		 * either, since such a certificate was not issued as a reporter's. */
		char why[256];
		log_warn("client certificate refused", "fingerprint=%s reason=\"%s\"", peer->sha256, peer->cn_problem);
		snprintf(why, sizeof(why),
		         "this client certificate's subject does not name one reporter (%s); its subject "
		         "must hold exactly one CN, the reporter code",
		         peer->cn_problem);
		cb(401, NULL, why, arg);
		return;
	}
	if (!peer->present && (!token || !*token)) {
		cb(401, NULL,
		   authorization
		           ? "the Authorization header must be \"Bearer TOKEN\", \"ApiToken TOKEN\" or HTTP Basic "
		             "with the token as the password"
		           : "no credentials: present a client certificate or an Authorization: Bearer token",
		   arg);
		return;
	}
	struct auth_job *a = calloc(1, sizeof(*a));
	if (!a) {
		cb(503, NULL, "out of memory", arg);
		return;
	}
	a->cb = cb;
	a->arg = arg;
	a->cert = peer->present;
	a->subject_cn = subject_cn;
	a->peer = *peer;
	a->token = token ? strdup(token) : NULL;
	OPENSSL_cleanse(basic, sizeof(basic));
	if (db_acquire(db, on_conn, a) == 0)
		return;
	/* No connection to the primary (it is down, or a standby is being
	 * promoted): who the caller is can still be read on the read pool, so
	 * reading goes on; a write will find no connection and answer 503. */
	a->on_read_pool = true;
	if (!read_pool || read_pool == db || db_acquire(read_pool, on_conn, a) != 0)
		done(a, 503, "the database is unavailable");
}
