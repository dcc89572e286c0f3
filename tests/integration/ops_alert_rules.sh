# ops_alert_rules.sh - the shipped Prometheus alerting rules
# (etc/prometheus/mestat-rules.yml) are valid, name only metrics mestatd
# exports (docs/mestatd.8), and fire as their unit tests
# (ops_alert_rules.yml) expect, with promtool from Debian's prometheus.
. "$TOP/tests/lib.sh"

rules=$TOP/etc/prometheus/mestat-rules.yml
if ! command -v promtool >/dev/null; then
	not_ok "promtool is installed" "Debian package prometheus; tools/check installs it"
	exit 0
fi
out=$(promtool check rules "$rules" 2>&1)
if [ $? -eq 0 ]; then ok "promtool check rules accepts mestat-rules.yml"; else not_ok "promtool check rules" "$out"; fi

for m in $(grep -o 'mestat_[a-z_]*' "$rules" | sort -u); do
	if grep -q -- "$m" "$TOP/docs/mestatd.8"; then ok "the rules use $m, which mestatd(8) lists"
	else not_ok "the rules use only exported metrics" "$m is not in mestatd(8)"; fi
done

sed "s|RULES|$rules|" "$TOP/tests/integration/ops_alert_rules.yml" >"$T_TMP/rules_test.yml"
out=$(cd "$T_TMP" && promtool test rules rules_test.yml 2>&1)
if [ $? -eq 0 ]; then
	ok "promtool test rules: every alert fires when expected and not before"
else
	not_ok "promtool test rules" "$out"
fi
# The tests can fail: an alert that never fires is caught.
sed -e 's/> 3 \* 3600/> 300 * 3600/' "$rules" >"$T_TMP/broken-rules.yml"
sed "s|RULES|$T_TMP/broken-rules.yml|" "$TOP/tests/integration/ops_alert_rules.yml" >"$T_TMP/broken_test.yml"
if (cd "$T_TMP" && promtool test rules broken_test.yml >/dev/null 2>&1); then
	not_ok "promtool test rules fails for a rule that does not fire" "it passed"
else
	ok "promtool test rules fails for a rule that does not fire"
fi
