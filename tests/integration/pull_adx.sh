# pull_adx.sh - a [source] with format = adx pulls an ADX document (IHE
# QRPH, as DHIS2 exports it: dhis2-docs developer/web-api/data.md, "ADX data
# format") and stores it as a DHIS2 push: the province's codes mapped, a
# disaggregation mapped as DE.CATEGORY=OPTION.
. "$TOP/tests/lib.sh"
. "$TOP/tests/integration/pull_lib.sh"

root=$T_TMP/root
mkdir -p "$root"
cat >"$root/gd.adx.xml" <<'EOF2'
<?xml version="1.0" encoding="UTF-8"?>
<adx xmlns="urn:ihe:qrph:adx:2015" exported="2018-10-20T08:00:00Z">
  <group orgUnit="OU_GD" period="2018-07-01/P3M" dataSet="MESTAT_Q">
    <dataValue dataElement="INCUB" value="210"/>
    <dataValue dataElement="RETAIL" CHANNEL="ONLINE" value="1520.5"/>
  </group>
</adx>
EOF2
sim_start main "$root" || { not_ok "the simulator starts" "$(cat "$T_TMP/sim-main.err")"; exit 1; }

db=$(t_newdb)
conf=$T_TMP/mestatd.conf
t_conf "$conf" "$db"
source_section gd 440000 "https://127.0.0.1:$SIM_PORT/gd.adx.xml" adx >>"$conf"
t_migrate "$conf" 2>>"$T_TMP/mestatd.log"
q "select mestat.add_code_mapping('440000', 'dhis2_ou', 'OU_GD', '440000');
   select mestat.add_code_mapping('440000', 'dhis2_de', 'INCUB', 'incubators');
   select mestat.add_code_mapping('440000', 'dhis2_coc', 'RETAIL.CHANNEL=ONLINE', 'online_retail_sales')" >/dev/null
t_up "$conf"

if t_until 20 sql_true "select last_success is not null from mestat.source_state where name = 'gd'"; then
	ok "the ADX source is pulled"
else
	not_ok "the ADX source is pulled" "$(state gd "last_error_class, last_error")"
fi
expect_eq "... its values stored under mestat's codes" "incubators=210 online_retail_sales=1520.5" \
	"$(q "select string_agg(indicator || '=' || value, ' ' order by indicator) from mestat.current_value where reporter = '440000' and period = '2018Q3'")"
expect_eq "... as a pulled submission of format adx" "adx|pull" \
	"$(q "select format || '|' || via from mestat.submission where source = 'gd'")"
expect_eq "... source_state records the format" adx "$(state gd "format")"
