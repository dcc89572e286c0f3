# arch_includes.sh - the tree keeps its shape: no include cycle among the
# modules of daemon/ and collectors/ (a module is NAME.c with NAME.h), and no
# C file there over 800 lines. The checker is first shown a small tree with
# a cycle and a long file, so a checker that sees nothing cannot pass.
. "$TOP/tests/lib.sh"

check() { python3 "$TOP/tools/lib/include_graph.py" -I daemon -I collectors "$@"; }

# A tree with a cycle (a -> b -> c -> a), a header-only module, and one long file.
fake=$T_TMP/fake
mkdir -p "$fake/daemon" "$fake/collectors"
printf '#include "b.h"\n' >"$fake/daemon/a.c"
printf '#include "c.h"\n' >"$fake/daemon/b.h"
printf '#include "a.h"\n#include <stdio.h>\n' >"$fake/daemon/c.c"
printf '/* a */\n' >"$fake/daemon/a.h"
printf '/* c */\n' >"$fake/daemon/c.h"
{ printf '#include "c.h"\n#include "a.h"\n'; for _ in $(seq 900); do echo ';'; done; } >"$fake/collectors/long.c"
out=$(check "$fake" daemon collectors)
rc=$?
expect_eq "the checker fails a tree with a cycle and a long file" 1 "$rc"
expect_match "... naming the cycle" 'not ok - .*daemon/a -> daemon/b -> daemon/c -> daemon/a' "$out"
expect_match "... and the long file with its length" 'not ok - collectors/long.c is at most 800 lines: it has 902' "$out"
out=$(check --allow "daemon/a daemon/b daemon/c" "$fake" daemon)
expect_eq "an allowed cycle passes while it has not grown" 0 "$?"
printf '#include "a.h"\n' >"$fake/daemon/d.h"
printf '#include "d.h"\n' >>"$fake/daemon/c.c"
printf '#include "c.h"\n' >>"$fake/daemon/d.h"
out=$(check --allow "daemon/a daemon/b daemon/c" "$fake" daemon)
expect_eq "... and fails once it has grown" 1 "$?"

# The real tree: no cycle at all.
out=$(check "$TOP" daemon collectors)
rc=$?
echo "$out"
[ "$rc" -eq 0 ] || grep -q '^not ok' <<<"$out" || not_ok "the include checker runs" "exit $rc: $out"
