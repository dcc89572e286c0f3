/* db.c - non-blocking libpq connections driven by libevent: connect with
 * backoff, one statement or pipeline at a time per connection, a FIFO
 * of waiters when every connection is busy. The loop never waits on
 * PostgreSQL.
 *
 * A pipeline (libpq's pipeline mode) sends a few statements in one round
 * trip; the server runs them in order and skips the rest after an error, so
 * "UPDATE ...; COMMIT" never commits what failed. A statement sent with
 * .prepare is parsed and planned once per connection (PQsendPrepare in the
 * same pipeline the first time, then PQsendQueryPrepared): its SQL text is a
 * constant of the program, known by its address. */
#include "db.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "metrics.h"
#include "util.h"

enum conn_state { C_DOWN, C_CONNECTING, C_SETUP, C_IDLE, C_BUSY };
enum op_kind { OP_NONE, OP_QUERY, OP_SETUP, OP_ROLLBACK, OP_PIPELINE };

/* Statements prepared per connection (the ingest's few), and the commands a
 * pipeline may queue: a statement and, the first time, its preparation. */
#define DB_PREPARED_MAX 24
#define DB_PIPE_CMDS    (2 * DB_PIPELINE_MAX)

struct db_conn {
	struct db *db;
	PGconn *pg;
	enum conn_state state;
	enum op_kind op;
	struct event *ev;    /* socket readiness; re-assigned to PQsocket each arm */
	struct event *retry; /* reconnect backoff timer */
	int failures;        /* failed attempts in a row: the backoff (util_backoff) */
	bool was_up;         /* has been connected before: the next connect counts as a reconnect */
	db_result_cb cb;
	void *arg;
	PGresult *last; /* result to hand to cb */
	double sent;    /* when the statement in flight was sent */
	char verb[64];  /* its metrics labels (stmt_label) */
	char object[64];
	/* statements prepared on this connection: their SQL's address; the
	 * name is "m" and the index */
	const char *prepared[DB_PREPARED_MAX];
	/* the pipeline in flight: per queued command, the index of the statement
	 * it prepares (or -1: a statement to run, labelled pipe_sql); results
	 * arrive in that order, each followed by a NULL */
	int pipe_n, pipe_at;
	int pipe_prep[DB_PIPE_CMDS];
	const char *pipe_sql[DB_PIPE_CMDS];
	PGresult **pipe_keep[DB_PIPE_CMDS]; /* where the caller keeps a statement's result */
	bool pipe_synced;
	/* handed to a waiter when no connection was left (fail_waiters):
	 * never connected, not one of the pool's, freed by db_release */
	bool orphan;
};

struct waiter {
	db_acquire_cb cb;
	void *arg;
	double since; /* when it began to wait */
	struct waiter *next;
};

struct db {
	struct event_base *base;
	char *conninfo;
	char *setup_sql;
	int size;
	struct db_conn *conns;
	struct waiter *head, *tail;
	int nwaiting;
	unsigned long reconnects;
	char last_error[256];
};

#define DB_MAX_WAITING 4096
/* The reconnect backoff stays short: after a failover (a standby promoted,
 * found through a multi-host conninfo with target_session_attrs=read-write)
 * every moment of waiting past the promotion is a moment of 503s, while an
 * attempt on a server that is down costs it one refused connection. With
 * the ±20 % jitter a pool tries again at least every 2.4 s. */
#define DB_BACKOFF_MIN 0.25
#define DB_BACKOFF_MAX 2.0

static void conn_start(struct db_conn *c);
static void conn_io(evutil_socket_t fd, short what, void *arg);
static void conn_hand_out(struct db_conn *c);
static void fail_waiters(struct db *db);

static void one_line(char *dst, size_t len, const char *msg)
{
	snprintf(dst, len, "%s", msg ? msg : "");
	for (char *p = dst; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = (p[1] ? ' ' : '\0');
}

const char *db_sqlstate(const PGresult *res)
{
	const char *s = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	return s ? s : "";
}

/* Arm the socket event for WHAT with the connection's current socket:
 * PQsocket may change while connecting, so the event is re-assigned. */
static void conn_arm(struct db_conn *c, short what)
{
	event_del(c->ev);
	event_assign(c->ev, c->db->base, PQsocket(c->pg), what, conn_io, c);
	struct timeval tv = {10, 0};
	event_add(c->ev, c->state == C_CONNECTING ? &tv : NULL);
}

static void conn_schedule_retry(struct db_conn *c)
{
	struct timeval tv;
	/* ±20 %: the connections of a pool lost together spread wider apart. */
	double wait = util_backoff(DB_BACKOFF_MIN, DB_BACKOFF_MAX, ++c->failures) * util_rand(0.8, 1.2);
	tv.tv_sec = (long)wait;
	tv.tv_usec = (long)((wait - (double)tv.tv_sec) * 1e6);
	evtimer_add(c->retry, &tv);
}

/* conn_fail: the connection is lost. Tell the current owner, then retry. */
static void conn_fail(struct db_conn *c, const char *why)
{
	char msg[256];
	one_line(msg, sizeof(msg), why && *why ? why : "connection to PostgreSQL lost");
	if (strcmp(c->db->last_error, msg) != 0 || c->state != C_CONNECTING)
		log_warn("database connection failed", "error=\"%s\"", msg);
	snprintf(c->db->last_error, sizeof(c->db->last_error), "%s", msg);
	event_del(c->ev);
	enum conn_state was = c->state;
	enum op_kind op = c->op;
	db_result_cb cb = c->cb;
	void *arg = c->arg;
	PQclear(c->last);
	c->last = NULL;
	c->op = OP_NONE;
	c->cb = NULL;
	if (c->pg) {
		PQfinish(c->pg);
		c->pg = NULL;
	}
	/* A connection handed out stays with its owner until db_release. */
	bool owned = was == C_BUSY && op != OP_ROLLBACK;
	c->state = owned ? C_BUSY : C_DOWN;
	if (owned && cb)
		cb(c, NULL, msg, arg);
	if (c->state == C_DOWN)
		conn_schedule_retry(c);
	fail_waiters(c->db);
}

static void conn_retry(evutil_socket_t fd, short what, void *arg)
{
	(void)fd, (void)what;
	conn_start(arg);
}

static void conn_start(struct db_conn *c)
{
	memset(c->prepared, 0, sizeof(c->prepared)); /* a new session has none */
	c->pg = PQconnectStart(c->db->conninfo);
	if (!c->pg || PQstatus(c->pg) == CONNECTION_BAD) {
		c->state = C_CONNECTING;
		conn_fail(c, c->pg ? PQerrorMessage(c->pg) : "out of memory");
		return;
	}
	c->state = C_CONNECTING;
	conn_arm(c, EV_WRITE);
}

/* stmt_label: what a statement is called in metrics: its first word
 * (VERB, "SELECT", "COMMIT") and the first schema-qualified name in it
 * (OBJECT, "mestat.ingest_begin", or ""). SQL comes from code, never from
 * requests, so the labels are few. */
static void stmt_label(const char *sql, char *verb, char *object, size_t len)
{
	size_t n = 0;
	const char *p = sql;
	while (*p == ' ' || *p == '\n' || *p == '\t')
		p++;
	while (n + 1 < len && ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z')))
		verb[n++] = (char)(*p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p), p++;
	verb[n] = '\0';
	n = 0;
	for (const char *q = p; *q; q++) {
		bool ident = (*q >= 'a' && *q <= 'z') || *q == '_';
		if (!ident || (q > p && ((q[-1] >= 'a' && q[-1] <= 'z') || q[-1] == '_' || q[-1] == '.')))
			continue;
		const char *e = q;
		while ((*e >= 'a' && *e <= 'z') || *e == '_')
			e++;
		if (*e != '.' || !((e[1] >= 'a' && e[1] <= 'z') || e[1] == '_'))
			continue;
		e++;
		while ((*e >= 'a' && *e <= 'z') || *e == '_')
			e++;
		for (; q < e && n + 1 < len; q++)
			object[n++] = *q;
		break;
	}
	object[n] = '\0';
}

static void stmt_sent(struct db_conn *c, const char *sql)
{
	c->sent = util_now_mono();
	stmt_label(sql, c->verb, c->object, sizeof(c->object));
}

/* Finish a statement: hand the result to its callback. */
static void op_done(struct db_conn *c)
{
	PGresult *res = c->last;
	db_result_cb cb = c->cb;
	void *arg = c->arg;
	enum op_kind op = c->op;
	c->last = NULL;
	c->cb = NULL;
	c->op = OP_NONE;
	event_del(c->ev);
	const char *err = NULL;
	char msg[512];
	if (!res) {
		err = "no result from PostgreSQL";
	} else {
		ExecStatusType st = PQresultStatus(res);
		if (st == PGRES_FATAL_ERROR || st == PGRES_BAD_RESPONSE || st == PGRES_NONFATAL_ERROR) {
			one_line(msg, sizeof(msg), PQresultErrorMessage(res));
			err = msg;
		}
	}
	if (op == OP_SETUP) {
		if (err) {
			log_error("database setup statement failed", "error=\"%s\"", err);
			PQclear(res);
			conn_fail(c, err);
			return;
		}
		PQclear(res);
		c->state = C_IDLE;
		conn_hand_out(c);
		return;
	}
	if (op == OP_ROLLBACK) {
		PQclear(res);
		c->state = C_IDLE;
		conn_hand_out(c);
		return;
	}
	if (op != OP_PIPELINE) /* a pipeline's statements were timed one by one */
		metrics_db_statement(c->verb, c->object, util_now_mono() - c->sent);
	if (cb)
		cb(c, res, err, arg);
	PQclear(res);
}

/* Keep the first error, else the latest result. */
static void keep_result(struct db_conn *c, PGresult *r)
{
	if (c->last && PQresultStatus(c->last) == PGRES_FATAL_ERROR) {
		PQclear(r);
		return;
	}
	PQclear(c->last);
	c->last = r;
}

/* pipe_result: one result of the pipeline in flight (NULL ends a command's
 * results). Returns true once the pipeline is over and handed on. */
static bool pipe_result(struct db_conn *c, PGresult *r)
{
	if (!r) {
		if (c->pipe_synced) { /* the NULL some libpq versions send after the sync */
			if (PQexitPipelineMode(c->pg) != 1) {
				conn_fail(c, PQerrorMessage(c->pg));
				return true;
			}
			op_done(c);
			return true;
		}
		if (c->pipe_at < c->pipe_n && c->pipe_prep[c->pipe_at] < 0) {
			/* Each statement's time runs from the pipeline's sending to
			 * its own result, as a statement sent alone: the server sends
			 * a pipeline's results together, at its end. */
			stmt_label(c->pipe_sql[c->pipe_at], c->verb, c->object, sizeof(c->object));
			metrics_db_statement(c->verb, c->object, util_now_mono() - c->sent);
		}
		c->pipe_at++;
		return false;
	}
	ExecStatusType st = PQresultStatus(r);
	if (st == PGRES_PIPELINE_SYNC) {
		PQclear(r);
		c->pipe_synced = true;
		if (PQexitPipelineMode(c->pg) != 1) /* a NULL is still to come */
			return false;
		op_done(c);
		return true;
	}
	if (st == PGRES_PIPELINE_ABORTED) { /* skipped after an earlier error */
		PQclear(r);
		return false;
	}
	if (c->pipe_at < c->pipe_n && c->pipe_prep[c->pipe_at] >= 0) {
		if (st == PGRES_COMMAND_OK) {
			c->prepared[c->pipe_prep[c->pipe_at]] = c->pipe_sql[c->pipe_at];
			PQclear(r);
			return false;
		}
	}
	if (c->pipe_at < c->pipe_n && c->pipe_keep[c->pipe_at] && (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK)) {
		PQclear(*c->pipe_keep[c->pipe_at]);
		*c->pipe_keep[c->pipe_at] = r;
		return false;
	}
	keep_result(c, r);
	return false;
}

static void conn_read_results(struct db_conn *c)
{
	if (!PQconsumeInput(c->pg))
		return conn_fail(c, PQerrorMessage(c->pg));
	while (!PQisBusy(c->pg)) {
		PGresult *r = PQgetResult(c->pg);
		if (c->op == OP_PIPELINE) {
			if (pipe_result(c, r))
				return;
			continue;
		}
		if (!r) {
			op_done(c);
			return;
		}
		if (PQresultStatus(r) == PGRES_COPY_IN) { /* a COPY we never send: end it */
			PQclear(r);
			PQputCopyEnd(c->pg, "unexpected COPY");
			continue;
		}
		keep_result(c, r);
	}
	if (PQstatus(c->pg) == CONNECTION_BAD)
		return conn_fail(c, PQerrorMessage(c->pg));
	conn_arm(c, EV_READ);
}

static void conn_io(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	struct db_conn *c = arg;
	if (c->state == C_CONNECTING) {
		if (what & EV_TIMEOUT)
			return conn_fail(c, "timed out connecting to PostgreSQL");
		switch (PQconnectPoll(c->pg)) {
		case PGRES_POLLING_READING: return conn_arm(c, EV_READ);
		case PGRES_POLLING_WRITING: return conn_arm(c, EV_WRITE);
		case PGRES_POLLING_FAILED: return conn_fail(c, PQerrorMessage(c->pg));
		default: break;
		}
		PQsetnonblocking(c->pg, 1);
		c->failures = 0;
		if (c->was_up) {
			c->db->reconnects++;
			log_info("database connection re-established");
		}
		c->was_up = true;
		c->db->last_error[0] = '\0';
		if (c->db->setup_sql) {
			c->state = C_SETUP;
			c->op = OP_SETUP;
			if (!PQsendQuery(c->pg, c->db->setup_sql))
				return conn_fail(c, PQerrorMessage(c->pg));
			conn_arm(c, EV_READ | EV_WRITE);
			return;
		}
		c->state = C_IDLE;
		conn_hand_out(c);
		return;
	}
	if (c->state == C_IDLE) {
		/* Nothing asked: only a notice or the server going away. */
		if (!PQconsumeInput(c->pg) || PQstatus(c->pg) == CONNECTION_BAD)
			return conn_fail(c, PQerrorMessage(c->pg));
		PGnotify *n;
		while ((n = PQnotifies(c->pg)) != NULL)
			PQfreemem(n);
		return conn_arm(c, EV_READ);
	}
	if (what & EV_WRITE) {
		int f = PQflush(c->pg);
		if (f < 0)
			return conn_fail(c, PQerrorMessage(c->pg));
		if (f == 1)
			return conn_arm(c, EV_READ | EV_WRITE);
	}
	if (what & EV_READ)
		conn_read_results(c);
	else if (c->pg && c->op != OP_NONE)
		conn_arm(c, EV_READ);
}

/* An idle connection watches its socket so a server shutdown is noticed. */
static void conn_watch_idle(struct db_conn *c)
{
	conn_arm(c, EV_READ);
}

/* serve_first: hand C to the first waiter in line (there is one). */
static void serve_first(struct db *db, struct db_conn *c)
{
	struct waiter *w = db->head;
	db->head = w->next;
	if (!db->head)
		db->tail = NULL;
	db->nwaiting--;
	c->state = C_BUSY;
	db_acquire_cb cb = w->cb;
	void *arg = w->arg;
	metrics_db_wait(util_now_mono() - w->since);
	free(w);
	cb(c, arg);
}

static void conn_hand_out(struct db_conn *c)
{
	struct db *db = c->db;
	if (c->state != C_IDLE)
		return;
	if (!db->head) {
		conn_watch_idle(c);
		return;
	}
	event_del(c->ev);
	serve_first(db, c);
}

/* fail_waiters: when no connection is up any more, a request that arrives
 * is refused at once (db_acquire returns -1, the caller answers 503). The
 * requests queued a moment before get the same answer instead of waiting
 * for a connection that may not come back for minutes: each is handed a
 * connection of its own that is down, on which its first statement fails
 * from the loop as on a connection lost while in use; db_release frees it. */
static void fail_waiters(struct db *db)
{
	while (db->head && db_ready(db) == 0) {
		struct db_conn *c = calloc(1, sizeof(*c));
		if (!c)
			return; /* they wait for a connection, as before */
		c->db = db;
		c->orphan = true;
		serve_first(db, c);
	}
}

struct db *db_new(struct event_base *base, const char *conninfo, int size, const char *setup_sql)
{
	struct db *db = calloc(1, sizeof(*db));
	if (!db)
		return NULL;
	db->base = base;
	db->conninfo = util_strdup(conninfo);
	db->setup_sql = util_strdup(setup_sql);
	db->size = size;
	db->conns = calloc((size_t)size, sizeof(*db->conns));
	for (int i = 0; i < size; i++) {
		struct db_conn *c = &db->conns[i];
		c->db = db;
		c->failures = 0;
		c->ev = event_new(base, -1, 0, conn_io, c);
		c->retry = evtimer_new(base, conn_retry, c);
		conn_start(c);
	}
	return db;
}

void db_set_conninfo(struct db *db, const char *conninfo, const char *setup_sql)
{
	free(db->conninfo);
	free(db->setup_sql);
	db->conninfo = util_strdup(conninfo);
	db->setup_sql = util_strdup(setup_sql);
}

int db_ready(const struct db *db)
{
	int n = 0;
	for (int i = 0; i < db->size; i++)
		if ((db->conns[i].state == C_IDLE || db->conns[i].state == C_BUSY) && db->conns[i].pg)
			n++;
	return n;
}

unsigned long db_reconnects(const struct db *db)
{
	return db->reconnects;
}

const char *db_last_error(const struct db *db)
{
	return db->last_error;
}

int db_acquire(struct db *db, db_acquire_cb cb, void *arg)
{
	if (db_ready(db) == 0 || db->nwaiting >= DB_MAX_WAITING)
		return -1;
	struct waiter *w = calloc(1, sizeof(*w));
	if (!w)
		return -1;
	w->cb = cb;
	w->arg = arg;
	w->since = util_now_mono();
	if (db->tail)
		db->tail->next = w;
	else
		db->head = w;
	db->tail = w;
	db->nwaiting++;
	for (int i = 0; i < db->size && db->head; i++)
		if (db->conns[i].state == C_IDLE)
			conn_hand_out(&db->conns[i]);
	return 0;
}

/* A statement on a connection that broke while handed out fails at once,
 * from the loop, so callers see one code path. */
static void fail_soon_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd, (void)what;
	struct db_conn *c = arg;
	db_result_cb cb = c->cb;
	c->cb = NULL;
	c->op = OP_NONE;
	if (cb)
		cb(c, NULL, c->db->last_error[0] ? c->db->last_error : "connection to PostgreSQL lost", c->arg);
}

static void send_failed(struct db_conn *c, db_result_cb cb, void *arg)
{
	c->cb = cb;
	c->arg = arg;
	c->op = OP_QUERY;
	if (c->pg) {
		conn_fail(c, PQerrorMessage(c->pg));
		return;
	}
	event_base_once(c->db->base, -1, EV_TIMEOUT, fail_soon_cb, c, NULL);
}

void db_query(struct db_conn *c, const char *sql, int n, const char *const *params, db_result_cb cb, void *arg)
{
	if (!c->pg || !PQsendQueryParams(c->pg, sql, n, NULL, params, NULL, NULL, 0))
		return send_failed(c, cb, arg);
	stmt_sent(c, sql);
	c->cb = cb;
	c->arg = arg;
	c->op = OP_QUERY;
	conn_arm(c, EV_READ | EV_WRITE);
}

/* pipe_prepared: the index under which SQL is prepared on C, or -1; with
 * FREE, a free index (-1 when the table is full: sent unprepared). */
static int pipe_prepared(const struct db_conn *c, const char *sql, int *free_at)
{
	*free_at = -1;
	/* prepared earlier in this pipeline: the server has it by then */
	for (int k = 0; k < c->pipe_n; k++)
		if (c->pipe_prep[k] >= 0 && c->pipe_sql[k] == sql)
			return c->pipe_prep[k];
	for (int i = 0; i < DB_PREPARED_MAX; i++) {
		if (c->prepared[i] == sql)
			return i;
		if (!c->prepared[i] && *free_at < 0)
			*free_at = i;
	}
	/* an index already promised to a preparation in flight stays taken */
	for (int k = 0; k < c->pipe_n && *free_at >= 0; k++)
		if (c->pipe_prep[k] == *free_at)
			*free_at = -1;
	return -1;
}

void db_pipeline(struct db_conn *c, const struct db_step *steps, int n, db_result_cb cb, void *arg)
{
	if (!c->pg || n < 1 || n > DB_PIPELINE_MAX || !PQenterPipelineMode(c->pg))
		return send_failed(c, cb, arg);
	c->pipe_n = 0;
	c->pipe_at = 0;
	c->pipe_synced = false;
	for (int i = 0; i < n; i++) {
		const struct db_step *s = &steps[i];
		char name[16];
		int free_at = -1;
		int at = s->prepare ? pipe_prepared(c, s->sql, &free_at) : -1;
		bool ok;
		if (at < 0 && free_at >= 0) {
			snprintf(name, sizeof(name), "m%d", free_at);
			c->pipe_prep[c->pipe_n] = free_at;
			c->pipe_keep[c->pipe_n] = NULL;
			c->pipe_sql[c->pipe_n++] = s->sql;
			if (!PQsendPrepare(c->pg, name, s->sql, s->n, NULL))
				goto failed;
			at = free_at;
		}
		if (at >= 0) {
			snprintf(name, sizeof(name), "m%d", at);
			ok = PQsendQueryPrepared(c->pg, name, s->n, s->params, NULL, NULL, 0);
		} else {
			ok = PQsendQueryParams(c->pg, s->sql, s->n, NULL, s->params, NULL, NULL, 0);
		}
		c->pipe_prep[c->pipe_n] = -1;
		c->pipe_keep[c->pipe_n] = s->keep;
		c->pipe_sql[c->pipe_n++] = s->sql;
		if (!ok)
			goto failed;
	}
	if (!PQpipelineSync(c->pg))
		goto failed;
	c->sent = util_now_mono();
	c->cb = cb;
	c->arg = arg;
	c->op = OP_PIPELINE;
	conn_arm(c, EV_READ | EV_WRITE);
	return;
failed:
	/* what was queued is lost with the connection */
	send_failed(c, cb, arg);
}

void db_query_prepared(struct db_conn *c, const char *sql, int n, const char *const *params, db_result_cb cb, void *arg)
{
	const struct db_step one = {sql, n, params, true, NULL};
	db_pipeline(c, &one, 1, cb, arg);
}

void db_release(struct db_conn *c)
{
	if (c->orphan) {
		free(c);
		return;
	}
	c->cb = NULL;
	c->op = OP_NONE;
	if (!c->pg) {
		c->state = C_DOWN;
		conn_schedule_retry(c);
		return;
	}
	if (PQstatus(c->pg) == CONNECTION_BAD) {
		c->state = C_DOWN;
		conn_fail(c, PQerrorMessage(c->pg));
		return;
	}
	if (PQtransactionStatus(c->pg) != PQTRANS_IDLE) {
		c->op = OP_ROLLBACK;
		if (!PQsendQuery(c->pg, "ROLLBACK")) {
			c->state = C_DOWN;
			conn_fail(c, PQerrorMessage(c->pg));
			return;
		}
		conn_arm(c, EV_READ | EV_WRITE);
		return;
	}
	c->state = C_IDLE;
	conn_hand_out(c);
}

void db_free(struct db *db)
{
	if (!db)
		return;
	for (int i = 0; i < db->size; i++) {
		struct db_conn *c = &db->conns[i];
		event_free(c->ev);
		event_free(c->retry);
		PQclear(c->last);
		if (c->pg)
			PQfinish(c->pg);
	}
	while (db->head) {
		struct waiter *w = db->head;
		db->head = w->next;
		free(w);
	}
	free(db->conns);
	free(db->conninfo);
	free(db->setup_sql);
	free(db);
}
