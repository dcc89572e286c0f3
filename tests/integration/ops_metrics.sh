# ops_metrics.sh - /metrics on metrics_listen as Prometheus reads it: it
# passes promtool's strict parser and linter, carries the build info, its
# histograms have cumulative buckets ending in +Inf, and the submission and
# row counters move by exactly what was pushed.
. "$TOP/tests/lib.sh"

db=$(t_newdb)
conf=$T_TMP/mestatd.conf
t_conf "$conf" "$db"
t_up "$conf"

url=https://127.0.0.1:$T_PORT
murl=http://127.0.0.1:$T_MPORT/metrics
cert=(--cert "$T_CERTS/client-110000.crt" --key "$T_CERTS/client-110000.key")
scrape() { curl -s "$murl"; }

# sample NAME{LABELS}: the value of one series in $1 (a scrape), 0 if absent.
sample() {
	awk -v want="$2" '$1 == want { v = $2 } END { print (v == "" ? 0 : v) }' <<<"$1"
}

# promtool_check NAME SCRAPE: promtool check metrics, strict (no lint findings).
promtool_check() {
	if ! command -v promtool >/dev/null; then
		not_ok "$1" "promtool is not installed (Debian package prometheus; tools/check installs it)"
		return
	fi
	local out rc
	out=$(promtool check metrics <<<"$2" 2>&1)
	rc=$?
	expect_eq "$1" "0: " "$rc: $out"
}

# format_check NAME SCRAPE: what promtool does not enforce about histograms
# and families, checked by a small reader of the 0.0.4 text format.
format_check() {
	printf '%s\n' "$2" >"$T_TMP/scrape.txt"
	python3 - "$1" "$T_TMP/scrape.txt" <<'PY'
import re, sys
name, text = sys.argv[1], open(sys.argv[2]).read()
problems = []
types, helps, series = {}, {}, []
line_re = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*",?)*\})? (\S+)$')
for n, line in enumerate(text.splitlines(), 1):
    if line.startswith("# TYPE "):
        _, _, fam, typ = line.split(" ", 3)
        if fam in types:
            problems.append(f"line {n}: second TYPE for {fam}")
        types[fam] = typ
    elif line.startswith("# HELP "):
        helps[line.split(" ", 3)[2]] = True
    elif line.startswith("#") or not line:
        continue
    else:
        m = line_re.match(line)
        if not m:
            problems.append(f"line {n}: not a sample line: {line!r}")
            continue
        try:
            v = float(m.group(3))
        except ValueError:
            problems.append(f"line {n}: value {m.group(3)!r} is not a number")
            continue
        series.append((n, m.group(1), m.group(2) or "", v))
for fam, typ in types.items():
    if fam not in helps:
        problems.append(f"{fam} has no HELP")
    if typ == "counter" and not fam.endswith("_total"):
        problems.append(f"counter {fam} does not end in _total")
def family(metric):
    for suffix in ("_bucket", "_sum", "_count"):
        if metric.endswith(suffix) and types.get(metric[: -len(suffix)]) == "histogram":
            return metric[: -len(suffix)]
    return metric
for n, metric, labels, v in series:
    if family(metric) not in types:
        problems.append(f"line {n}: {metric} has no TYPE")
    if types.get(family(metric)) == "counter" and v < 0:
        problems.append(f"line {n}: counter {metric} is negative")
# Histograms: per label set, buckets in increasing le, cumulative, the last
# le="+Inf", equal to _count.
hist = {}
for n, metric, labels, v in series:
    fam = family(metric)
    if types.get(fam) != "histogram":
        continue
    rest = re.sub(r',?le="[^"]*"', "", labels).replace("{,", "{")
    rest = "" if rest == "{}" else rest
    h = hist.setdefault((fam, rest), {"buckets": [], "count": None})
    if metric.endswith("_bucket"):
        le = re.search(r'le="([^"]*)"', labels)
        if not le:
            problems.append(f"line {n}: bucket without le")
            continue
        h["buckets"].append((float(le.group(1)), le.group(1), v))
    elif metric.endswith("_count"):
        h["count"] = v
for (fam, rest), h in hist.items():
    b = h["buckets"]
    if not b:
        problems.append(f"{fam}{rest} has no buckets")
        continue
    if [x[0] for x in b] != sorted(x[0] for x in b):
        problems.append(f"{fam}{rest}: buckets not in increasing le")
    if any(b[i][2] > b[i + 1][2] for i in range(len(b) - 1)):
        problems.append(f"{fam}{rest}: bucket counts not cumulative: {[x[2] for x in b]}")
    if b[-1][1] != "+Inf":
        problems.append(f"{fam}{rest}: last bucket is le=\"{b[-1][1]}\", not +Inf")
    if h["count"] is None or b[-1][2] != h["count"]:
        problems.append(f"{fam}{rest}: +Inf bucket {b[-1][2]} differs from _count {h['count']}")
print(f"# {len(series)} samples, {len(types)} families, {len(hist)} histogram series")
if problems:
    print(f"not ok - {name}: " + "; ".join(problems[:10]))
else:
    print(f"ok - {name}")
PY
}

# Wait for the database pool, so the scrape shows the steady state.
for _ in $(seq 100); do
	[ "$(sample "$(scrape)" mestat_db_connections_up)" != 0 ] && break
	sleep 0.1
done

before=$(scrape)
expect_match "/metrics answers on metrics_listen" 'mestat_build_info' "$before"
ctype=$(curl -s -o /dev/null -w '%{content_type}' "$murl")
expect_eq "/metrics has the 0.0.4 text content type" "text/plain; version=0.0.4; charset=utf-8" "$ctype"
expect_eq "/metrics is not served on the HTTPS port" 404 "$(t_curl "$url/metrics" | tail -n 1)"
promtool_check "promtool check metrics accepts the first scrape" "$before"
version=$("$MESTATD" --version | awk '{print $2}')
expect_eq "mestat_build_info carries the version of mestatd --version" 1 \
	"$(sample "$before" "mestat_build_info{version=\"$version\"}")"
expect_match "the database pool is reported up" '^[1-9]' "$(sample "$before" mestat_db_connections_up)"

# Push N distinct submissions of 2 rows each, and one that fails validation.
periods=(2017Q1 2017Q2 2017Q3 2017Q4 2018Q1)
n=${#periods[@]}
accepted=0
for i in $(seq "$n"); do
	body="{\"reporter\":\"110000\",\"period\":\"${periods[i - 1]}\",\"values\":[
	 {\"indicator\":\"incubators\",\"value\":$((100 + i))},{\"indicator\":\"tech_contracts\",\"value\":$((2000 + i))}]}"
	status=$(t_curl "${cert[@]}" -H 'Content-Type: application/json' -d "$body" "$url/api/v1/submissions" | tail -n 1)
	[ "$status" = 201 ] && accepted=$((accepted + 1))
done
expect_eq "the $n pushes were accepted" "$n" "$accepted"
status=$(t_curl "${cert[@]}" -H 'Content-Type: application/json' \
	-d '{"reporter":"110000","period":"2018Q2","values":[{"indicator":"no_such_thing","value":1}]}' \
	"$url/api/v1/submissions" | tail -n 1)
expect_eq "a push with an unknown indicator gets 422" 422 "$status"
status=$(t_curl -H 'Content-Type: application/json' -d '{}' "$url/api/v1/submissions" | tail -n 1)
expect_eq "a push without credentials gets 401" 401 "$status"

after=$(scrape)
delta() { # delta SERIES: how much SERIES moved between the two scrapes
	awk -v a="$(sample "$after" "$1")" -v b="$(sample "$before" "$1")" 'BEGIN { print a - b }'
}
accepted_series='mestat_submissions_total{endpoint="native",format="json",outcome="accepted"}'
expect_eq "mestat_submissions_total{outcome=\"accepted\"} rose by $n" "$n" "$(delta "$accepted_series")"
expect_eq "mestat_submissions_total{outcome=\"invalid\"} rose by 1" 1 \
	"$(delta 'mestat_submissions_total{endpoint="native",format="json",outcome="invalid"}')"
expect_eq "mestat_rows_total{kind=\"new\"} rose by the $((2 * n)) rows stored" "$((2 * n))" "$(delta 'mestat_rows_total{kind="new"}')"
stored=$(pg_psql -d "$db" -tA -c "select count(*) from mestat.observation")
expect_eq "... which is what the database holds" "$((2 * n))" "$stored"
expect_eq "mestat_rows_total{kind=\"revised\"} did not move (nothing was revised)" 0 "$(delta 'mestat_rows_total{kind="revised"}')"
expect_eq "mestat_auth_failures_total{status=\"401\"} rose by 1" 1 "$(delta 'mestat_auth_failures_total{status="401"}')"
expect_eq "mestat_http_requests_total{code=\"201\"} rose by $n" "$n" "$(delta 'mestat_http_requests_total{code="201"}')"
expect_eq "mestat_http_requests_total{code=\"422\"} rose by 1" 1 "$(delta 'mestat_http_requests_total{code="422"}')"
expect_match "the request duration histogram has observations" '^[1-9]' \
	"$(sample "$after" 'mestat_http_request_duration_seconds_count')"
# The pool's own view: each push waited for a connection once, and its
# statements are timed under their names (COMMIT: the transaction's end).
atleast() { awk -v d="$1" -v n="$2" 'BEGIN { print (d >= n ? "at least " n : d) }'; }
expect_eq "mestat_db_wait_seconds_count rose by at least $n" "at least $n" \
	"$(atleast "$(delta mestat_db_wait_seconds_count)" "$n")"
expect_eq "mestat_db_statement_duration_seconds{statement=\"COMMIT\"} counted at least the $n commits" "at least $n" \
	"$(atleast "$(delta 'mestat_db_statement_duration_seconds_count{statement="COMMIT",object=""}')" "$n")"
expect_eq "... and {statement=\"SELECT\",object=\"mestat.ingest_open\"} at least $n calls" "at least $n" \
	"$(atleast "$(delta 'mestat_db_statement_duration_seconds_count{statement="SELECT",object="mestat.ingest_open"}')" "$n")"
# A native push is validated, stored and scored by one call sent with its
# opening, so its transaction takes two round trips: the unknown indicator's
# push too reached that call (and was refused there), and no push stored its
# rows in a statement of their own.
expect_eq "... {object=\"mestat.ingest_validate_apply\"} once for each of the $((n + 1)) native pushes" "$((n + 1))" \
	"$(delta 'mestat_db_statement_duration_seconds_count{statement="SELECT",object="mestat.ingest_validate_apply"}')"
expect_eq "... and the statement storing them apart ({object=\"mestat.ingest_warnings\"}, its first name) not at all" 0 \
	"$(delta 'mestat_db_statement_duration_seconds_count{statement="SELECT",object="mestat.ingest_warnings"}')"

promtool_check "promtool check metrics accepts the scrape after submissions" "$after"
format_check "every family has HELP and TYPE, histogram buckets are cumulative and end in +Inf" "$after"
