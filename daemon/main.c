/* main.c - mestatd's command line and lifecycle: load the configuration,
 * migrate, serve on one libevent loop, reload on SIGHUP, stop on SIGTERM. */
#include <errno.h>
#include <event2/event.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "daemon.h"
#include "db.h"
#include "health.h"
#include "http.h"
#include "log.h"
#include "migrate.h"
#include "notify.h"
#include "tls.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif
#define DEFAULT_CONFIG SYSCONFDIR "/mestat/mestatd.conf"

static void usage(FILE *out)
{
	fprintf(out,
	        "usage: mestatd [-c FILE]          run in the foreground\n"
	        "       mestatd -t [-c FILE]       check the configuration and exit\n"
	        "       mestatd --migrate [-c FILE] apply database migrations and exit\n"
	        "       mestatd --version | -h\n"
	        "FILE defaults to %s\n",
	        DEFAULT_CONFIG);
}

static void print_errors(struct config_errors *errs)
{
	for (size_t i = 0; i < errs->n; i++)
		fprintf(stderr, "mestatd: %s\n", errs->msgs[i]);
}

static const char *migrate_conninfo(const struct config *cf)
{
	return *cf->migrate_database ? cf->migrate_database : cf->database;
}

/* check_config: -t. Everything a start would refuse, without starting. */
static int check_config(const char *path)
{
	struct config_errors errs = {0};
	struct config *cf = config_read(path, &errs);
	bool tls_ok = true;
	if (cf && config_check_files(cf, &errs) == 0 && errs.n == 0) {
		char err[1024];
		SSL_CTX *ctx = tls_server_ctx(cf, err, sizeof(err));
		if (!ctx) {
			fprintf(stderr, "mestatd: %s\n", err);
			tls_ok = false;
		}
		SSL_CTX_free(ctx);
	}
	print_errors(&errs);
	int rc = (cf && errs.n == 0 && tls_ok) ? 0 : 1;
	if (rc == 0)
		printf("mestatd: configuration %s is valid\n", path);
	config_errors_free(&errs);
	config_free(cf);
	return rc;
}

static int run_migrations(const struct config *cf)
{
	char err[2048];
	int n = migrate_run(migrate_conninfo(cf), cf->sql_dir, err, sizeof(err));
	if (n < 0) {
		log_error("migrations failed; the database is left as it was", "error=\"%s\"", err);
		return -1;
	}
	log_info("database schema is up to date", "applied=%d", n);
	return 0;
}

/* The daemon's context, owned by daemon.c. */
static struct daemon *d;

static void shutdown_tick(evutil_socket_t fd, short what, void *arg)
{
	(void)fd, (void)what, (void)arg;
	double waited = (double)(++d->shutdown_ticks) / 10.0;
	int left = http_inflight(d->http);
	if (left == 0 || waited >= d->cf->shutdown_timeout) {
		if (left)
			log_warn("stopping with requests still in flight", "requests=%d", left);
		event_base_loopexit(d->base, NULL);
	}
}

static void begin_shutdown(const char *why)
{
	if (d->stopping)
		return;
	d->stopping = true;
	log_info("stopping", "signal=%s", why);
	notify_send("STOPPING=1");
	http_stop_accepting(d->http);
	struct timeval tv = {0, 100000};
	d->shutdown_timer = event_new(d->base, -1, EV_PERSIST, shutdown_tick, NULL);
	event_add(d->shutdown_timer, &tv);
	shutdown_tick(-1, 0, NULL);
}

/* send_status: send PREFIX (e.g. "READY=1", may be NULL) with a one-line
 * STATUS= summary that systemctl status shows: EVENT (may be NULL), open
 * connections, requests in flight and the database connections up. */
static void send_status(const char *prefix, const char *event)
{
	if (!notify_enabled())
		return;
	int up = db_ready(d->db);
	char msg[512];
	snprintf(msg, sizeof(msg),
	         "%s%sSTATUS=%s%s%ld connections, %d requests in flight, database %s (%d of %ld connections up)",
	         prefix ? prefix : "", prefix ? "\n" : "", event ? event : "", event ? "; " : "",
	         http_connections(d->http), http_inflight(d->http), up ? "up" : "down", up, d->cf->db_connections);
	notify_send(msg);
}

/* The summary is refreshed every STATUS_INTERVAL seconds under systemd. */
#define STATUS_INTERVAL 10

static void status_tick(evutil_socket_t fd, short what, void *arg)
{
	(void)fd, (void)what, (void)arg;
	if (!d->stopping)
		send_status(NULL, "serving");
}

static void reload(void)
{
	notify_reloading();
	log_info("reloading the configuration", "file=%s", d->cf->path);
	struct config_errors errs = {0};
	/* Every problem is gathered before deciding, so one refused reload
	 * tells the operator all there is to fix. */
	struct config *cf = config_read(d->cf->path, &errs);
	SSL_CTX *ctx = NULL;
	char err[1024] = "";
	if (cf) {
		config_check_files(cf, &errs);
		config_reload_conflicts(d->cf, cf, &errs);
	}
	if (cf && errs.n == 0) {
		ctx = tls_server_ctx(cf, err, sizeof(err));
		if (ctx && daemon_reconfigure(cf, ctx, err, sizeof(err)) != 0) {
			SSL_CTX_free(ctx);
			ctx = NULL;
		}
	}
	if (!ctx) {
		for (size_t i = 0; i < errs.n; i++)
			log_error("reload refused; keeping the configuration in force", "problem=\"%s\"", errs.msgs[i]);
		if (err[0])
			log_error("reload refused; keeping the configuration in force", "problem=\"%s\"", err);
		config_errors_free(&errs);
		config_free(cf);
		send_status("READY=1", "reload failed; previous configuration in force");
		return;
	}
	config_errors_free(&errs);
	log_info("configuration reloaded");
	send_status("READY=1", "configuration reloaded");
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
	(void)what, (void)arg;
	if (sig == SIGHUP)
		reload();
	else
		begin_shutdown(sig == SIGTERM ? "TERM" : "INT");
}

static void watchdog_tick(evutil_socket_t fd, short what, void *arg)
{
	(void)fd, (void)what, (void)arg;
	notify_send("WATCHDOG=1");
}

static int serve(const char *path)
{
	/* A SIGHUP while starting (the migrations can take minutes) would end
	 * the daemon, its default action; it is held instead and acted on once
	 * the loop runs. */
	sigset_t hup;
	sigemptyset(&hup);
	sigaddset(&hup, SIGHUP);
	sigprocmask(SIG_BLOCK, &hup, NULL);
	d = daemon_get();
	struct config_errors errs = {0};
	d->cf = config_load(path, &errs);
	if (!d->cf || config_check_files(d->cf, &errs)) {
		print_errors(&errs);
		config_errors_free(&errs);
		return 1;
	}
	config_errors_free(&errs);
	log_set_level((enum log_level)d->cf->log_level);
	log_set_timestamps(!notify_enabled());
	signal(SIGPIPE, SIG_IGN);

	if (d->cf->auto_migrate && run_migrations(d->cf) != 0)
		return 1;

	char err[1024];
	SSL_CTX *ctx = tls_server_ctx(d->cf, err, sizeof(err));
	if (!ctx) {
		log_error("cannot set up TLS", "error=\"%s\"", err);
		return 1;
	}
	d->base = event_base_new();
	if (!d->base) {
		log_error("cannot create the event loop");
		return 1;
	}
	d->http = http_new(d->base, d->cf, ctx, err, sizeof(err));
	if (!d->http) {
		log_error("cannot start the HTTP server", "error=\"%s\"", err);
		return 1;
	}
	d->db = db_new(d->base, d->cf->database, (int)d->cf->db_connections, daemon_db_setup_sql(d->cf));
	health_register(d->http, d->db);
	if (daemon_start(err, sizeof(err)) != 0) {
		log_error("cannot start", "error=\"%s\"", err);
		return 1;
	}

	int sigs[] = {SIGTERM, SIGINT, SIGHUP};
	struct event *sigev[3];
	for (int i = 0; i < 3; i++) {
		sigev[i] = evsignal_new(d->base, sigs[i], on_signal, NULL);
		event_add(sigev[i], NULL);
	}
	sigprocmask(SIG_UNBLOCK, &hup, NULL);
	struct event *wd = NULL;
	uint64_t wd_usec = notify_watchdog_usec();
	if (wd_usec) {
		struct timeval tv = {(long)(wd_usec / 1000000), (long)(wd_usec % 1000000)};
		wd = event_new(d->base, -1, EV_PERSIST, watchdog_tick, NULL);
		event_add(wd, &tv);
	}
	struct event *st = NULL;
	if (notify_enabled()) {
		struct timeval tv = {STATUS_INTERVAL, 0};
		st = event_new(d->base, -1, EV_PERSIST, status_tick, NULL);
		event_add(st, &tv);
	}
	log_info("mestatd started", "version=%s listen=%s metrics_listen=%s", PACKAGE_VERSION, d->cf->listen,
	         d->cf->metrics_listen);
	send_status("READY=1", "serving");

	event_base_dispatch(d->base);

	daemon_stop();
	for (int i = 0; i < 3; i++)
		event_free(sigev[i]);
	if (wd)
		event_free(wd);
	if (st)
		event_free(st);
	if (d->shutdown_timer)
		event_free(d->shutdown_timer);
	http_free(d->http);
	db_free(d->db);
	event_base_free(d->base);
	config_free(d->cf);
	log_info("mestatd stopped");
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"config", required_argument, NULL, 'c'}, {"test", no_argument, NULL, 't'},
		{"migrate", no_argument, NULL, 'm'},      {"version", no_argument, NULL, 'V'},
		{"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
	};
	const char *path = DEFAULT_CONFIG;
	int mode = 0, c;
	while ((c = getopt_long(argc, argv, "c:thV", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': path = optarg; break;
		case 't':
		case 'm': mode = c; break;
		case 'V': printf("mestatd %s\n", PACKAGE_VERSION); return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "mestatd: unexpected argument \"%s\"\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	if (mode == 't')
		return check_config(path);
	if (mode == 'm') {
		struct config_errors errs = {0};
		struct config *cf = config_load(path, &errs);
		print_errors(&errs);
		config_errors_free(&errs);
		if (!cf)
			return 1;
		log_set_level((enum log_level)cf->log_level);
		int rc = run_migrations(cf) == 0 ? 0 : 1;
		config_free(cf);
		return rc;
	}
	return serve(path);
}
