/* receipt.h - Ed25519 signatures on submission receipts. */
#ifndef MESTAT_RECEIPT_H
#define MESTAT_RECEIPT_H

#include <stddef.h>

struct json_t;
struct receipt_key;

/* receipt_key_load: read the Ed25519 private key in PEM file PATH. Returns
 * NULL with a message in ERR when it is missing or not an Ed25519 key. */
struct receipt_key *receipt_key_load(const char *path, char *err, size_t errlen);

/* receipt_key_public_pem: the public key in PEM (SubjectPublicKeyInfo). */
const char *receipt_key_public_pem(const struct receipt_key *k);

/* receipt_sign: add "signature" (base64 Ed25519) to RECEIPT, computed over
 * its canonical text: the object without "signature", compact, keys sorted,
 * which is what `jq -cjS 'del(.signature)'` prints. Returns 0 or -1. */
int receipt_sign(const struct receipt_key *k, struct json_t *receipt);

/* receipt_canonical: the canonical text of RECEIPT (malloc'd; caller frees). */
char *receipt_canonical(struct json_t *receipt);

/* receipt_sign_bytes: the Ed25519 signature of DATA (LEN bytes), base64,
 * into OUT (NUL-terminated). Returns 0 or -1. */
int receipt_sign_bytes(const struct receipt_key *k, const char *data, size_t len, char out[96]);

/* receipt_key_fingerprint: SHA-256 of the public key (DER
 * SubjectPublicKeyInfo) in lower-case hex into OUT, what
 * `openssl pkey -pubin -outform DER | sha256sum` prints. Returns 0 or -1. */
int receipt_key_fingerprint(const struct receipt_key *k, char out[65]);

/* receipt_key_ref: another reference to K (NULL is fine), released with
 * receipt_key_free. A submission in flight holds one, so a reload that
 * replaces the key cannot free it under the submission's feet. */
struct receipt_key *receipt_key_ref(const struct receipt_key *k);

/* receipt_key_free: drop one reference; the last frees K. NULL is fine. */
void receipt_key_free(struct receipt_key *k);

/* receipt_key_use: sign with K from now on, taking over the caller's
 * reference; the key it replaces lives on while submissions hold it. NULL
 * drops the key in use (at stop). */
void receipt_key_use(struct receipt_key *k);

/* receipt_key_current: the key in use (NULL before receipt_key_use). */
struct receipt_key *receipt_key_current(void);

#endif
