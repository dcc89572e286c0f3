# arch_sql.sh - SQL text lives in the store: no C string literal that reads
# as a SQL statement in daemon/ or collectors/ outside the files
# tools/lib/sql_literals.py allows (daemon/store*.c, daemon/migrate.c,
# daemon/db.c). The checker is first shown small trees with planted
# statements, so a checker that sees nothing cannot pass.
. "$TOP/tests/lib.sh"

check() { python3 "$TOP/tools/lib/sql_literals.py" "$@"; }

fake=$T_TMP/fake
mkdir -p "$fake/daemon" "$fake/collectors"
cat >"$fake/daemon/store_x.c" <<'EOF'
static const char q[] = "SELECT 1";
EOF
cat >"$fake/daemon/ok.c" <<'EOF'
#include "release.h"
/* SELECT 1 FROM t: a comment is not code */
static const char *m[] = {"DELETE", "listen", "release published", "with the token as the password"};
static const char *w = "a sentence that goes on "
                       "with the token as the password";
EOF
cat >"$fake/collectors/bad.c" <<'EOF'
static void f(void)
{
	db_query(c, "select name"
	            " FROM mestat.source_state", 0, NULL, cb, NULL);
	db_query(c,
	         "   "
	         "DELETE FROM mestat.x", 0, NULL, cb, NULL);
}
#define Q "WITH a AS (SELECT 1) " \
	"SELECT * FROM a"
static const char *r = "ROLLBACK", *s = "release savepoint staged", *t = "RELEASE staged";
EOF
out=$(check "$fake" daemon collectors)
rc=$?
expect_eq "the checker fails a tree with SQL outside the store" 1 "$rc"
expect_match "... naming a lower-case statement by file:line" 'not ok - collectors/bad.c .*collectors/bad.c:3 select name FROM' "$out"
expect_match "... a statement whose first piece is blank" 'collectors/bad.c:6 DELETE FROM mestat.x' "$out"
expect_match "... one in a macro" 'collectors/bad.c:9 WITH a AS' "$out"
expect_match "... and whole-word statements" 'collectors/bad.c:11 ROLLBACK, collectors/bad.c:11 release savepoint staged, collectors/bad.c:11 RELEASE staged' "$out"
if grep -q 'daemon/ok.c\|store_x.c' <<<"$out"; then
	not_ok "... and names neither prose, words, includes and comments nor the store" "$out"
else
	ok "... and names neither prose, words, includes and comments nor the store"
fi

# The real tree, file by file, and a planted statement in a copy of it.
out=$(check "$TOP" daemon collectors)
rc=$?
echo "$out"
[ "$rc" -eq 0 ] || grep -q '^not ok' <<<"$out" || not_ok "the SQL literal checker runs" "exit $rc: $out"

copy=$T_TMP/copy
mkdir -p "$copy"
cp -r "$TOP/daemon" "$TOP/collectors" "$copy/"
printf 'static const char planted_sql[] =\n\t"UPDATE mestat.source_state SET etag = NULL";\n' >>"$copy/daemon/scheduler.c"
out=$(check "$copy" daemon collectors)
expect_eq "a statement planted in a copy of the tree fails the check" 1 "$?"
n=$(wc -l <"$copy/daemon/scheduler.c")
expect_match "... naming its file and line" "not ok - daemon/scheduler.c .*daemon/scheduler.c:$n UPDATE mestat.source_state" "$out"
