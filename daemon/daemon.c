/* daemon.c - wires the services into the running daemon: what each new
 * database connection runs, and the start, reload and stop of each service. */
#include "daemon.h"

#include <stdio.h>

#include "config.h"

const char *daemon_db_setup_sql(const struct config *cf)
{
	(void)cf;
	return "SET application_name = 'mestatd'";
}

int daemon_start(char *err, size_t errlen)
{
	(void)err, (void)errlen;
	return 0;
}

void daemon_reconfigured(const struct config *cf) { (void)cf; }

void daemon_stop(void) {}
