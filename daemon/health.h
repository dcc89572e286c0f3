/* health.h - GET /healthz: is the daemon up and can it reach PostgreSQL. */
#ifndef MESTAT_HEALTH_H
#define MESTAT_HEALTH_H

struct http;
struct db;

/* health_register: serve /healthz on both listeners, reporting on DB. */
void health_register(struct http *h, struct db *db);

#endif
