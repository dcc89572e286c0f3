#!/bin/bash
# quality_outlier_scores.sh: the outlier scores mestat.outliers_of_submissions()
# gives, value by value, against the same scores computed here from the
# stored series, in Python, by their definition (022, sql/functions/
# outliers_of_submissions.sql): x the log change from the comparable earlier
# value (the same quarter a year before for flows and annual indicators, the
# quarter before for stocks); h the reporter's other changes of that series,
# the two involving the value's own cell left out and none across a break
# (status B); with 4 or more, the modified z-score of Iglewicz and Hoaglin
# (1993), M = 0.6745 (x - median h) / MAD h, the mean absolute deviation
# standing in when MAD is 0 (M = (x - median) / (1.253314 MeanAD)), and a
# change of more than 5 % from a history that never moved held without one;
# with fewer and no other province to compare with, a tenfold change.
#
# Six series of one province, random but seeded (the seed is printed on a
# failure), then one submission revising cells in the middle of each (both
# of the cell's changes then left out of its history) and at its end, or
# one cell alone (a series with one value scored is scored its own way). The
# thresholds are lowered to 1 so that most values are held and every score
# is compared, not only the few past 3.5.
. "$TOP/tests/lib.sh"
. "$TOP/tests/integration/db_lib.sh"
. "$TOP/tests/integration/quality_lib.sh"

quality_db

SEED=${OUTLIER_SEED:-$RANDOM}
R=310000
# indicator:kind of series; none of them in a validation rule
SERIES="express_parcels:random connected_vehicle_users:random st_service_revenue:random_one
modern_service_value_added:steady online_course_enrolments:mostly_steady ip_pledge_financing:short"
codes=$(for s in $SERIES; do printf "'%s'," "${s%%:*}"; done)
codes=${codes%,}
db_owner "$DB" "update mestat.indicator set outlier_threshold = 1 where code in ($codes)" >/dev/null

# The periods of each indicator's kind, begun by now.
q "select i.code, p.code from mestat.indicator i join mestat.period p
     on p.kind = case i.periodicity when 'quarterly' then 'quarter' else 'year' end
    where i.code in ($codes) and p.start_date <= current_date and p.code < '2025'
    order by i.code, p.code" >"$T_TMP/periods"

# rows.py PHASE: the CSV rows of the history (PHASE 1) or of the revision (2).
cat >"$T_TMP/rows.py" <<'PY'
import random, sys
seed, phase, rep, series, periods = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
kinds = dict(s.split(":") for s in series.split())
per = {}
for line in open(periods):
    code, p = line.strip().split("|")
    per.setdefault(code, []).append(p)
rnd = random.Random(seed)
MOVED = (9, 22, 31)  # the few changes of mostly_steady that are not the same
out = []
for code in sorted(kinds):
    kind, ps = kinds[code], per[code]
    if kind == "short":
        ps = ps[:6]
    hist, v = {}, rnd.uniform(100, 1000)
    for i, p in enumerate(ps):
        if kind == "steady":  # every change the same: doubled each year
            val = str(100 * 2 ** (i // 4) * (1 + i % 4))
        elif kind == "mostly_steady":  # most changes the same, a few not
            val = str(100 * 2 ** (i // 4) * (1 + i % 4) + (rnd.randint(1, 40) if i in MOVED else 0))
        else:  # random, random_one
            v = v * rnd.lognormvariate(0.02, 0.15)
            if rnd.random() < 0.1:
                v = v * rnd.choice([0.2, 4, 12])
            val = f"{v:.2f}"
        hist[p] = val
    status = {}
    if kind.startswith("random"):
        for p in rnd.sample(ps[4:-4], 2):
            status[p] = "B"  # breaks in series
        for p in rnd.sample(ps[4:-4], 2):
            hist[p] = "0"  # no value to change from
    if phase == "1":
        for p in ps:
            out.append(f"line,{rep},{code},{p},{hist[p]},,,{status.get(p, '')},,")
    else:  # revisions: some cells in the middle, and the last; one alone
        # where every other change is the same (a history that never moved)
        if kind == "steady":  # its one value scored (below too)
            revised = rnd.sample(ps[5:-5], 1)
        elif kind == "random_one":
            revised = rnd.sample(ps[1:-1], 1)
        elif kind == "mostly_steady":  # fewer than half of the changes moved
            revised = rnd.sample(ps[5:-5], 2)
        else:
            revised = rnd.sample(ps[1:-1], min(4, len(ps) - 2)) + [ps[-1]]
        for p in revised:
            old = float(hist[p]) if hist[p] != "0" else 100.0
            f = rnd.choice([0.5, 0.9, 1.1, 1.7, 3, 15])
            out.append(f"line,{rep},{code},{p},{old * f:.2f},,,,,")
        if kind == "mostly_steady":
            # The same value sent again as estimated (E): stored, so scored,
            # with its two changes equal (both the doubling), which take two
            # places among the series' changes sorted.
            near = [ps.index(p) for p in revised] + list(MOVED)
            same = [i for i in range(5, len(ps) - 5) if all(abs(i - j) not in (0, 4) for j in near)]
            p = ps[rnd.choice(same)]
            out.append(f"line,{rep},{code},{p},{hist[p]},,,E,,")
print("\n".join(out))
PY
rows() { python3 "$T_TMP/rows.py" "$SEED" "$1" "$R" "$SERIES" "$T_TMP/periods"; }

out=$(rows 1 | qsubmit "$DB" "$R" "")
expect_match "six series of one province are stored (seed $SEED)" '^counts\|[0-9]+\|0\|0\|0' "$out"
out=$(rows 2 | qsubmit "$DB" "$R" "")
expect_match "... and a revision of cells in the middle and at the end of each" '^counts\|[0-9]*\|[1-9][0-9]*\|' "$out"
sub=$(q "select max(id) from mestat.submission")

q "select c.indicator, c.k, c.value, c.status,
          case when i.periodicity = 'annual' or i.measure = 'flow' then 4 else 1 end
     from mestat.cell c join mestat.indicator i on i.code = c.indicator
    where c.reporter = '$R' and c.value is not null" >"$T_TMP/cells"
q "select o.indicator, p.k, o.value, i.outlier_threshold
     from mestat.observation o join mestat.indicator i on i.code = o.indicator join mestat.period p on p.code = o.period
    where o.submission = $sub and o.value > 0 and o.status <> 'B' and i.outlier_threshold is not null" >"$T_TMP/values"
q "select f.indicator, p.k, f.kind, coalesce(f.score::text, '')
     from mestat.follow_up f join mestat.period p on p.code = f.period
    where f.submission = $sub" >"$T_TMP/held"

# The scores by their definition; prints one line a difference, then the
# counts of what was compared.
cmp=$(python3 - "$T_TMP/cells" "$T_TMP/values" "$T_TMP/held" <<'PY'
import math, sys
series, lag = {}, {}
for line in open(sys.argv[1]):
    ind, k, v, st, lg = line.strip().split("|")
    series.setdefault(ind, {})[int(k)] = (float(v), st)
    lag[ind] = int(lg)
def median(xs):
    xs = sorted(xs)
    n = len(xs)
    return xs[n // 2] if n % 2 else xs[n // 2 - 1] + 0.5 * (xs[n // 2] - xs[n // 2 - 1])
def changes(ind):  # k of the later value -> (k of the earlier, h)
    s, out = series[ind], {}
    for k, (v, st) in s.items():
        e = s.get(k - lag[ind])
        if v > 0 and st != "B" and e and e[0] > 0:
            out[k] = (k - lag[ind], math.log(v / e[0]))
    return out
want, ways = {}, {}
for line in open(sys.argv[2]):
    ind, k, v, thr = line.strip().split("|")
    k, thr, ch = int(k), float(thr), changes(ind)
    if k not in ch:
        continue  # no comparable earlier value
    x = ch[k][1]
    h = [hh for kt, (kf, hh) in sorted(ch.items()) if kt != k and kf != k]
    if len(h) >= 4:
        m = median(h)
        dev = [abs(hh - m) for hh in h]
        mad, meanad = median(dev), sum(dev) / len(dev)
        if mad > 0:
            z, way = 0.6745 * (x - m) / mad, "mad"
        elif meanad > 0:
            z, way = (x - m) / (1.253314 * meanad), "meanad"
        else:
            z, way = None, "flat"
        held = abs(z) > thr if z is not None else abs(x - m) > math.log(1.05)
        kind = "history"
    else:
        z, way, kind = None, "jump", "jump"
        held = abs(x) >= math.log(10)
    ways[way] = ways.get(way, 0) + 1
    if held:
        want[(ind, k)] = (kind, z)
got = {}
for line in open(sys.argv[3]):
    ind, k, kind, score = line.rstrip("\n").split("|")
    got[(ind, int(k))] = (kind, float(score) if score else None)
for key in sorted(set(want) | set(got)):
    w, g = want.get(key), got.get(key)
    if w is None or g is None or w[0] != g[0] or (w[1] is None) != (g[1] is None) \
            or (w[1] is not None and abs(w[1] - g[1]) > 1e-9 * max(1, abs(w[1]))):
        print(f"{key}: want {w}, got {g}")
print("compared " + " ".join(f"{w}={ways.get(w, 0)}" for w in ("mad", "meanad", "flat", "jump"))
      + f" held={len(got)}")
PY
)
diffs=$(printf '%s\n' "$cmp" | grep -v '^compared')
counts=$(printf '%s\n' "$cmp" | grep '^compared')
if [ -z "$diffs" ] && [ -n "$counts" ]; then
	ok "every value's score and holding is its definition's (seed $SEED; $counts)"
else
	not_ok "every value's score and holding is its definition's (seed $SEED; $counts)" "$diffs"
fi
# Each way of scoring was reached, and values were held: the comparison
# above is not empty.
for way in mad meanad flat jump; do
	expect_match "... values scored by way of $way were among them" "$way=[1-9]" "$counts"
done
expect_match "... and some were held" 'held=[1-9]' "$counts"

db_drop
