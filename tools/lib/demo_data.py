#!/usr/bin/env python3
"""demo_data.py - realistic quarterly data for the 37 reporters and the
ministry, 2016Q1 to 2020Q4, and the scenario the demo plays with them.

  demo_data.py OUTDIR CATALOG.json

CATALOG.json is GET /api/v1/catalog. Writes, deterministically (fixed seed):
  OUTDIR/scenario.json   who pushes (native or DHIS2), who publishes for pull
                         (json, csv, sdmx-csv), and the special cases
  OUTDIR/push/R/P.json   one native JSON body per pushing reporter and quarter
  OUTDIR/dhis2/R/P.json  one DHIS2 dataValueSets body (the reporter's own UIDs)
  OUTDIR/pull/R.EXT      all quarters of a publishing reporter in one file
  OUTDIR/ministry/Y.json the national-only annual indicators, per year (2015:
                         the base-year values of the plan's directions)
  OUTDIR/annual/R/Y.json provincial annual indicators, per reporter and year

Shapes: each province has a size; each indicator a 2016 level per size unit,
a yearly growth and, for flows, a seasonal pattern (Q1 low, Q4 high); stocks
grow smoothly and never fall; online_retail_share is online_retail_sales over
retail_sales_total. A few provinces are late (no 2020Q4), one misses 2019Q2,
one revises a value, one first sends a bad row and then fixes it.
"""
import csv, io, json, os, random, sys

out, catalog_file = sys.argv[1], sys.argv[2]
cat = json.load(open(catalog_file))
rnd = random.Random(2017)

reporters = [r for r in cat["reporters"] if r["kind"] not in ("ministry", "department")]
ministry = [r for r in cat["reporters"] if r["kind"] == "ministry"][0]["code"]
ind = {i["code"]: i for i in cat["indicators"]}
quarterly = sorted(c for c, i in ind.items() if i["scope"] == "provincial" and i["periodicity"] == "quarterly")
annual = sorted(c for c, i in ind.items() if i["scope"] == "provincial" and i["periodicity"] == "annual")
QUARTERS = [f"{y}Q{q}" for y in range(2016, 2021) for q in range(1, 5)]
YEARS = list(range(2016, 2021))

# Level per size unit in 2016 (quarterly flows: per quarter) and yearly growth.
PROFILE = {
    "modern_service_value_added": (900, 0.08), "ecommerce_turnover": (600, 0.18), "cross_border_ecommerce": (25, 0.30),
    "online_retail_sales": (120, 0.22), "retail_sales_total": (800, 0.08), "express_parcels": (5000, 0.25),
    "digital_publishing_revenue": (12, 0.15), "online_course_enrolments": (40, 0.35), "ip_pledge_financing": (6, 0.20),
    "tech_contract_turnover": (60, 0.17), "venture_capital_invested": (20, 0.12), "tech_contracts": (1500, 0.10),
    "connected_vehicle_users": (15, 0.45), "culture_tech_enterprises": (90, 0.09), "digital_life_pilots": (3, 0.20),
    "fintech_enterprises": (60, 0.14), "incubated_enterprises": (1200, 0.11), "incubators": (30, 0.10),
    "inspection_bodies": (150, 0.04), "ip_service_institutions": (80, 0.09), "makerspaces": (40, 0.16),
    "shared_instruments": (300, 0.07), "smart_elderly_care_institutions": (10, 0.25), "st_consulting_institutions": (70, 0.05),
    "tech_transfer_institutions": (15, 0.08), "telemedicine_institutions": (20, 0.22), "third_party_medical_centres": (8, 0.18),
    "cold_chain_capacity": (150, 0.10), "enterprise_tech_centres": (40, 0.05), "service_st_investment": (30, 0.09),
    "smart_museums": (2, 0.30), "st_service_revenue": (200, 0.12),
}
SEASON = [0.85, 0.97, 1.00, 1.18]

def size(code):
    r = random.Random(code)
    return round(r.lognormvariate(0, 0.6), 3)

def series(code, indicator):
    """Values per quarter (or per year for annual indicators) for one reporter."""
    level, growth = PROFILE.get(indicator, (50, 0.08))
    r = random.Random(f"{code}/{indicator}")
    s = size(code)
    g = growth * r.uniform(0.5, 1.4)
    if r.random() < 0.06:           # a province where it stalls: off track / moving away
        g = r.uniform(-0.04, 0.004)
    i = ind[indicator]
    vals = []
    steps = YEARS if i["periodicity"] == "annual" else QUARTERS
    for k, _ in enumerate(steps):
        t = k if i["periodicity"] == "annual" else k / 4
        v = level * s * (1 + g) ** t * r.uniform(0.97, 1.03)
        if i["measure"] == "flow" and i["periodicity"] == "quarterly":
            v *= SEASON[k % 4]
        if i["value_type"] == "integer":
            v = max(0, round(v))
            if i["measure"] == "stock" and vals:
                v = max(v, vals[-1] if g >= 0 else 0)
        else:
            v = round(v, 2)
        vals.append(v)
    return vals

def province_values(code):
    data = {q: {} for q in QUARTERS}
    for c in quarterly:
        if c == "online_retail_share":
            continue
        for q, v in zip(QUARTERS, series(code, c)):
            data[q][c] = v
    if "online_retail_share" in ind:
        for q in QUARTERS:
            data[q]["online_retail_share"] = round(100 * data[q]["online_retail_sales"] / data[q]["retail_sales_total"], 2)
    years = {y: {c: series(code, c)[k] for c in annual} for k, y in enumerate(YEARS)}
    return data, years

# Who does what.
codes = [r["code"] for r in reporters]
order = codes[:]
rnd.shuffle(order)
pull = sorted(order[:12])
pushers = sorted(order[12:])
dhis2 = sorted(pushers[:5])
formats = ["json", "csv", "sdmx-csv"]
pull_format = {c: formats[k % 3] for k, c in enumerate(pull)}
native = [c for c in pushers if c not in dhis2]
late = sorted(native[-3:])                 # have not sent 2020Q4 yet
missing_quarter = native[0]                # never sent 2019Q2
reviser = native[1]                        # corrects a 2018Q3 value later
bad_row = native[2]                        # first 2020Q3 push has a negative count
scenario = {
    "push_native": native, "push_dhis2": dhis2, "pull": pull_format, "late": late,
    "missing_quarter": {"reporter": missing_quarter, "period": "2019Q2"},
    "revision": {"reporter": reviser, "period": "2018Q3", "indicator": "tech_contract_turnover"},
    "bad_row": {"reporter": bad_row, "period": "2020Q3", "indicator": "incubators"},
    "quarters": QUARTERS, "ministry": ministry,
}

def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)

def uid(prefix, code):
    return (prefix + code + "X" * 11)[:11]

dhis2_maps = {}
for code in codes:
    q, years = province_values(code)
    for y, vals in years.items():
        write(f"{out}/annual/{code}/{y}.json", json.dumps(
            {"reporter": code, "period": str(y), "values": [{"indicator": c, "value": v} for c, v in sorted(vals.items())]}))
    if code in pull_format:
        # A publishing province puts every quarter and year in one file.
        cells = [(p, c, v) for p in QUARTERS for c, v in sorted(q[p].items())]
        cells += [(str(y), c, v) for y in YEARS for c, v in sorted(years[y].items())]
        fmt = pull_format[code]
        if fmt == "json":
            body = json.dumps({"reporter": code, "values": [
                {"indicator": c, "period": p, "value": v} for p, c, v in cells]})
            write(f"{out}/pull/{code}.json", body)
        elif fmt == "csv":
            buf = io.StringIO()
            w = csv.writer(buf, lineterminator="\r\n")
            w.writerow(["reporter", "indicator", "period", "value", "comment"])
            for p, c, v in cells:
                w.writerow([code, c, p, v, ""])
            write(f"{out}/pull/{code}.csv", buf.getvalue())
        else:
            buf = io.StringIO()
            w = csv.writer(buf, lineterminator="\n")
            w.writerow(["DATAFLOW", "REF_AREA", "INDICATOR", "TIME_PERIOD", "OBS_VALUE"])
            for p, c, v in cells:
                w.writerow(["MESTAT:QSERV(1.0)", code, c, f"{p[:4]}-{p[4:]}" if "Q" in p else p, v])
            write(f"{out}/pull/{code}.sdmx.csv", buf.getvalue())
        continue
    for p in QUARTERS:
        if code in late and p == "2020Q4":
            continue
        if code == missing_quarter and p == "2019Q2":
            continue
        vals = q[p]
        if code in dhis2:
            ou = uid("OU", code)
            des = {c: uid("DE" + str(k), code[:2]) for k, c in enumerate(sorted(vals))}
            dhis2_maps[code] = {"orgUnit": ou, "dataElements": des}
            write(f"{out}/dhis2/{code}/{p}.json", json.dumps({
                "dataSet": "MestatQuarter", "completeDate": "", "period": p, "orgUnit": ou,
                "dataValues": [{"dataElement": des[c], "categoryOptionCombo": "HllvX50cXC0",
                                "value": str(v)} for c, v in sorted(vals.items())]}))
            continue
        body = {"reporter": code, "period": p,
                "values": [{"indicator": c, "value": v} for c, v in sorted(vals.items())]}
        if code == bad_row and p == "2020Q3":
            broken = json.loads(json.dumps(body))
            for row in broken["values"]:
                if row["indicator"] == "incubators":
                    row["value"] = -row["value"]
                    row["comment"] = "sign typed wrongly"
            write(f"{out}/push/{code}/{p}.bad.json", json.dumps(broken))
        write(f"{out}/push/{code}/{p}.json", json.dumps(body))
        if code == reviser and p == "2018Q3":
            fixed = json.loads(json.dumps(body))
            fixed["values"] = [dict(v, value=round(v["value"] * 1.04, 2), comment="revised after audit")
                               for v in fixed["values"] if v["indicator"] == "tech_contract_turnover"]
            write(f"{out}/push/{code}/{p}.revision.json", json.dumps(fixed))
scenario["dhis2_maps"] = dhis2_maps

# The ministry: national-only annual indicators, shaped to the plan's targets.
NATIONAL = {
    "national_centres_labs": [3, 6, 9, 12, 14],            # range 10-20: achieved
    "regional_st_platforms": [2, 4, 6, 7, 8],              # range 10-15: not reached
    "industry_st_platforms": [1, 2, 3, 4, 5],              # point 5: achieved
    "field_projects_deployed": [251, 266, 280, 297, 313],  # the 12th FYP deployed 238: context
    "demo_cities": [7, 8, 8, 9, 9],
    "industrialization_demo_bases": [62, 63, 63, 63, 62],  # stalls
    "culture_tech_demo_bases": [34, 36, 38, 41, 43],
    "logistics_cost_gdp_ratio": [14.9, 14.6, 14.8, 14.7, 14.7],  # lower is better
    "st_contribution_service_va": [43.1, 44.0, 45.2, 46.1, 47.5],
    "intl_standards": [4, 9, 13, 16, 21], "national_standards": [40, 71, 98, 130, 166],
    "industry_solutions": [12, 25, 39, 50, 64], "service_think_tanks": [3, 5, 6, 8, 9],
    "col1_demo_launched": [2, 4, 5, 5, 5], "col1_demo_completed": [0, 0, 1, 3, 4],
    "col2_demo_launched": [1, 2, 3, 3, 3], "col2_demo_completed": [0, 0, 1, 1, 2],
    "col3_demo_launched": [3, 6, 8, 10, 10], "col3_demo_completed": [0, 1, 3, 6, 8],
    "col4_demo_launched": [2, 4, 6, 7, 7], "col4_demo_completed": [0, 1, 2, 2, 3],
    # The parts of the 10-20 (二(三)); built since 2016.
    "national_eng_research_centres": [1, 2, 3, 5, 6], "national_key_labs_service": [1, 2, 3, 3, 4],
    "national_enterprise_tech_centres": [1, 2, 3, 4, 4], "testing_platforms_national": [2, 4, 6, 8, 10],
    "talent_programme_service_share": [8.3, 8.9, 9.4, 10.1, 10.8],
}
# The base year: values the ministry reports for 2015, the base of the plan's directions.
BASE_2015 = {"st_contribution_service_va": 42.0, "talent_programme_service_share": 8.0}
# The columns' listed items: each launched project is filed under one item.
# Column 3's projects cluster on its first 7 items, so 3 of its 10 stay uncovered.
ITEMS = {1: 5, 2: 3, 3: 10, 4: 7}
SPREAD = {1: 5, 2: 3, 3: 7, 4: 7}
for col, n in ITEMS.items():
    launched = NATIONAL[f"col{col}_demo_launched"]
    for j in range(n):
        NATIONAL[f"col{col}_item{j + 1}_projects"] = [sum(1 for p in range(total) if p % SPREAD[col] == j)
                                                      for total in launched]
write(f"{out}/ministry/2015.json", json.dumps({"reporter": ministry, "period": "2015", "values": [
    {"indicator": c, "value": v} for c, v in sorted(BASE_2015.items()) if c in ind]}))
for k, y in enumerate(YEARS):
    vals = [{"indicator": c, "value": v[k]} for c, v in sorted(NATIONAL.items()) if c in ind]
    write(f"{out}/ministry/{y}.json", json.dumps({"reporter": ministry, "period": str(y), "values": vals}))
write(f"{out}/scenario.json", json.dumps(scenario, indent=1))
print(f"{len(native)} native pushers, {len(dhis2)} DHIS2 pushers, {len(pull)} published for pull", file=sys.stderr)
