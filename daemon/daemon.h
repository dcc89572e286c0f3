/* daemon.h - the daemon's one context (see context.h) and the hooks through
 * which each service (ingestion, collectors, scheduler, metrics) starts,
 * reloads and stops. For main.c; services include context.h only. */
#ifndef MESTAT_DAEMON_H
#define MESTAT_DAEMON_H

#include <openssl/ssl.h>
#include <stddef.h>

#include "context.h"

/* daemon_get: the running daemon's context. */
struct daemon *daemon_get(void);

/* daemon_db_setup_sql: what every new database connection runs first. */
const char *daemon_db_setup_sql(const struct config *cf);

/* daemon_start: register routes and start the services; ERR on failure. */
int daemon_start(char *err, size_t errlen);

/* daemon_reconfigure: make CF the configuration in force, with CTX the new
 * TLS context: the services, the log level, the listeners and the pool take
 * it up, and the daemon owns CF and CTX from then on. Returns -1 with ERR,
 * changing nothing and owning neither, when CF cannot be applied (e.g. a bad
 * receipt key). */
int daemon_reconfigure(struct config *cf, SSL_CTX *ctx, char *err, size_t errlen);

/* daemon_stop: stop the services (the loop has ended). */
void daemon_stop(void);

#endif
