/* health.h - GET /healthz: 200 when the daemon can reach PostgreSQL, else 503. */
#ifndef MESTAT_HEALTH_H
#define MESTAT_HEALTH_H

struct http;
struct db;

/* health_register: serve /healthz on both listeners, reporting on DB. */
void health_register(struct http *h, struct db *db);

#endif
