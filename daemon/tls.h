/* tls.h - the server's TLS context and the identity of a client certificate. */
#ifndef MESTAT_TLS_H
#define MESTAT_TLS_H

#include <openssl/ssl.h>
#include <stdbool.h>
#include <stddef.h>

struct config;

/* tls_server_ctx: build a server context from the configuration (TLS 1.2
 * minimum, certificate chain, key, client CA and CRL when set). Returns NULL
 * and a message in ERR when a file is missing or does not match. */
SSL_CTX *tls_server_ctx(const struct config *cf, char *err, size_t errlen);

/* Longest subject CN read as a name (X.509's upper bound, ub-common-name). */
#define TLS_CN_MAX 64

/* The verified client certificate of a connection, if any. */
struct tls_peer {
	bool present;            /* a certificate was sent and verified */
	char cn[TLS_CN_MAX + 1]; /* its one subject CN, when it is a plain name; else "" */
	char cn_problem[96];     /* why the subject names nobody ("ambiguous subject: 2 CNs"), or "" */
	char sha256[65];         /* hex SHA-256 of the DER certificate */
};

/* tls_peer_get: fill PEER from SSL (a finished handshake). */
void tls_peer_get(SSL *ssl, struct tls_peer *peer);

/* tls_subject_cn: the one CN of NAME when it is a plain name (exactly one
 * CN entry; no NUL; printable ASCII; no blank at either end; 1 to
 * TLS_CN_MAX characters) into CN (TLS_CN_MAX + 1 bytes); returns 0, or -1
 * with the reason in WHY. Read from the ASN.1 string itself, never through
 * a buffer that could cut it short. */
int tls_subject_cn(const X509_NAME *name, char *cn, char *why, size_t whylen);

/* tls_errors: the queued OpenSSL errors as one line (clears the queue). */
void tls_errors(char *buf, size_t len);

/* Per-connection data carried by a connection's SSL object. ON_FREE runs
 * when OpenSSL frees the SSL object, i.e. when the connection is closed;
 * HANDSHAKE_DONE tells whether TLS was ever established on it. */
typedef void (*tls_conn_free_fn)(void *data, bool handshake_done);
void tls_init(tls_conn_free_fn on_free);
void tls_conn_set(SSL *ssl, void *data);
void *tls_conn_get(SSL *ssl);

#endif
