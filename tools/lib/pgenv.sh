# pgenv.sh - forget the caller's libpq environment.
#
# A PostgreSQL user's shell often exports PGHOST, PGPORT, PGUSER, PGDATA,
# PGDATABASE, PGSERVICE, PGPASSWORD, PGOPTIONS, PGSSLMODE or Debian's
# PGCLUSTER. psql, pg_ctl and mestatd's libpq would all obey them and talk to
# the caller's server instead of the throwaway one our tools start (the demo
# then fails at its first psql: "connection to server on socket
# .../.s.PGSQL.5432 failed"). Every tool and benchmark that starts its own
# PostgreSQL calls pgenv_clear first; pg_start (pg.sh) then exports the
# variables of its own cluster.
#
# Source this file; it defines pgenv_clear.

# pgenv_clear: unset every exported variable whose name is PG followed by a
# capital letter (all of libpq's, PGDATA, PGCLUSTER); our own settings are
# spelled PG_... (PG_BIN, PG_CONF_EXTRA) and are kept.
pgenv_clear() {
	local v
	for v in $(compgen -e); do
		[[ $v == PG[A-Z]* ]] && unset "$v"
	done
	return 0
}
