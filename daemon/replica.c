/* replica.c - the replication lag of report_database, measured with
 * PostgreSQL's own functions on a connection of the read pool:
 *
 *   on a primary: no lag, the data is as of now;
 *   on a standby that streams and has replayed all it received: no lag;
 *   otherwise (replay behind, or the stream broken, e.g. while the primary
 *   is down and before a promotion): now - the commit time of the last
 *   replayed transaction, the honest upper bound.
 *
 * The statement is the store's (store_replica_lag). */
#include "replica.h"

#include <libpq-fe.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "log.h"
#include "store_conn.h"

#define REPLICA_INTERVAL 5

static struct {
	struct db *pool;
	struct event *tick;
	bool busy;
	time_t busy_since;
	struct replica_status st;
} rep;

static void on_probe(struct db_conn *c, PGresult *res, const char *err, void *arg)
{
	(void)arg;
	rep.busy = false;
	if (err || !res || PQntuples(res) != 1) {
		if (rep.st.up)
			log_warn("cannot measure the replication lag of report_database", "error=\"%s\"",
			         err ? err : "no answer");
		rep.st.up = false;
		db_release(c);
		return;
	}
	time_t now = time(NULL);
	rep.st.known = true;
	rep.st.up = true;
	rep.st.standby = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	rep.st.lag = strtod(PQgetvalue(res, 0, 1), NULL);
	rep.st.measured = now;
	rep.st.as_of = now - (time_t)rep.st.lag;
	db_release(c);
}

static void on_conn(struct db_conn *c, void *arg)
{
	store_replica_lag(c, on_probe, arg);
}

static void tick(evutil_socket_t fd, short what, void *arg)
{
	(void)fd, (void)what, (void)arg;
	if (!rep.pool)
		return;
	if (rep.busy) {
		/* Still waiting for a connection of the pool: not a measurement. */
		if (time(NULL) - rep.busy_since > 2 * REPLICA_INTERVAL)
			rep.st.up = false;
		return;
	}
	if (db_acquire(rep.pool, on_conn, NULL) != 0) {
		rep.st.up = false;
		return;
	}
	rep.busy = true;
	rep.busy_since = time(NULL);
}

int replica_start(struct event_base *base, struct db *pool)
{
	rep.pool = pool;
	rep.tick = event_new(base, -1, EV_PERSIST, tick, NULL);
	if (!rep.tick)
		return -1;
	struct timeval tv = {REPLICA_INTERVAL, 0};
	event_add(rep.tick, &tv);
	/* The pool is still connecting: the first measurement comes soon after. */
	struct timeval soon = {0, 500000};
	event_base_once(base, -1, EV_TIMEOUT, tick, NULL, &soon);
	return 0;
}

struct replica_status replica_get(void)
{
	return rep.st;
}

void replica_stop(void)
{
	if (rep.tick)
		event_free(rep.tick);
	memset(&rep, 0, sizeof(rep));
}
