/* ingest_types.h - what a submission brings and what it gets back: the
 * types of ingest.h's contract, apart so that the ingest's own modules
 * (ingest_job.h) can hold them without including ingest.h. */
#ifndef MESTAT_INGEST_TYPES_H
#define MESTAT_INGEST_TYPES_H

#include <stdbool.h>
#include <stddef.h>

#include "formats/formats.h"

struct receipt_key;
struct json_t;

/* INGEST_BATCH_MAX: the submissions waiting for a connection that one
 * connection takes at a time, in one transaction (ingest_batch.c). A pool
 * of N connections stores up to N times as many in one turn of each.
 * Since a batch is opened, staged, checked and stored by five statements
 * whatever its size (067), the statements of a batch of 32 five-row
 * submissions cost the server about 0.69 ms of CPU a submission, against
 * 0.83 ms in a batch of 16 (docs/scale.md, "Batches of 32"). */
#define INGEST_BATCH_MAX 32

/* What arrived. Strings are borrowed for the duration of ingest_submit's
 * call only; ingest copies what it keeps. */
struct ingest_request {
	const char *reporter;        /* the authenticated (or configured) reporter */
	const char *client_identity; /* "cert:<sha256>", "token:<id>" or "source:<name>" */
	const char *via;             /* "push" or "pull" */
	const char *source;          /* pull source name, or NULL */
	enum fmt format;
	const char *content_type;
	const char *body;
	size_t len;
	const char *idempotency_key; /* may be NULL */
	bool dry_run;                /* validate only, store nothing */
	const struct fmt_sdmx_map *sdmx;
	/* DHIS2 endpoint only: */
	bool partial;       /* atomicMode NONE: store the valid rows, refuse the others */
	bool csv_no_header; /* DHIS2 CSV firstRowIsHeader=false */
	enum ingest_strategy {
		INGEST_CREATE_AND_UPDATE, /* the default */
		INGEST_CREATE,            /* only cells without a current value */
		INGEST_UPDATE,            /* only cells with one */
		INGEST_DELETE,            /* every row is a deletion */
	} strategy;
};

/* The outcome, handed to the callback; everything in it is owned by ingest
 * and valid during the callback only. */
struct ingest_result {
	int status;              /* 201 accepted, 200 replay or dry run, 400, 403, 409, 422, 503 */
	const char *message;     /* one sentence for the sender */
	bool replay;             /* the same submission was accepted before */
	long long submission_id; /* 0 when nothing was recorded */
	long counts[4];          /* new, revised, unchanged, deleted */
	size_t rows;             /* rows decoded */
	struct json_t *receipt;  /* signed receipt when accepted or replayed */
	struct json_t *errors;   /* array of {row, loc, field, status, reason, sent} or NULL; in a
	                           * partial submission that was stored, the rows refused */
	size_t refused;          /* rows refused in a partial submission that was stored */
	long set_aside;          /* rows the import strategy left alone (DHIS2: ignored) */
	long notes;              /* comments without a value stored on their cell (DHIS2) */
	struct json_t *warnings; /* array of {indicator, period, rule, score, message} when stored or dry run */
	char sha256[65];
};

enum { INGEST_NEW, INGEST_REVISED, INGEST_UNCHANGED, INGEST_DELETED };

typedef void (*ingest_cb)(const struct ingest_result *res, void *arg);

#endif
