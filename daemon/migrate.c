/* migrate.c - the migration runner behind `mestatd --migrate` and
 * auto_migrate. It runs before the event loop starts, so it may block.
 *
 * Two kinds of file, the way Flyway has versioned and repeatable migrations:
 *  - sql/NNN_*.sql: tables, grants and data, applied once each in name order
 *    and never edited once released;
 *  - the files of sql/functions, then of sql/views: the current definition of
 *    each function and view (CREATE OR REPLACE), applied after the numbered
 *    ones whenever the file's checksum differs from the one recorded, and all
 *    of them again whenever a numbered migration was applied in the same run
 *    (so a view a migration had to drop to change its columns comes back). */
#include "migrate.h"

#include <dirent.h>
#include <errno.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "util.h"

/* An arbitrary constant shared by every mestatd: the migration lock. */
#define MIGRATE_LOCK_KEY "7391001"

static const char bootstrap_sql[] =
	"CREATE TABLE IF NOT EXISTS public.mestat_migration ("
	" name text PRIMARY KEY,"
	" sha256 text NOT NULL,"
	" applied_at timestamptz NOT NULL DEFAULT now());"
	"COMMENT ON TABLE public.mestat_migration IS "
	"'mestat schema migrations applied to this database: one row per sql/NNN_*.sql file, and per sql/functions/ or sql/views/ file with the checksum last applied';";

static int is_migration(const struct dirent *d)
{
	const char *n = d->d_name;
	size_t len = strlen(n);
	return len > 8 && n[0] >= '0' && n[0] <= '9' && n[1] >= '0' && n[1] <= '9' && n[2] >= '0' && n[2] <= '9' &&
	       n[3] == '_' && strcmp(n + len - 4, ".sql") == 0;
}

static int is_repeatable(const struct dirent *d)
{
	size_t len = strlen(d->d_name);
	return d->d_name[0] != '.' && len > 4 && strcmp(d->d_name + len - 4, ".sql") == 0;
}

/* The folders of repeatable files, in the order they are applied. */
static const char *const repeatable_dirs[] = {"functions", "views"};

/* exec_ok: run SQL, true on success; else ERR gets "WHAT: message". */
static bool exec_ok(PGconn *pg, const char *sql, const char *what, char *err, size_t errlen)
{
	PGresult *r = PQexec(pg, sql);
	ExecStatusType st = PQresultStatus(r);
	bool ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
	if (!ok) {
		snprintf(err, errlen, "%s: %s", what, PQresultErrorMessage(r));
		size_t l = strlen(err);
		while (l && (err[l - 1] == '\n' || err[l - 1] == ' '))
			err[--l] = '\0';
	}
	PQclear(r);
	return ok;
}

/* applied_sha: the recorded hash of NAME, or NULL if not applied (malloc'd). */
static char *applied_sha(PGconn *pg, const char *name)
{
	const char *params[1] = {name};
	PGresult *r = PQexecParams(pg, "SELECT sha256 FROM public.mestat_migration WHERE name = $1", 1, NULL, params,
	                           NULL, NULL, 0);
	char *sha = NULL;
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
		sha = strdup(PQgetvalue(r, 0, 0));
	PQclear(r);
	return sha;
}

/* apply_one: apply DIR/NAME, recorded as KEY. A numbered file (FORCE <
 * 0) is applied once; a repeatable one when its checksum changed or FORCE.
 * Returns 1 when applied, 0 when skipped, -1 with ERR on failure. */
static int apply_one(PGconn *pg, const char *dir, const char *name, const char *key, int force, char *err,
                     size_t errlen)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	size_t len;
	char *sql = util_read_file(path, 0, &len);
	if (!sql) {
		snprintf(err, errlen, "migration %s: cannot read: %s", path, strerror(errno));
		return -1;
	}
	char sha[65];
	util_sha256_hex(sql, len, sha);
	char *done = applied_sha(pg, key);
	bool same = done && strcmp(done, sha) == 0;
	if (done && force < 0) {
		if (!same)
			log_warn("an applied migration was edited afterwards; it is not applied again", "migration=%s",
			         key);
		free(done);
		free(sql);
		return 0;
	}
	free(done);
	if (same && force == 0) {
		free(sql);
		return 0;
	}
	char what[512];
	snprintf(what, sizeof(what), "migration %s failed", key);
	if (!exec_ok(pg, "BEGIN", what, err, errlen)) {
		free(sql);
		return -1;
	}
	/* A migration may SET LOCAL ROLE mestat_owner so that it owns what it
	 * creates; the record of it is written as the login that runs it. */
	bool ok = exec_ok(pg, sql, what, err, errlen) && exec_ok(pg, "RESET ROLE", what, err, errlen);
	free(sql);
	if (ok) {
		const char *params[2] = {key, sha};
		PGresult *r =
			PQexecParams(pg,
		                     "INSERT INTO public.mestat_migration (name, sha256) VALUES ($1, $2) "
		                     "ON CONFLICT (name) DO UPDATE SET sha256 = excluded.sha256, applied_at = now()",
		                     2, NULL, params, NULL, NULL, 0);
		ok = PQresultStatus(r) == PGRES_COMMAND_OK;
		if (!ok)
			snprintf(err, errlen, "%s: cannot record it: %s", what, PQresultErrorMessage(r));
		PQclear(r);
	}
	if (!ok) {
		char ignore[256];
		exec_ok(pg, "ROLLBACK", "rollback", ignore, sizeof(ignore));
		return -1;
	}
	if (!exec_ok(pg, "COMMIT", what, err, errlen))
		return -1;
	if (force < 0)
		log_info("migration applied", "migration=%s", key);
	else
		log_info("current definition applied", "migration=%s", key);
	return 1;
}

/* apply_repeatable: every file of SQL_DIR/SUB, in name order. Returns the
 * number applied, or -1. A missing folder holds nothing. */
static int apply_repeatable(PGconn *pg, const char *sql_dir, const char *sub, bool force, char *err, size_t errlen)
{
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s/%s", sql_dir, sub);
	struct dirent **names = NULL;
	int n = scandir(dir, &names, is_repeatable, alphasort);
	if (n < 0) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "sql_dir %s: %s", dir, strerror(errno));
		return -1;
	}
	int applied = 0;
	for (int i = 0; i < n && applied >= 0; i++) {
		char key[1024];
		snprintf(key, sizeof(key), "%s/%s", sub, names[i]->d_name);
		int r = apply_one(pg, dir, names[i]->d_name, key, force ? 1 : 0, err, errlen);
		applied = r < 0 ? -1 : applied + r;
	}
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return applied;
}

int migrate_run(const char *conninfo, const char *sql_dir, char *err, size_t errlen)
{
	PGconn *pg = PQconnectdb(conninfo);
	if (PQstatus(pg) != CONNECTION_OK) {
		snprintf(err, errlen, "cannot connect for migrations: %s", PQerrorMessage(pg));
		PQfinish(pg);
		return -1;
	}
	struct dirent **names = NULL;
	int n = scandir(sql_dir, &names, is_migration, alphasort);
	if (n < 0) {
		snprintf(err, errlen, "sql_dir %s: %s", sql_dir, strerror(errno));
		PQfinish(pg);
		return -1;
	}
	int applied = 0;
	if (!exec_ok(pg, "SET client_min_messages = warning", "setup", err, errlen) ||
	    !exec_ok(pg, "SELECT pg_advisory_lock(" MIGRATE_LOCK_KEY ")", "taking the migration lock", err, errlen) ||
	    !exec_ok(pg, bootstrap_sql, "creating public.mestat_migration", err, errlen))
		applied = -1;
	for (int i = 0; i < n && applied >= 0; i++) {
		int r = apply_one(pg, sql_dir, names[i]->d_name, names[i]->d_name, -1, err, errlen);
		if (r < 0)
			applied = -1;
		else
			applied += r;
	}
	bool versioned = applied > 0;
	for (size_t k = 0; k < sizeof(repeatable_dirs) / sizeof(repeatable_dirs[0]) && applied >= 0; k++) {
		int r = apply_repeatable(pg, sql_dir, repeatable_dirs[k], versioned, err, errlen);
		applied = r < 0 ? -1 : applied + r;
	}
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	PQfinish(pg); /* also releases the advisory lock */
	return applied;
}
