/* replica.h - how current the data of report_database is: whether it is a
 * standby, and how far its replay trails the primary, measured every few
 * seconds on a connection of the read pool. /healthz, /metrics and the
 * console ("data as of …") read the last measurement. */
#ifndef MESTAT_REPLICA_H
#define MESTAT_REPLICA_H

#include <event2/event.h>
#include <stdbool.h>
#include <time.h>

struct db;

struct replica_status {
	bool known;      /* a measurement has succeeded since the start */
	bool up;         /* the last measurement succeeded */
	bool standby;    /* report_database is in recovery (a standby) */
	double lag;      /* seconds the data trails the primary; 0 on a primary */
	time_t as_of;    /* the data holds every commit up to this wall-clock time */
	time_t measured; /* when the last successful measurement was taken */
};

/* replica_start: measure POOL now and every REPLICA_INTERVAL seconds. */
int replica_start(struct event_base *base, struct db *pool);

/* replica_get: the last measurement. */
struct replica_status replica_get(void);

/* replica_stop: stop measuring (before the pool and the base are freed). */
void replica_stop(void);

#endif
