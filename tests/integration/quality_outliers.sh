#!/bin/bash
# quality_outliers.sh: values far from the reporter's own history are accepted
# and held for follow-up (mestat.follow_up, report.follow_up) with a sentence
# the clerk can act on. The score is the modified z-score of Iglewicz and
# Hoaglin (1993), M = 0.6745 (x - median) / MAD, threshold 3.5, as DHIS2's
# outlier detection offers it (docs.dhis2.org, "Outlier detection":
# algorithm MOD_Z_SCORE); x is the log change year-on-year for flows (so a
# seasonal pattern is not an outlier) and quarter-on-quarter for stocks.
. "$TOP/tests/lib.sh"
. "$TOP/tests/integration/db_lib.sh"
. "$TOP/tests/integration/quality_lib.sh"

quality_db

# ---- a seasonal flow: Q4 is always about three times Q1, growing ~6% a year

rows=""
n=2
for y in 2016 2017 2018; do
	for qq in 1 2 3 4; do
		base=$(( (y - 2016) * 6 + 100 ))
		case $qq in 1) v=$base ;; 2) v=$((base * 12 / 10)) ;; 3) v=$((base * 11 / 10 + qq)) ;; 4) v=$((base * 3)) ;; esac
		rows+="line $n,310000,digital_publishing_revenue,${y}Q$qq,$v,,,,,"$'\n'
		n=$((n + 1))
	done
done
out=$(qsubmit "$DB" 310000 "" <<<"$rows")
expect_match "a seasonal history is stored" '^counts\|12\|0\|0\|0' "$out"
out=$(qsubmit "$DB" 310000 "" <<'ROWS'
line 2,310000,digital_publishing_revenue,2019Q4,355,,,,,
ROWS
)
expect_eq "a seasonal Q4 peak (355 after 112 in 2018Q1-Q3, like every Q4) is not an outlier" 'warnings|[]' \
	"$(printf '%s\n' "$out" | grep '^warnings')"
out=$(qsubmit "$DB" 310000 "" <<'ROWS'
line 2,310000,digital_publishing_revenue,2019Q1,1050,,,,,
ROWS
)
expect_match "a typo in the same series (1050 for ~112) is flagged with the value it departs from" \
	'"message": "1,050 是你方 2018Q1 数值 112 的 9.4 倍；[^"]*（相对你方以往同比变化的稳健评分 [0-9.]+，阈值 3.5） / 1,050 is 9.4× your 2018Q1 value of 112; if it is right, no action is needed; if not, send the corrected value \(robust score [0-9.]+ against your own year-on-year changes; threshold 3.5\)"' "$out"
expect_match "... the warning carries indicator, period, rule and score" \
	'"rule": "modified_z_score".*"score": "[0-9.]+".*"period": "2019Q1".*"indicator": "digital_publishing_revenue"|"score": "[0-9.]+".*"period": "2019Q1"' "$out"
expect_match "... and the value is stored all the same" '^counts\|1\|0\|0\|0' "$out"

# ---- a stock with a short history: the tenfold rule

out=$(qsubmit "$DB" 110000 "" <<'ROWS'
line 2,110000,incubators,2018Q1,130,,,,,
line 3,110000,incubators,2018Q2,134,,,,,
ROWS
)
out=$(qsubmit "$DB" 110000 "" <<'ROWS'
line 2,110000,incubators,2018Q3,13200,,,,,
ROWS
)
expect_match "a typo against a short history: a tenfold change is flagged in words" \
	'13,200 is 98× your 2018Q2 value of 134; if it is right, no action is needed' "$out"
expect_match "... as a tenfold change, not a score" '"rule": "tenfold_change"' "$out"

# ---- a stock with a longer history, scored quarter-on-quarter

rows=""
v=200
n=2
for p in 2016Q1 2016Q2 2016Q3 2016Q4 2017Q1 2017Q2 2017Q3 2017Q4 2018Q1 2018Q2; do
	v=$((v + 3 + n % 3))
	rows+="line $n,120000,makerspaces,$p,$v,,,,,"$'\n'
	n=$((n + 1))
done
qsubmit "$DB" 120000 "" <<<"$rows" >/dev/null
out=$(qsubmit "$DB" 120000 "" <<'ROWS'
line 2,120000,makerspaces,2018Q3,246,,,,,
ROWS
)
expect_eq "a stock growing as usual is not flagged" 'warnings|[]' "$(printf '%s\n' "$out" | grep '^warnings')"
out=$(qsubmit "$DB" 120000 "" <<'ROWS'
line 2,120000,makerspaces,2018Q4,330,,,,,
ROWS
)
expect_match "a 34% jump in a stock that grows 2% a quarter is flagged quarter-on-quarter" \
	'330 is 34% above your 2018Q3 value of 246.*quarter-on-quarter' "$out"

q "update mestat.indicator set outlier_threshold = 1000 where code = 'makerspaces'" >/dev/null
out=$(qsubmit "$DB" 120000 "" <<'ROWS'
line 2,120000,makerspaces,2019Q1,440,,,,,
ROWS
)
expect_eq "the threshold is set per indicator: with 1000 the same kind of jump passes" 'warnings|[]' \
	"$(printf '%s\n' "$out" | grep '^warnings')"

out=$(qsubmit "$DB" 120000 "" <<'ROWS'
line 2,120000,makerspaces,2019Q2,900,,,B,,
ROWS
)
expect_eq "a value marked as a break in series (B) is not scored across the break" 'warnings|[]' \
	"$(printf '%s\n' "$out" | grep '^warnings')"

# ---- a short history, scored against the other provinces of the same quarter

for r in 320000 330000 340000 350000 360000 370000; do
	qsubmit "$DB" $r "" >/dev/null <<ROWS
line 2,$r,inspection_bodies,2018Q2,$((100 + ${r:1:1})),,,,,
line 3,$r,inspection_bodies,2018Q3,$((103 + ${r:1:1} * 2)),,,,,
ROWS
done
qsubmit "$DB" 410000 "" >/dev/null <<'ROWS'
line 2,410000,inspection_bodies,2018Q2,100,,,,,
ROWS
out=$(qsubmit "$DB" 410000 "" <<'ROWS'
line 2,410000,inspection_bodies,2018Q3,104,,,,,
ROWS
)
expect_eq "a change like the other provinces' is not flagged" 'warnings|[]' "$(printf '%s\n' "$out" | grep '^warnings')"
qsubmit "$DB" 420000 "" >/dev/null <<'ROWS'
line 2,420000,inspection_bodies,2018Q2,100,,,,,
ROWS
out=$(qsubmit "$DB" 420000 "" <<'ROWS'
line 2,420000,inspection_bodies,2018Q3,300,,,,,
ROWS
)
expect_match "a threefold change where the other provinces grew ~5% is flagged against them" \
	'300 is 3× your 2018Q2 value of 100, while the other [67] provinces changed by a median of \+[0-9]+%; if it is right, no action is needed; if not, send the corrected value \(robust score [0-9.]+ against the other provinces; threshold 3.5\)' \
	"$out"
expect_match "... rule modified_z_score_peers" '"rule": "modified_z_score_peers"' "$out"

# ---- follow-up: the plan office's list and decisions

expect_eq "report.follow_up lists the held values, open, for the evaluator" \
	"110000|incubators|2018Q3|13200|jump|open
120000|makerspaces|2018Q4|330|history|open
310000|digital_publishing_revenue|2019Q1|1050|history|open
420000|inspection_bodies|2018Q3|300|peers|open" \
	"$(db_q t_eval "$DB" "select reporter, indicator, period, value, kind, state from report.follow_up order by reporter")"
id=$(q "select id from mestat.follow_up where reporter = '110000'")
q "select mestat.resolve_follow_up($id, 'confirm', 'checked with the province: a merger of two registers')" >/dev/null
expect_eq "resolve_follow_up confirms, with who and the note" "confirmed|checked with the province: a merger of two registers|postgres" \
	"$(q "select state, note, decided_by from report.follow_up where id = $id")"
id=$(q "select id from mestat.follow_up where reporter = '310000'")
q "select mestat.resolve_follow_up($id, 'correct', 'please check 2019Q1')" >/dev/null
expect_eq "... or asks for a correction" "correction_requested" "$(q "select state from report.follow_up where id = $id")"
expect_match "an unknown decision is refused with the two choices" 'confirm .* or correct' \
	"$(db_err postgres "$DB" "select mestat.resolve_follow_up($id, 'maybe')")"
out=$(qsubmit "$DB" 120000 "" <<'ROWS'
line 2,120000,makerspaces,2018Q4,250,,,,,
ROWS
)
expect_eq "a newer value supersedes an open follow-up" "superseded" \
	"$(q "select state from report.follow_up where reporter = '120000' and period = '2018Q4'")"
expect_match "the daemon cannot decide a follow-up" 'permission denied' \
	"$(db_err t_daemon "$DB" "select mestat.resolve_follow_up($id, 'confirm')")"

out=$(qsubmit "$DB" 130000 "" <<'ROWS'
line 2,130000,incubators,2018Q3,77,,,,,t
ROWS
)
expect_eq "a sender's own follow-up mark (DHIS2 followup) lands in the follow-up list" "130000|incubators|reporter|open" \
	"$(q "select reporter, indicator, kind, state from report.follow_up where reporter = '130000'")"

# ---- a batch is scored as if its submissions came at once (064)

# Four provinces changed inspection_bodies by about 5% from 2019Q1 to
# 2019Q2: too few (5) to compare another province's change with. 430000 and
# 440000, each with a 2019Q1 value, send a threefold 2019Q2 in one batch.
# Each is scored on the provinces' values as they were before the batch, so
# neither sees the other's change: no fifth province, no comparison, and a
# threefold change is no tenfold jump. Once 440000's value is stored, the
# same change of 430000 sent alone has its five provinces and is held.
for r in 320000 330000 340000 350000 430000 440000; do
	qsubmit "$DB" $r "" >/dev/null <<ROWS
line 2,$r,inspection_bodies,2019Q1,$((100 + ${r:1:1})),,,,,
ROWS
done
for r in 320000 330000 340000 350000; do
	qsubmit "$DB" $r "" >/dev/null <<ROWS
line 2,$r,inspection_bodies,2019Q2,$((103 + ${r:1:1} * 2)),,,,,
ROWS
done
expect_eq "two threefold changes in one batch are not compared with each other" "430000|stored|1|0|0|0|
440000|stored|1|0|0|0|" \
	"$(db_batch "$DB" commit '430000||line 2,430000,inspection_bodies,2019Q2,300,,' \
		'440000||line 2,440000,inspection_bodies,2019Q2,300,,')"
out=$(qsubmit "$DB" 430000 "" <<'ROWS'
line 2,430000,inspection_bodies,2019Q2,301,,,,,
ROWS
)
expect_match "... but once one is stored, the other's change alone is compared with it and held" \
	'"rule": "modified_z_score_peers"' "$out"

# Each receipt of a batch warns of its own values held and of no other's:
# 510000 holds two, 520000 none, 530000 one (each a twentyfold rise with no
# history to score it against).
for r in 510000 520000 530000; do
	qsubmit "$DB" $r "" >/dev/null <<ROWS
line 2,$r,makerspaces,2020Q1,10,,,,,
line 3,$r,incubators,2020Q1,10,,,,,
ROWS
done
expect_eq "each submission of a batch is warned of its own values held, and only of them" "510000|stored|2|0|0|0|tenfold_change,tenfold_change
520000|stored|1|0|0|0|
530000|stored|1|0|0|0|tenfold_change" \
	"$(db_batch "$DB" commit '510000||line 2,510000,makerspaces,2020Q2,200,,
line 3,510000,incubators,2020Q2,200,,' '520000||line 2,520000,makerspaces,2020Q2,11,,' \
		'530000||line 2,530000,incubators,2020Q2,200,,')"

db_drop
