/* release.h - the quarterly releases: published on the calendar or when the
 * plan office asks, signed with the receipt key and hash-chained
 * (release.c), and read over HTTPS (release_api.c). */
#ifndef MESTAT_RELEASE_H
#define MESTAT_RELEASE_H

struct daemon;
struct config;
struct http;
struct db;
struct json_t;

/* release.c */

/* release_start: look for a release to publish every few seconds, one
 * daemon at a time per database. */
void release_start(struct daemon *d);

/* release_stop: disarm the timer (a round in flight dies with the pool). */
void release_stop(void);

/* release_json.c */

/* release_canonical: the canonical text of release document DOC (malloc'd;
 * caller frees): UTF-8, no whitespace, object keys sorted by their bytes,
 * whole numbers without a fraction, other numbers with at most 15
 * significant digits (what jq -cjS prints of it). These are the bytes
 * hashed and signed. Whole reals in DOC become integers. */
char *release_canonical(struct json_t *doc);

/* release_api.c */

/* release_api_register: GET /api/v1/releases[/{period}], the public
 * /releases/... pages and their static files, /console/releases/. Call it
 * before console_register (earlier routes win over its /console/). */
void release_api_register(struct http *h, struct db *db, const struct config *cf);

/* release_api_reconfigure: take publish_public, web_root and chart_js_dir from CF. */
void release_api_reconfigure(const struct config *cf);

/* release_api_free: release what the read side holds. */
void release_api_free(void);

#endif
