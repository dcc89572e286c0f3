/* pull_batch.c - the batched writer of the collectors' claims and outcomes:
 * sources gather while one statement is in flight, then go as one statement
 * whose parameters are arrays, one element per source. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "context.h"
#include "db.h"
#include "pull_internal.h"
#include "util.h"

int stage_add(struct stage *st, struct source *s)
{
	if (st->n == st->cap) {
		int cap = st->cap ? 2 * st->cap : 64;
		struct source **w = realloc(st->wait, (size_t)cap * sizeof(*w));
		if (!w)
			return -1;
		st->wait = w;
		st->cap = cap;
	}
	st->wait[st->n++] = s;
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp((*(struct source *const *)a)->name, (*(struct source *const *)b)->name);
}

/* stage_take: what was gathered, as the batch now in flight; NULL when
 * nothing was, a statement is in flight already, or out of memory. The batch
 * is in name order, so two daemons whose batches share rows lock them in the
 * same order and do not deadlock (if a plan locks otherwise, PostgreSQL
 * breaks the deadlock and the refused batch is retried a source at a time). */
static struct batch *stage_take(struct stage *st)
{
	if (st->fly || st->n == 0)
		return NULL;
	struct batch *b = malloc(sizeof(*b) + (size_t)st->n * sizeof(b->v[0]));
	if (!b)
		return NULL;
	b->st = st;
	b->n = st->n;
	memcpy(b->v, st->wait, (size_t)st->n * sizeof(b->v[0]));
	qsort(b->v, (size_t)b->n, sizeof(b->v[0]), by_name);
	st->n = 0;
	st->fly = b;
	return b;
}

void stage_free(struct stage *st)
{
	free(st->wait);
	free(st->fly);
	st->wait = NULL;
	st->n = st->cap = 0;
	st->fly = NULL;
}

/* pg_arrays: NCOL PostgreSQL array literals, column by column, of the N x
 * NCOL text values VALS (row-major; NULL entries are SQL NULL). Each element
 * is double-quoted with " and \ escaped, so any text goes through. Returns
 * NULL when out of memory; free with pg_arrays_free. */
char **pg_arrays(int n, int ncol, const char *const *vals)
{
	char **out = calloc((size_t)ncol, sizeof(*out));
	if (!out)
		return NULL;
	for (int j = 0; j < ncol; j++) {
		struct ubuf b = {0};
		ubuf_put(&b, "{", 1);
		for (int i = 0; i < n; i++) {
			const char *v = vals[i * ncol + j];
			if (i)
				ubuf_put(&b, ",", 1);
			if (!v) {
				ubuf_put(&b, "NULL", 4);
				continue;
			}
			ubuf_put(&b, "\"", 1);
			for (const char *q = v; *q; q++) {
				size_t run = strcspn(q, "\"\\");
				ubuf_put(&b, q, run);
				q += run;
				if (!*q)
					break;
				ubuf_put(&b, "\\", 1);
				ubuf_put(&b, q, 1);
			}
			ubuf_put(&b, "\"", 1);
		}
		ubuf_put(&b, "}", 1);
		if (b.oom) {
			free(b.p);
			pg_arrays_free(out, j);
			return NULL;
		}
		out[j] = b.p;
	}
	return out;
}

void pg_arrays_free(char **a, int ncol)
{
	if (!a)
		return;
	for (int j = 0; j < ncol; j++)
		free(a[j]);
	free(a);
}

/* batch_find: the index in batch B (in name order) of the source named
 * NAME, -1 if none. Results mostly come in the batch's order, so HINT is
 * tried first. */
int batch_find(const struct batch *b, const char *name, int hint)
{
	if (hint >= 0 && hint < b->n && strcmp(b->v[hint]->name, name) == 0)
		return hint;
	int lo = 0, hi = b->n - 1;
	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2, c = strcmp(b->v[mid]->name, name);
		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

void stage_landed(struct batch *b)
{
	if (b->st->fly == b)
		b->st->fly = NULL;
}

/* batch_failed: every source of B fails with WHY; B is freed. */
static void batch_failed(struct batch *b, const char *why, bool refused)
{
	for (int i = 0; i < b->n; i++)
		b->st->ops->failed(b->v[i], why, refused);
	free(b);
}

static void on_batch_conn(struct db_conn *c, void *arg)
{
	struct batch *b = arg;
	const struct stage_ops *ops = b->st->ops;
	const char **vals = malloc((size_t)b->n * (size_t)ops->ncol * sizeof(*vals));
	char(*num)[5][32] = calloc((size_t)b->n, sizeof(*num));
	char **arrays = NULL;
	if (vals && num) {
		for (int i = 0; i < b->n; i++)
			ops->params(b->v[i], vals + i * ops->ncol, num[i]);
		arrays = pg_arrays(b->n, ops->ncol, vals);
	}
	free(vals);
	free(num);
	if (!arrays) {
		db_release(c);
		stage_landed(b);
		batch_failed(b, "out of memory", false);
		return;
	}
	ops->send(c, (const char *const *)arrays, ops->done, b);
	pg_arrays_free(arrays, ops->ncol);
}

static void batch_send(struct batch *b)
{
	if (db_acquire(pulls.d->db, on_batch_conn, b) == 0)
		return;
	stage_landed(b);
	batch_failed(b, db_last_error(pulls.d->db)[0] ? db_last_error(pulls.d->db) : "no database connection", false);
}

/* stage_flush: send what ST gathered, unless its statement is in flight
 * (whose end sends it). */
void stage_flush(struct stage *st)
{
	struct batch *b = stage_take(st);
	if (b) {
		batch_send(b);
	} else if (!st->fly && st->n) { /* out of memory */
		/* failed() ends rounds, which may gather new sources: they go to
		 * a new array, not into the one read here. */
		struct source **w = st->wait;
		int n = st->n;
		st->wait = NULL;
		st->n = st->cap = 0;
		for (int i = 0; i < n; i++)
			st->ops->failed(w[i], "out of memory", false);
		free(w);
	}
}

/* batch_split: send a batch the database refused again, one source per
 * statement, so the source it refuses fails alone. False, doing nothing, for
 * a batch of one. */
static bool batch_split(struct batch *b)
{
	if (b->n < 2)
		return false;
	for (int i = 0; i < b->n; i++) {
		struct batch *one = malloc(sizeof(*one) + sizeof(one->v[0]));
		if (!one) {
			b->st->ops->failed(b->v[i], "out of memory", false);
			continue;
		}
		one->st = b->st;
		one->n = 1;
		one->v[0] = b->v[i];
		batch_send(one);
	}
	free(b);
	return true;
}

/* refused_by: the statement reached the database, which refused it (as
 * opposed to a lost connection, SQLSTATE class 08). */
static bool refused_by(PGresult *r)
{
	return r != NULL && *db_sqlstate(r) && strncmp(db_sqlstate(r), "08", 2) != 0;
}

void batch_error(struct batch *b, struct db_conn *c, PGresult *r, const char *err)
{
	struct stage *st = b->st;
	bool refused = refused_by(r);
	char why[512]; /* ERR lives with the connection */
	snprintf(why, sizeof(why), "%s", err);
	db_release(c);
	if (!refused || !batch_split(b))
		batch_failed(b, why, refused);
	stage_flush(st);
}
