/* report_api.h - the read API over the views of schema report:
 * GET /api/v1/report (the views, their comments and columns),
 * GET /api/v1/report/{view} (JSON or CSV, filtered, ordered, paged) and
 * GET /api/v1/data (current values as SDMX-CSV 2.0). Every query runs on
 * connections of its own as mestat_evaluator, read-only, with a timeout. */
#ifndef MESTAT_REPORT_API_H
#define MESTAT_REPORT_API_H

#include <event2/event.h>

struct http_req;
struct config;
struct db;

/* report_api_start: open the read API's pool (report_database as
 * mestat_evaluator). Returns -1 when it cannot be created. */
int report_api_start(struct event_base *base, const struct config *cf);

/* report_api_reconfigure: timeout and connection string from CF. */
void report_api_reconfigure(const struct config *cf);

/* report_api_pool: the read pool (report_database, as mestat_evaluator,
 * read-only), NULL before report_api_start. */
struct db *report_api_pool(void);

/* report_api_stop: close the pool (before the event base is freed). */
void report_api_stop(void);

/* Route handlers (registered in api.c). */
void report_api_list(struct http_req *r, void *arg);
void report_api_view(struct http_req *r, void *arg);
void report_api_data(struct http_req *r, void *arg);

#endif
