#!/bin/bash
# release_page.sh: with publish_public = yes a published release is readable
# without credentials at /releases/{period}: a printable page (rendered here
# to PDF by headless Chromium and read back with pdftotext) and its signed
# JSON; previews never are.
. "$TOP/tests/lib.sh"

for tool in chromium pdftotext pdfimages; do
	command -v "$tool" >/dev/null || { not_ok "$tool is installed (tools/lib/deps.sh)" "not found"; exit 0; }
done
db=$(t_newdb)
conf=$T_TMP/mestatd.conf
log=$T_TMP/mestatd.log
t_conf "$conf" "$db" "recompute_interval = 1h" "publish_public = yes" "web_root = $TOP/web"
t_up "$conf" "$log"
url=https://127.0.0.1:$T_PORT
status() { tail -n 1 <<<"$1"; }
wait_for() {
	local limit=$1 start=$SECONDS
	while [ $((SECONDS - start)) -lt "$limit" ]; do
		[ "$(q "$2")" = t ] && return 0
		sleep 0.3
	done
	echo timeout
}
mtok=$(q "select mestat.create_token('000000')")
ministry() {
	t_curl -H "Authorization: Bearer $mtok" -H 'Content-Type: application/json' \
		-d "{\"reporter\":\"000000\",\"period\":\"$1\",\"values\":[{\"indicator\":\"industry_st_platforms\",\"value\":$2}]}" \
		"$url/api/v1/submissions" | tail -n 1
}

# Two releases with one target moving between them (at risk, then on track).
[ "$(ministry 2016 1)$(ministry 2018 2)" = 201201 ] || not_ok "the ministry's values are accepted" "refused"
q "select mestat.publish_release('2020Q3')" >/dev/null
w1=$(wait_for 40 "select exists (select 1 from mestat.release where period = '2020Q3')")
[ "$(ministry 2018 3)" = 201 ] || not_ok "the ministry's revision is accepted" "refused"
q "select mestat.publish_release('2020Q4')" >/dev/null
w2=$(wait_for 40 "select exists (select 1 from mestat.release where period = '2020Q4')")
expect_eq "two releases are published" "" "$w1$w2"

out=$(t_curl -D "$T_TMP/page.h" "$url/releases/2020Q4")
expect_eq "the public page answers without credentials" 200 "$(status "$out")"
expect_match "... as HTML under a script-src 'self' policy" "script-src 'self'" "$(tr -d '\r' <"$T_TMP/page.h")"
expect_eq "the public JSON is the signed bytes" "$(q "select sha256 from mestat.release where period = '2020Q4'")" \
	"$(curl -s --cacert "$T_CERTS/ca.crt" "$url/releases/2020Q4.json" | sha256sum | cut -c1-64)"
expect_eq "the public list names both releases" "2020Q3 2020Q4" \
	"$(curl -s --cacert "$T_CERTS/ca.crt" "$url/releases/index.json" | jq -r '[.releases[].period] | join(" ")')"
expect_eq "a quarter not yet published is not public, not even as a preview" 404 \
	"$(status "$(t_curl "$url/releases/2021Q1.json")")"
expect_eq "the chart library is served from Debian's libjs-chart.js" 200 \
	"$(status "$(t_curl -o /dev/null "$url/releases/assets/chart.js")")"
expect_eq "... whole, byte for byte" "$(sha256sum </usr/share/javascript/chart.js/chart.min.js | cut -c1-64)" \
	"$(curl -s --cacert "$T_CERTS/ca.crt" "$url/releases/assets/chart.js" | sha256sum | cut -c1-64)"
expect_eq "the page's stylesheet is served whole, as CSS" "$(sha256sum <"$TOP/web/css/release.css" | cut -c1-64) text/css; charset=utf-8" \
	"$(curl -s --cacert "$T_CERTS/ca.crt" -D "$T_TMP/css.h" "$url/releases/assets/release.css" | sha256sum | cut -c1-64) $(tr -d '\r' <"$T_TMP/css.h" | sed -n 's/^[Cc]ontent-[Tt]ype: //p')"

# In the console: the same page, its data read with the console's session.
expect_match "the console serves the release page at /console/releases/2020Q4" '<script type="module" src="/releases/assets/release.js">' \
	"$(curl -s --cacert "$T_CERTS/ca.crt" "$url/console/releases/2020Q4")"
etok=$(q "select mestat.create_evaluator_token('alice')")
cookie=$(curl -s --cacert "$T_CERTS/ca.crt" -o /dev/null -D - -H "Origin: $url" --data-urlencode "token=$etok" \
	"$url/console/login" | tr -d '\r' | sed -n 's/^Set-Cookie: mestat_session=\([0-9a-f]*\);.*/\1/p')
out=$(t_curl -H "Cookie: mestat_session=$cookie" "$url/api/v1/releases/2021Q1")
expect_eq "an evaluator signed in to the console reads the 2021Q1 preview" "200|true" \
	"$(status "$out")|$(sed '$d' <<<"$out" | jq .preview)"

# The page, printed by Chromium.
timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-background-networking --no-first-run \
	--ignore-certificate-errors --user-data-dir="$T_TMP/chromium" --virtual-time-budget=10000 \
	--print-to-pdf="$T_TMP/release.pdf" "$url/releases/2020Q4" >"$T_TMP/chromium.log" 2>&1
if [ -s "$T_TMP/release.pdf" ]; then ok "headless Chromium prints the release page to PDF"; else
	not_ok "headless Chromium prints the release page to PDF" "$(tail -n 3 "$T_TMP/chromium.log")"
fi
pdftotext -layout "$T_TMP/release.pdf" "$T_TMP/release.txt" 2>/dev/null
text=$(tr -s ' \n' ' ' <"$T_TMP/release.txt")
expect_match "the PDF has the title in Chinese and English" '2020Q4 监测评估发布 Monitoring release 2020Q4' "$text"
expect_match "... the overview table" '总览 Overview.*industry_st_platforms' "$text"
expect_match "... what changed since the previous release, from 2020Q3" \
	'What changed since the previous release.*上次发布 Previous release: 2020Q3' "$text"
expect_match "... the target that moved, at risk to on track" \
	'Targets whose class moved.*典型行业分布式科技服务平台数.*存在风险 进展顺利 2 3 .*at risk on track' "$text"
expect_match "... the revision of 2018 by the ministry" '共修订 1 个数值 1 values revised' "$text"
sha=$(q "select sha256 from mestat.release where period = '2020Q4'")
expect_match "... the release's SHA-256 and its predecessor's" "${sha:0:24}.*$(q "select sha256 from mestat.release where period = '2020Q3'" | cut -c1-24)" \
	"$(tr -d ' \n' <"$T_TMP/release.txt")"
expect_match "... and the command that verifies the signature" 'openssl pkeyutl -verify -pubin -inkey mestat-receipt-key.pem' "$text"
images=$(pdfimages -list "$T_TMP/release.pdf" 2>/dev/null | tail -n +3 | wc -l)
if [ "$images" -ge 1 ]; then ok "the chart of the target that moved is drawn ($images image(s) in the PDF)"; else
	not_ok "the chart of the target that moved is drawn" "no image in the PDF"
fi

# The list page, printed the same way.
timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-background-networking --no-first-run \
	--ignore-certificate-errors --user-data-dir="$T_TMP/chromium" --virtual-time-budget=10000 \
	--print-to-pdf="$T_TMP/releases.pdf" "$url/releases/" >>"$T_TMP/chromium.log" 2>&1
list=$(pdftotext -layout "$T_TMP/releases.pdf" - 2>/dev/null | tr -s ' \n' ' ')
expect_match "the list page names both releases, newest first, with their release dates" \
	'Published .*2020Q4 1 2021-02-14 .*2020Q3 1 2020-11-14' "$list"
expect_match "... and the calendar with each quarter's status" '2020Q4 2021-01-30 2021-02-14 已发布 published' "$list"

t_stop
expect_eq "mestatd stops cleanly" 0 "$T_RC"
