/* curl_ev.h - libcurl's multi interface driven by a libevent loop: transfers
 * run on the daemon's one thread, never blocking it. */
#ifndef MESTAT_CURL_EV_H
#define MESTAT_CURL_EV_H

#include <curl/curl.h>
#include <event2/event.h>

struct curl_ev;

/* Called once per finished transfer with its handle and result, from the
 * loop; the handle is still added (remove it with curl_ev_remove). */
typedef void (*curl_ev_done_cb)(CURL *easy, CURLcode rc, void *arg);

/* curl_ev_new: a multi handle on BASE whose finished transfers go to DONE
 * with ARG, sharing resolved names and TLS sessions among its transfers.
 * NULL when out of memory. curl_global_init is the caller's. */
struct curl_ev *curl_ev_new(struct event_base *base, curl_ev_done_cb done, void *arg);

/* curl_ev_add: start EASY; -1 when libcurl refuses it. */
int curl_ev_add(struct curl_ev *ce, CURL *easy);

/* curl_ev_remove: stop EASY (finished or not) and clean it up. NULL is fine. */
void curl_ev_remove(struct curl_ev *ce, CURL *easy);

/* curl_ev_max_connects: keep up to N idle connections open for reuse. */
void curl_ev_max_connects(struct curl_ev *ce, long n);

/* curl_ev_free: abort what is left and release everything. Call it while
 * BASE is still alive (libcurl may announce sockets while it closes its
 * connection cache). NULL is fine. */
void curl_ev_free(struct curl_ev *ce);

#endif
