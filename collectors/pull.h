/* pull.h - scheduled HTTPS pull collectors: every [source NAME] is fetched
 * on its interval with libcurl's multi interface on the daemon's event loop,
 * and every body goes through ingest exactly like a push (via = pull). Each
 * source's schedule, validators and last outcome live in mestat.source_state. */
#ifndef MESTAT_PULL_H
#define MESTAT_PULL_H

struct daemon;
struct config;

/* pull_start: schedule the sources of D's configuration (the first pull of a
 * source a few seconds after start, or when the database says it is due).
 * Returns 0, or -1 when libcurl cannot be set up (logged). */
int pull_start(struct daemon *d);

/* pull_reconfigure: apply the sources of CF (added, removed, changed) and its
 * max_parallel_pulls; transfers in flight finish with the settings they began
 * with. CF is about to become the configuration in force. */
void pull_reconfigure(const struct config *cf);

/* pull_stop: abort every transfer and release libcurl; call it before the
 * event base is freed (libcurl removes its sockets from the loop on cleanup). */
void pull_stop(void);

#endif
