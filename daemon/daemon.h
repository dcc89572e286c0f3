/* daemon.h - the daemon's one context and the hooks through which each
 * service (ingestion, collectors, scheduler) starts, reloads and stops. */
#ifndef MESTAT_DAEMON_H
#define MESTAT_DAEMON_H

#include <event2/event.h>
#include <stdbool.h>
#include <stddef.h>

struct config;
struct http;
struct db;

struct daemon {
	struct event_base *base;
	struct config *cf;        /* the configuration in force */
	struct http *http;
	struct db *db;
	struct event *shutdown_timer;
	int shutdown_ticks;
	bool stopping;
};

/* daemon_get: the running daemon's context. */
struct daemon *daemon_get(void);

/* daemon_db_setup_sql: what every new database connection runs first. */
const char *daemon_db_setup_sql(const struct config *cf);

/* daemon_start: register routes and start the services; ERR on failure. */
int daemon_start(char *err, size_t errlen);

/* daemon_reconfigure: prepare and apply what the services take from CF,
 * which is about to replace the configuration in force. Returns -1 with
 * ERR, changing nothing, when CF cannot be applied (e.g. a bad receipt key). */
int daemon_reconfigure(const struct config *cf, char *err, size_t errlen);

/* daemon_stop: stop the services (the loop has ended). */
void daemon_stop(void);

#endif
