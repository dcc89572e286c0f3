/* receipt.c - signs receipts with the server's Ed25519 key so a province can
 * prove later what it sent and when it was accepted. */
#include "receipt.h"

#include <jansson.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tls.h"

struct receipt_key {
	EVP_PKEY *pkey;
	char *public_pem;
	int refs;
};

struct receipt_key *receipt_key_load(const char *path, char *err, size_t errlen)
{
	FILE *fp = fopen(path, "r");
	if (!fp) {
		snprintf(err, errlen, "receipt_key %s: cannot open", path);
		return NULL;
	}
	EVP_PKEY *pkey = PEM_read_PrivateKey(fp, NULL, NULL, NULL);
	fclose(fp);
	if (!pkey || EVP_PKEY_get_id(pkey) != EVP_PKEY_ED25519) {
		snprintf(err, errlen,
		         "receipt_key %s: not an Ed25519 private key in PEM "
		         "(make one with: openssl genpkey -algorithm ed25519 -out %s)",
		         path, path);
		EVP_PKEY_free(pkey);
		return NULL;
	}
	BIO *bio = BIO_new(BIO_s_mem());
	PEM_write_bio_PUBKEY(bio, pkey);
	char *data;
	long n = BIO_get_mem_data(bio, &data);
	struct receipt_key *k = calloc(1, sizeof(*k));
	k->pkey = pkey;
	k->public_pem = strndup(data, (size_t)n);
	k->refs = 1;
	BIO_free(bio);
	return k;
}

struct receipt_key *receipt_key_ref(const struct receipt_key *k)
{
	/* The count is bookkeeping, not the key: callers that may only read
	 * the key may still keep it alive. */
	struct receipt_key *m = (struct receipt_key *)k;
	if (m)
		m->refs++;
	return m;
}

const char *receipt_key_public_pem(const struct receipt_key *k)
{
	return k->public_pem;
}

char *receipt_canonical(json_t *receipt)
{
	json_t *copy = json_copy(receipt);
	json_object_del(copy, "signature");
	char *text = json_dumps(copy, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(copy);
	return text;
}

int receipt_sign(const struct receipt_key *k, json_t *receipt)
{
	char *text = receipt_canonical(receipt);
	if (!text)
		return -1;
	unsigned char sig[64];
	size_t siglen = sizeof(sig);
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	int ok = md && EVP_DigestSignInit(md, NULL, NULL, NULL, k->pkey) == 1 &&
	         EVP_DigestSign(md, sig, &siglen, (const unsigned char *)text, strlen(text)) == 1;
	EVP_MD_CTX_free(md);
	free(text);
	if (!ok)
		return -1;
	char b64[96];
	EVP_EncodeBlock((unsigned char *)b64, sig, (int)siglen);
	json_object_set_new(receipt, "signature", json_string(b64));
	return 0;
}

int receipt_sign_bytes(const struct receipt_key *k, const char *data, size_t len, char out[96])
{
	unsigned char sig[64];
	size_t siglen = sizeof(sig);
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	int ok = md && EVP_DigestSignInit(md, NULL, NULL, NULL, k->pkey) == 1 &&
	         EVP_DigestSign(md, sig, &siglen, (const unsigned char *)data, len) == 1;
	EVP_MD_CTX_free(md);
	if (!ok)
		return -1;
	EVP_EncodeBlock((unsigned char *)out, sig, (int)siglen);
	return 0;
}

int receipt_key_fingerprint(const struct receipt_key *k, char out[65])
{
	unsigned char *der = NULL;
	int n = i2d_PUBKEY(k->pkey, &der);
	if (n <= 0)
		return -1;
	unsigned char md[32];
	unsigned int mdlen = 0;
	int ok = EVP_Digest(der, (size_t)n, md, &mdlen, EVP_sha256(), NULL) == 1 && mdlen == 32;
	OPENSSL_free(der);
	if (!ok)
		return -1;
	for (int i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	return 0;
}

void receipt_key_free(struct receipt_key *k)
{
	if (!k || --k->refs > 0)
		return;
	EVP_PKEY_free(k->pkey);
	free(k->public_pem);
	free(k);
}

/* The key in use: set at start and on reload, read by whoever signs. */
static struct receipt_key *current;

void receipt_key_use(struct receipt_key *k)
{
	receipt_key_free(current);
	current = k;
}

struct receipt_key *receipt_key_current(void)
{
	return current;
}
