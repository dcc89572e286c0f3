/* migrate.h - applies the numbered SQL migrations in order, once each, then
 * the current definitions of functions and views that changed. */
#ifndef MESTAT_MIGRATE_H
#define MESTAT_MIGRATE_H

#include <stddef.h>

/* migrate_run: connect with CONNINFO, take an advisory lock (so two daemons
 * starting together wait for each other), apply each SQL_DIR/NNN_*.sql not
 * yet recorded in public.mestat_migration, each in its own transaction,
 * then each .sql file of SQL_DIR/functions and SQL_DIR/views whose checksum
 * is not the one recorded (all of them when a numbered file was applied).
 * Returns the number applied (>= 0), or -1 with ERR naming the file and
 * PostgreSQL's message; a failed migration leaves the database as it was. */
int migrate_run(const char *conninfo, const char *sql_dir, char *err, size_t errlen);

#endif
