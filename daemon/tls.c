/* tls.c - OpenSSL server context, client certificate identity, and a
 * per-connection mark whose release tells the HTTP layer a connection closed. */
#include "tls.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>

#include "config.h"

static int conn_index = -1;
static tls_conn_free_fn conn_free;

/* Called by OpenSSL from SSL_free for every SSL object: PARENT is the SSL. */
static void data_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl, void *argp)
{
	(void)ad, (void)idx, (void)argl, (void)argp;
	if (ptr && conn_free)
		conn_free(ptr, SSL_is_init_finished((SSL *)parent) == 1);
}

void tls_init(tls_conn_free_fn on_free)
{
	conn_free = on_free;
	if (conn_index < 0)
		conn_index = SSL_get_ex_new_index(0, NULL, NULL, NULL, data_free);
}

void tls_conn_set(SSL *ssl, void *data)
{
	SSL_set_ex_data(ssl, conn_index, data);
}

void *tls_conn_get(SSL *ssl)
{
	return SSL_get_ex_data(ssl, conn_index);
}

void tls_errors(char *buf, size_t len)
{
	unsigned long e;
	size_t n = 0;
	buf[0] = '\0';
	while ((e = ERR_get_error()) != 0 && n + 2 < len) {
		char one[256];
		ERR_error_string_n(e, one, sizeof(one));
		n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? "; " : "", one);
	}
	if (!buf[0])
		snprintf(buf, len, "no detail from OpenSSL");
}

/* Client certificates are optional at the TLS layer (a token may stand in);
 * a certificate that is sent must verify against tls_client_ca. */
static int verify_cb(int ok, X509_STORE_CTX *store)
{
	(void)store;
	return ok;
}

static int load_crl(SSL_CTX *ctx, const char *where, const char *file, char *err, size_t errlen)
{
	FILE *fp = fopen(file, "r");
	if (!fp) {
		snprintf(err, errlen, "%s: tls_crl %s: cannot open", where, file);
		return -1;
	}
	X509_STORE *store = SSL_CTX_get_cert_store(ctx);
	int n = 0;
	X509_CRL *crl;
	while ((crl = PEM_read_X509_CRL(fp, NULL, NULL, NULL)) != NULL) {
		X509_STORE_add_crl(store, crl);
		X509_CRL_free(crl);
		n++;
	}
	fclose(fp);
	ERR_clear_error();
	if (n == 0) {
		snprintf(err, errlen, "%s: tls_crl %s: no CRL in PEM format found", where, file);
		return -1;
	}
	X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL);
	return 0;
}

SSL_CTX *tls_server_ctx(const struct config *cf, char *err, size_t errlen)
{
	char why[512], where[512];
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
	if (!ctx) {
		tls_errors(why, sizeof(why));
		snprintf(err, errlen, "cannot create a TLS context: %s", why);
		return NULL;
	}
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
	/* Idle connections give their read and write buffers back: thousands
	 * of provinces' keep-alive connections then cost a few KiB each. */
	SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
	SSL_CTX_set_session_id_context(ctx, (const unsigned char *)"mestatd", 7);
	if (SSL_CTX_use_certificate_chain_file(ctx, cf->tls_cert) != 1) {
		tls_errors(why, sizeof(why));
		snprintf(err, errlen, "%s: tls_cert %s: %s", config_where(cf, "tls_cert", where, sizeof(where)),
		         cf->tls_cert, why);
		goto fail;
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, cf->tls_key, SSL_FILETYPE_PEM) != 1) {
		tls_errors(why, sizeof(why));
		snprintf(err, errlen, "%s: tls_key %s: %s", config_where(cf, "tls_key", where, sizeof(where)),
		         cf->tls_key, why);
		goto fail;
	}
	if (SSL_CTX_check_private_key(ctx) != 1) {
		snprintf(err, errlen, "%s: tls_key %s does not match tls_cert %s",
		         config_where(cf, "tls_key", where, sizeof(where)), cf->tls_key, cf->tls_cert);
		goto fail;
	}
	if (cf->tls_client_ca && *cf->tls_client_ca) {
		if (SSL_CTX_load_verify_locations(ctx, cf->tls_client_ca, NULL) != 1) {
			tls_errors(why, sizeof(why));
			snprintf(err, errlen, "%s: tls_client_ca %s: %s",
			         config_where(cf, "tls_client_ca", where, sizeof(where)), cf->tls_client_ca, why);
			goto fail;
		}
		STACK_OF(X509_NAME) *names = SSL_load_client_CA_file(cf->tls_client_ca);
		if (names)
			SSL_CTX_set_client_CA_list(ctx, names);
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, verify_cb);
		if (cf->tls_crl && *cf->tls_crl &&
		    load_crl(ctx, config_where(cf, "tls_crl", where, sizeof(where)), cf->tls_crl, err, errlen) != 0)
			goto fail;
	}
	ERR_clear_error();
	return ctx;
fail:
	SSL_CTX_free(ctx);
	return NULL;
}

int tls_subject_cn(const X509_NAME *name, char *cn, char *why, size_t whylen)
{
	cn[0] = '\0';
	int n = 0, at = -1;
	for (int i = -1; (i = X509_NAME_get_index_by_NID(name, NID_commonName, i)) >= 0;)
		if (n++ == 0)
			at = i;
	if (n == 0) {
		snprintf(why, whylen, "no CN in the subject");
		return -1;
	}
	if (n > 1) {
		snprintf(why, whylen, "ambiguous subject: %d CNs", n);
		return -1;
	}
	const ASN1_STRING *data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, at));
	const unsigned char *bytes = ASN1_STRING_get0_data(data);
	int len = ASN1_STRING_length(data);
	int type = ASN1_STRING_type(data);
	/* Codes are ASCII: read the string types whose bytes are characters
	 * one for one, and refuse the wide ones (BMP, Universal) rather than
	 * guess at a conversion. */
	if (type != V_ASN1_PRINTABLESTRING && type != V_ASN1_UTF8STRING && type != V_ASN1_IA5STRING &&
	    type != V_ASN1_T61STRING && type != V_ASN1_VISIBLESTRING) {
		snprintf(why, whylen, "CN is encoded as %s, not as text", ASN1_tag2str(type));
		return -1;
	}
	if (len <= 0 || !bytes) {
		snprintf(why, whylen, "empty CN");
		return -1;
	}
	if (memchr(bytes, '\0', (size_t)len)) {
		snprintf(why, whylen, "CN contains NUL");
		return -1;
	}
	if (len > TLS_CN_MAX) {
		snprintf(why, whylen, "CN is %d bytes long (at most %d)", len, TLS_CN_MAX);
		return -1;
	}
	for (int i = 0; i < len; i++)
		if (bytes[i] < 0x20 || bytes[i] > 0x7e) {
			snprintf(why, whylen, "CN contains a %s (byte 0x%02x at %d)",
			         bytes[i] < 0x20 || bytes[i] == 0x7f ? "control character" : "non-ASCII byte", bytes[i],
			         i + 1);
			return -1;
		}
	if (bytes[0] == ' ' || bytes[len - 1] == ' ') {
		snprintf(why, whylen, "CN has a blank at its %s", bytes[0] == ' ' ? "start" : "end");
		return -1;
	}
	memcpy(cn, bytes, (size_t)len);
	cn[len] = '\0';
	return 0;
}

void tls_peer_get(SSL *ssl, struct tls_peer *peer)
{
	memset(peer, 0, sizeof(*peer));
	X509 *cert = SSL_get1_peer_certificate(ssl);
	if (!cert)
		return;
	if (SSL_get_verify_result(ssl) == X509_V_OK) {
		peer->present = true;
		tls_subject_cn(X509_get_subject_name(cert), peer->cn, peer->cn_problem, sizeof(peer->cn_problem));
		unsigned char md[EVP_MAX_MD_SIZE];
		unsigned int mdlen = 0;
		X509_digest(cert, EVP_sha256(), md, &mdlen);
		for (unsigned int i = 0; i < mdlen && i < 32; i++)
			snprintf(peer->sha256 + 2 * i, 3, "%02x", md[i]);
	}
	X509_free(cert);
}
