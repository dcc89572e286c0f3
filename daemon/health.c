/* health.c - the /healthz answer, for load balancers, probes and operators:
 * 200 while the daemon can store submissions, 503 while it runs but cannot
 * reach PostgreSQL. The JSON body is the same either way, so a person reads
 * why, and a check that looks only at the status code (HAProxy's httpchk,
 * curl -f in a probe) takes this instance out of rotation while pushes to it
 * would get 503 anyway. */
#include "health.h"

#include <jansson.h>
#include <time.h>

#include "db.h"
#include "http.h"
#include "replica.h"

static void healthz(struct http_req *r, void *arg)
{
	struct db *db = arg;
	int up = db_ready(db);
	json_t *body = json_pack("{s:s, s:s, s:i}", "status", up ? "ok" : "degraded", "database", up ? "up" : "down",
	                         "db_connections", up);
	if (!up && *db_last_error(db))
		json_object_set_new(body, "database_error", json_string(db_last_error(db)));
	/* Where the read API, the console and the release pages read, and how
	 * current it is. It does not decide the status: pushes need the primary. */
	struct replica_status rs = replica_get();
	json_t *rd = json_pack("{s:s}", "connection", !rs.known ? "unknown" : rs.up ? "up" : "down");
	if (rs.known) {
		char asof[32];
		struct tm tm;
		gmtime_r(&rs.as_of, &tm);
		strftime(asof, sizeof(asof), "%Y-%m-%dT%H:%M:%SZ", &tm);
		json_object_set_new(rd, "standby", json_boolean(rs.standby));
		json_object_set_new(rd, "replication_lag_seconds", json_real(rs.lag));
		json_object_set_new(rd, "data_as_of", json_string(asof));
	}
	json_object_set_new(body, "report_database", rd);
	http_reply_json(r, up ? 200 : 503, body, up ? NULL : "Retry-After: 10\n");
}

void health_register(struct http *h, struct db *db)
{
	http_route(h, false, "GET", "/healthz", healthz, db);
	http_route(h, true, "GET", "/healthz", healthz, db);
}
