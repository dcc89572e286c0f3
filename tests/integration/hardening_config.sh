# hardening_config.sh - a configuration is read strictly and explained fully:
# `mestatd -t` names a key set twice (file and both lines), an unknown
# section even when empty, and a source whose retry settings contradict each
# other; defaults give way to what the operator wrote (a source with
# "interval = 10s" and no retry keys is valid); a refused reload logs every
# reason, each problem with a key set in the file naming that line.
. "$TOP/tests/lib.sh"

db=$(t_newdb)
conf=$T_TMP/mestatd.conf
t_conf "$conf" "$db"
log=$T_TMP/mestatd.log

# line_of FILE REGEX: the number of the first line of FILE matching REGEX.
line_of() { grep -n -E "$2" "$1" | head -n 1 | cut -d: -f1; }

twice=$T_TMP/twice.conf
{ cat "$conf"; echo "log_level = info"; echo "log_level = debug"; } >"$twice"
out=$("$MESTATD" -t -c "$twice" 2>&1)
rc=$?
expect_eq "-t refuses a key set twice in one section (exit 1)" 1 "$rc"
a=$(line_of "$twice" '^log_level = info')
b=$(line_of "$twice" '^log_level = debug')
expect_match "... naming the file and both lines" \
	"twice.conf:$b: key \"log_level\" is set twice in \[mestatd\], at lines $a and $b" "$out"

empty=$T_TMP/empty-section.conf
{ cat "$conf"; echo; echo "[notice]"; } >"$empty"
out=$("$MESTATD" -t -c "$empty" 2>&1)
rc=$?
expect_eq "-t refuses an unknown section even with no key in it (exit 1)" 1 "$rc"
expect_match "... naming it and its line" \
	"empty-section.conf:$(line_of "$empty" '^\[notice\]'): unknown section \[notice\]" "$out"

src=$T_TMP/source.conf
{
	cat "$conf"
	echo "[source beijing]"
	echo "reporter = 110000"
	echo "url = https://127.0.0.1:1/data.json"
	echo "interval = 10s"
} >"$src"
out=$("$MESTATD" -t -c "$src" 2>&1)
rc=$?
expect_eq "-t accepts a source with interval = 10s and no retry keys" 0 "$rc"
[ "$rc" = 0 ] || echo "# $out"

retry=$T_TMP/retry.conf
{ cat "$src"; echo "retry_min = 2m"; echo "retry_max = 1m"; } >"$retry"
out=$("$MESTATD" -t -c "$retry" 2>&1)
rc=$?
expect_eq "-t refuses retry_max shorter than retry_min (exit 1)" 1 "$rc"
expect_match "... naming both lines" \
	"retry.conf:$(line_of "$retry" '^retry_max'): source \"beijing\": retry_max \(60s\) is shorter than retry_min \(120s, line $(line_of "$retry" '^retry_min')\)" "$out"

all=$T_TMP/all.conf
{ cat "$conf"; echo "max_connections = many"; echo "tls_crl = $T_TMP/no-such.crl"; } >"$all"
out=$("$MESTATD" -t -c "$all" 2>&1)
expect_match "-t reports a bad value and an unreadable file together (bad value)" 'bad value "many"' "$out"
expect_match "-t reports a bad value and an unreadable file together (file, with its line)" \
	"all.conf:$(line_of "$all" '^tls_crl'): tls_crl \"$T_TMP/no-such.crl\" is not readable" "$out"

t_up "$conf" "$log"
# A reload with three problems of three kinds: a value that does not parse,
# a file that cannot be read, a key that needs a restart.
cp "$conf" "$conf.good"
grep -v '^listen = \|^tls_key = ' "$conf.good" >"$conf"
{
	echo "listen = 127.0.0.1:$(t_free_port)"
	echo "max_connections = many"
	echo "tls_key = $T_TMP/no-such.key"
} >>"$conf"
before=$(grep -c 'reload refused' "$log")
kill -HUP "$T_PID"
for _ in $(seq 100); do
	[ "$(grep -c 'reload refused' "$log")" -gt "$before" ] && break
	sleep 0.05
done
sleep 0.3
refused=$(grep 'reload refused' "$log")
expect_match "a refused reload logs the bad value, with its line" \
	"mestatd.conf:$(line_of "$conf" '^max_connections'): bad value \\\\?\"many\\\\?\"" "$refused"
expect_match "... and the unreadable file, with its line" \
	"mestatd.conf:$(line_of "$conf" '^tls_key'): tls_key .*no-such.key.* is not readable" "$refused"
expect_match "... and the key that needs a restart, with its line" \
	"mestatd.conf:$(line_of "$conf" '^listen'): listen cannot change on reload" "$refused"
expect_match "mestatd serves on after the refused reload" '200$' \
	"$(t_curl "https://127.0.0.1:$T_PORT/healthz" | tail -n 1)"
cp "$conf.good" "$conf"
t_stop
expect_eq "mestatd stops cleanly" 0 "$T_RC"
