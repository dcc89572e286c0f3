# ops_logfmt.sh - every line mestatd logs is valid logfmt, read back by a
# strict parser (the grammar of Go's go-logfmt, which Loki and Grafana use):
# database errors with quotes, backslashes and tabs, a configuration path
# with a space, and what a submission refused by the database says.
. "$TOP/tests/lib.sh"

# logfmt_check FILE...: parse every line; print "ok"/"not ok" per file and,
# for the checks below, each decoded pair as JSON lines in FILE.pairs.
cat >"$T_TMP/logfmt.py" <<'PY'
import json, sys

ESC = {'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}

def parse(line):
    """Strict logfmt: key=value pairs separated by spaces. A key is one or
    more bytes above ' ' other than '=' and '"'. A bare value has no ' ',
    '=' or '"' and no control character; a quoted value closes its quote, uses
    only the escapes \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX and holds no raw
    control character; a space or the end follows it."""
    pairs, i, n = [], 0, len(line)
    while i < n:
        if line[i] == ' ':
            i += 1
            continue
        j = i
        while j < n and line[j] not in ' ="' and ord(line[j]) > 32:
            j += 1
        if j == i:
            raise ValueError(f"column {i}: expected a key, got {line[i]!r}")
        key = line[i:j]
        if j >= n or line[j] != '=':
            raise ValueError(f"column {j}: key {key!r} without '='")
        j += 1
        if j < n and line[j] == '"':
            j += 1
            val = []
            while True:
                if j >= n:
                    raise ValueError(f"key {key!r}: unterminated quoted value")
                c = line[j]
                if c == '\\':
                    e = line[j + 1] if j + 1 < n else ''
                    if e in ESC:
                        val.append(ESC[e])
                        j += 2
                    elif e == 'u' and all(h in '0123456789abcdefABCDEF' for h in line[j + 2:j + 6]) and j + 6 <= n:
                        val.append(chr(int(line[j + 2:j + 6], 16)))
                        j += 6
                    else:
                        raise ValueError(f"key {key!r}: bad escape \\{e}")
                elif c == '"':
                    j += 1
                    break
                elif ord(c) < 0x20:
                    raise ValueError(f"key {key!r}: raw control character {c!r} in a quoted value")
                else:
                    val.append(c)
                    j += 1
            value = ''.join(val)
            if j < n and line[j] != ' ':
                raise ValueError(f"key {key!r}: {line[j]!r} right after the closing quote")
        else:
            k = j
            while j < n and line[j] != ' ':
                if line[j] in '="' or ord(line[j]) < 0x20:
                    raise ValueError(f"key {key!r}: {line[j]!r} in a bare value")
                j += 1
            value = line[k:j]
        pairs.append((key, value))
        i = j
    return pairs

if sys.argv[1] == "--selftest":
    bad = ['level=error msg="x" error="a "b" c"', 'level=info msg="x" file=/my conf=x"',
           'level=info msg="unterminated', 'level=info msg="raw\ttab"', 'level=info msg="bad \\q escape"']
    good = ['level=info msg="a \\"b\\" \\\\ \\t\\u0001" n=5 s=""']
    res = []
    for b in bad:
        try:
            parse(b)
            res.append(f"accepted {b!r}")
        except ValueError:
            pass
    for g in good:
        try:
            parse(g)
        except ValueError as e:
            res.append(f"rejected {g!r}: {e}")
    print("ok" if not res else "; ".join(res))
    sys.exit(0)

for path in sys.argv[1:]:
    bad, count = [], 0
    with open(path, 'rb') as f, open(path + ".pairs", 'w') as out:
        for no, raw in enumerate(f, 1):
            count += 1
            try:
                line = raw.decode('utf-8').rstrip('\n')
                pairs = parse(line)
                keys = [k for k, _ in pairs]
                if keys and keys[0] == 'time':
                    keys = keys[1:]
                if keys[:2] != ['level', 'msg']:
                    raise ValueError(f"starts with {keys[:2]}, not [time,] level, msg")
                out.write(json.dumps(dict(pairs)) + "\n")
            except (ValueError, UnicodeDecodeError) as e:
                bad.append(f"line {no}: {e}: {raw[:160]!r}")
    print(f"{count} lines" + (" ; " + " | ".join(bad[:3]) if bad else ""))
PY
logfmt() { /usr/bin/python3 "$T_TMP/logfmt.py" "$@"; }
# field LOGFILE MSG KEY: the decoded KEY of the first line whose msg is MSG.
field() {
	/usr/bin/python3 -c 'import json,sys
for l in open(sys.argv[1] + ".pairs"):
    d = json.loads(l)
    if d.get("msg") == sys.argv[2]:
        print(d.get(sys.argv[3], "")); break' "$@"
}

expect_eq "the strict parser rejects unescaped quotes, bare spaces, raw tabs and bad escapes (it can fail)" ok "$(logfmt --selftest)"

# 1. No database: libpq's error names a socket path holding a quote, a
# backslash and a space, and ends in a tab; the configuration file's name
# has a space.
sock='no "such\dir'
mkdir -p "$T_TMP/cf dir"
conf="$T_TMP/cf dir/mestatd.conf"
db=$(t_newdb)
t_conf "$conf" "$db" "auto_migrate = no"
sed -i "s|^database = .*|database = host='$T_TMP/no \"such\\\\\\\\dir' dbname=mestat user=mestatd|" "$conf"
log1=$T_TMP/nodb.log
"$MESTATD" -c "$conf" 2>"$log1" &
pid=$!
for _ in $(seq 100); do grep -q 'database connection failed' "$log1" && break; sleep 0.1; done
kill -HUP "$pid"
for _ in $(seq 50); do grep -q 'configuration reloaded\|reload refused' "$log1" && break; sleep 0.1; done
kill -TERM "$pid"
wait "$pid"

out=$(logfmt "$log1")
expect_match "every line logged without a database parses as logfmt" '^[0-9]+ lines$' "$out"
err=$(field "$log1" "database connection failed" error)
expect_match "... the libpq error keeps the socket path's quote and backslash" "socket \"$T_TMP/no \"such\\\\dir/\.s\.PGSQL\.[0-9]+\" failed" "$err"
expect_match "... and its tab" $'\tIs the server running' "$err"
expect_eq "... the configuration path with a space reads back whole" "$conf" "$(field "$log1" "reloading the configuration" file)"

# 2. A submission the database refuses with a message full of quotes,
# backslashes and tabs (a trigger stands for any server-side error).
conf=$T_TMP/mestatd.conf
t_conf "$conf" "$db"
log2=$T_TMP/mestatd.log
t_up "$conf" "$log2"
pg_psql -d "$db" <<'SQL' >/dev/null
create function public.refuse_all() returns trigger language plpgsql as $$
begin
	raise exception using errcode = 'XX001', message = E'refused: "quoted"\tand \\ back\\slash';
end $$;
create trigger refuse_all before insert on mestat.observation for each row execute function public.refuse_all();
SQL
out=$(t_curl --cert "$T_CERTS/client-110000.crt" --key "$T_CERTS/client-110000.key" -H 'Content-Type: application/json' \
	-d '{"reporter":"110000","period":"2018Q3","values":[{"indicator":"incubators","value":3}]}' \
	"https://127.0.0.1:$T_PORT/api/v1/submissions")
expect_eq "the database refuses the submission (500)" 500 "$(tail -n 1 <<<"$out")"
t_stop
out=$(logfmt "$log2")
expect_match "every line of a daemon whose submission failed in the database parses as logfmt" '^[0-9]+ lines$' "$out"
expect_match "... the database's message reads back with its quotes, tab and backslashes" \
	$'refused: "quoted"\tand \\\\ back\\\\slash' "$(field "$log2" "submission failed in the database" error)"

pg_psql -d postgres -c "DROP DATABASE IF EXISTS \"$db\"" >/dev/null 2>&1
