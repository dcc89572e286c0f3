/* curl_ev.c - libcurl's multi interface driven by a libevent loop.
 *
 * libcurl offers three ways to run many transfers: curl_multi_perform in a
 * poll loop of its own, curl_multi_poll, or the "socket interface", where it
 * tells us which sockets to watch (CURLMOPT_SOCKETFUNCTION) and when to call
 * it back (CURLMOPT_TIMERFUNCTION), and we tell it which socket became ready
 * (curl_multi_socket_action). Only the last lives inside an event loop that
 * also serves HTTPS and PostgreSQL without threads, so it is the one used.
 *
 * The trade-offs taken:
 *  - One struct sock per socket libcurl announced, kept on a list so that
 *    curl_ev_free can release those libcurl never told us to drop. libcurl
 *    stores our pointer with curl_multi_assign and hands it back on every
 *    later announcement, so no lookup by descriptor is needed.
 *  - libcurl may announce CURL_POLL_REMOVE for a socket it never asked us to
 *    watch (a cached connection closing): there is then nothing to undo.
 *  - The timer callback never acts: it only arms the loop's timer, because
 *    calling curl_multi_socket_action from inside it re-enters libcurl.
 *  - Finished transfers are looked for after every action, and handed out
 *    one by one; the callback may remove its handle (the message is read
 *    before it is called, since removing the handle invalidates it).
 *  - curl_multi_cleanup runs before the event base goes: closing cached
 *    connections announces their sockets, whose events must still exist.
 *  - A share handle spreads resolved names and TLS sessions among the
 *    transfers, as the multi handle already spreads connections. */
#include "curl_ev.h"

#include <stdlib.h>

/* A socket libcurl asked us to watch. */
struct sock {
	curl_socket_t fd;
	struct event *ev;
	struct sock *prev, *next;
};

struct curl_ev {
	struct event_base *base;
	CURLM *multi;
	CURLSH *share;
	struct event *timer;
	struct sock *socks;
	curl_ev_done_cb done;
	void *arg;
};

/* check_done: hand out the transfers that finished. */
static void check_done(struct curl_ev *ce)
{
	CURLMsg *m;
	int left;
	while ((m = curl_multi_info_read(ce->multi, &left))) {
		if (m->msg != CURLMSG_DONE)
			continue;
		CURL *e = m->easy_handle;
		CURLcode rc = m->data.result; /* M is invalid once the handle is removed */
		ce->done(e, rc, ce->arg);
	}
}

static void on_sock_event(evutil_socket_t fd, short what, void *arg)
{
	struct curl_ev *ce = arg; /* not the struct sock: the call below may free it */
	int action = (what & EV_READ ? CURL_CSELECT_IN : 0) | (what & EV_WRITE ? CURL_CSELECT_OUT : 0);
	int running;
	curl_multi_socket_action(ce->multi, fd, action, &running);
	check_done(ce);
}

static void sock_free(struct curl_ev *ce, struct sock *k)
{
	if (k->prev)
		k->prev->next = k->next;
	else
		ce->socks = k->next;
	if (k->next)
		k->next->prev = k->prev;
	event_free(k->ev);
	free(k);
}

/* on_curl_socket: libcurl tells which socket to watch for what. */
static int on_curl_socket(CURL *easy, curl_socket_t fd, int what, void *userp, void *socketp)
{
	(void)easy;
	struct curl_ev *ce = userp;
	struct sock *k = socketp;
	if (what == CURL_POLL_REMOVE) {
		if (k) /* libcurl forgets the socket's pointer itself after this call */
			sock_free(ce, k);
		return 0;
	}
	if (!k) {
		k = calloc(1, sizeof(*k));
		if (!k)
			return -1;
		k->fd = fd;
		k->ev = event_new(ce->base, fd, 0, on_sock_event, ce);
		if (!k->ev) {
			free(k);
			return -1;
		}
		k->next = ce->socks;
		if (ce->socks)
			ce->socks->prev = k;
		ce->socks = k;
		curl_multi_assign(ce->multi, fd, k);
	}
	short ev = (short)((what & CURL_POLL_IN ? EV_READ : 0) | (what & CURL_POLL_OUT ? EV_WRITE : 0));
	event_del(k->ev);
	if (ev) {
		event_assign(k->ev, ce->base, fd, (short)(ev | EV_PERSIST), on_sock_event, ce);
		event_add(k->ev, NULL);
	}
	return 0;
}

static void on_timeout(evutil_socket_t fd, short what, void *arg)
{
	(void)fd, (void)what;
	struct curl_ev *ce = arg;
	int running;
	curl_multi_socket_action(ce->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	check_done(ce);
}

/* on_curl_timer: libcurl wants to be called after MS milliseconds (-1: no
 * timer). Never act from inside this callback: arm the loop's timer. */
static int on_curl_timer(CURLM *multi, long ms, void *userp)
{
	(void)multi;
	struct curl_ev *ce = userp;
	if (ms < 0) {
		evtimer_del(ce->timer);
		return 0;
	}
	struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
	evtimer_add(ce->timer, &tv);
	return 0;
}

struct curl_ev *curl_ev_new(struct event_base *base, curl_ev_done_cb done, void *arg)
{
	struct curl_ev *ce = calloc(1, sizeof(*ce));
	if (!ce)
		return NULL;
	ce->base = base;
	ce->done = done;
	ce->arg = arg;
	ce->multi = curl_multi_init();
	ce->timer = evtimer_new(base, on_timeout, ce);
	if (!ce->multi || !ce->timer) {
		curl_ev_free(ce);
		return NULL;
	}
	curl_multi_setopt(ce->multi, CURLMOPT_SOCKETFUNCTION, on_curl_socket);
	curl_multi_setopt(ce->multi, CURLMOPT_SOCKETDATA, ce);
	curl_multi_setopt(ce->multi, CURLMOPT_TIMERFUNCTION, on_curl_timer);
	curl_multi_setopt(ce->multi, CURLMOPT_TIMERDATA, ce);
	ce->share = curl_share_init();
	if (ce->share) {
		curl_share_setopt(ce->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
		curl_share_setopt(ce->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
	}
	return ce;
}

int curl_ev_add(struct curl_ev *ce, CURL *easy)
{
	if (ce->share && curl_easy_setopt(easy, CURLOPT_SHARE, ce->share) != CURLE_OK)
		return -1;
	return curl_multi_add_handle(ce->multi, easy) == CURLM_OK ? 0 : -1;
}

void curl_ev_remove(struct curl_ev *ce, CURL *easy)
{
	if (!easy)
		return;
	curl_multi_remove_handle(ce->multi, easy);
	curl_easy_cleanup(easy);
}

void curl_ev_max_connects(struct curl_ev *ce, long n)
{
	curl_multi_setopt(ce->multi, CURLMOPT_MAXCONNECTS, n);
}

void curl_ev_free(struct curl_ev *ce)
{
	if (!ce)
		return;
	if (ce->multi) /* may announce CURL_POLL_REMOVE for cached connections: the base is still alive */
		curl_multi_cleanup(ce->multi);
	if (ce->share)
		curl_share_cleanup(ce->share);
	while (ce->socks)
		sock_free(ce, ce->socks);
	if (ce->timer)
		event_free(ce->timer);
	free(ce);
}
