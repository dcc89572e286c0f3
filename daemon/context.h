/* context.h - the daemon's one context as the services see it: the loop, the
 * configuration in force, the parts built from it, and whether it is
 * stopping. daemon.c owns it; a service is handed a pointer at its start. */
#ifndef MESTAT_CONTEXT_H
#define MESTAT_CONTEXT_H

#include <event2/event.h>
#include <stdbool.h>

struct config;
struct http;
struct db;

struct daemon {
	struct event_base *base;
	struct config *cf; /* the configuration in force */
	struct http *http;
	struct db *db;
	struct event *shutdown_timer;
	int shutdown_ticks;
	bool stopping;
};

#endif
