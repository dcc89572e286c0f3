/* health.c - the /healthz answer: 200 while the daemon runs, with the state
 * of the database connections, so a load balancer and an operator can tell a
 * live daemon from one that can store nothing. */
#include "health.h"

#include <jansson.h>

#include "db.h"
#include "http.h"

static void healthz(struct http_req *r, void *arg)
{
	struct db *db = arg;
	int up = db_ready(db);
	json_t *body = json_pack("{s:s, s:s, s:i}", "status", up ? "ok" : "degraded", "database",
	                         up ? "up" : "down", "db_connections", up);
	if (!up && *db_last_error(db))
		json_object_set_new(body, "database_error", json_string(db_last_error(db)));
	http_reply_json(r, 200, body, NULL);
}

void health_register(struct http *h, struct db *db)
{
	http_route(h, false, "GET", "/healthz", healthz, db);
	http_route(h, true, "GET", "/healthz", healthz, db);
}
