#!/usr/bin/python3
"""console_test.py - the console in a real browser (Debian's chromium, driven
by chromedriver through python3-selenium), against a running mestatd.

  console_test.py BASE_URL OUTDIR

Environment: EVAL_TOKEN (an evaluator's token), REP_TOKEN and REP_CODE (a
province's token and code), PGHOST/PGPORT/T_DB (the database mestatd uses,
read with psql to compare what the pages show with what the views hold).

Prints one "ok - ..." or "not ok - ...: detail" line per check; saves a
screenshot (1280×800 and the whole page) and an A4 PDF of every page in OUTDIR.
"""
import base64, json, os, re, shutil, signal, subprocess, sys, tempfile

import urllib3
from selenium import webdriver
from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

BASE, OUT = sys.argv[1].rstrip("/"), sys.argv[2]
PROFILE = tempfile.mkdtemp(prefix="chromium-profile-")
failures = 0
checks = 0  # lines printed, ok or not


def ok(name):
    global checks
    checks += 1
    print(f"ok - {name}", flush=True)


def not_ok(name, detail):
    global failures, checks
    failures += 1
    checks += 1
    print(f"not ok - {name}: {' '.join(str(detail).split())[:600]}", flush=True)


def check(name, cond, detail=""):
    ok(name) if cond else not_ok(name, detail)


def psql(sql):
    """Rows of SQL as lists of strings (NULL as None)."""
    out = subprocess.run(["psql", "-X", "-tA", "-F", "\t", "-P", "null=\\N", "-U", "postgres", "-d", os.environ["T_DB"], "-c", sql],
                         capture_output=True, text=True, check=True).stdout
    return [[None if c == "\\N" else c for c in line.split("\t")] for line in out.splitlines() if line != ""]


def one(sql):
    rows = psql(sql)
    return rows[0][0] if rows else None


def same_number(shown, value):
    """Does the text shown (grouped, rounded) stand for value?"""
    if value is None:
        return shown.strip() in ("—", "")
    t = shown.strip().replace(",", "").replace("%", "").strip()
    try:
        n = float(t)
    except ValueError:
        return False
    decimals = len(t.split(".")[1]) if "." in t else 0
    return abs(n - float(value)) <= 0.5 * 10 ** -decimals + 1e-9


def browser():
    o = webdriver.ChromeOptions()
    o.binary_location = "/usr/bin/chromium"
    for a in ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
              "--disable-background-networking", "--disable-component-update", "--disable-sync",
              "--disable-dev-shm-usage", "--window-size=1280,800", "--lang=zh-CN",
              "--ignore-certificate-errors", f"--user-data-dir={PROFILE}"]:
        o.add_argument(a)
    o.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    d = webdriver.Chrome(service=Service("/usr/bin/chromedriver", log_path=os.path.join(OUT, "chromedriver.log")), options=o)
    d.set_page_load_timeout(60)
    d.set_script_timeout(60)
    return d


def problems(d):
    """Errors and CSP violations the browser logged since the last call."""
    bad = []
    for e in d.get_log("browser"):
        msg = e.get("message", "")
        if e.get("level") == "SEVERE" or "Content Security Policy" in msg or "Refused to" in msg:
            bad.append(f"{e.get('level')}: {msg}")
    return bad


def wait_ready(d, seconds=60):
    try:
        WebDriverWait(d, seconds).until(lambda x: x.execute_script("return document.body && document.body.dataset.ready"))
    except TimeoutException:
        return "timeout"
    return d.execute_script("return document.body.dataset.ready")


def shoot(d, name):
    d.set_window_size(1280, 800)
    d.save_screenshot(os.path.join(OUT, f"{name}.png"))
    h = d.execute_script("return document.documentElement.scrollHeight")
    d.set_window_size(1280, min(max(h, 800), 6000))
    d.save_screenshot(os.path.join(OUT, f"{name}-full.png"))
    d.set_window_size(1280, 800)
    pdf = d.execute_cdp_cmd("Page.printToPDF", {"paperWidth": 8.27, "paperHeight": 11.69, "printBackground": True})
    data = base64.b64decode(pdf["data"])
    with open(os.path.join(OUT, f"{name}.pdf"), "wb") as f:
        f.write(data)
    return data


def open_page(d, path, name, who):
    """Open a page, wait until it is drawn, check its log, save its pictures."""
    d.get(f"{BASE}/console/{path}")
    state = wait_ready(d)
    if d.find_elements(By.CSS_SELECTOR, "canvas"):
        try:
            WebDriverWait(d, 30).until(lambda x: x.execute_script(
                "return [...document.querySelectorAll('canvas')].every(c => c.dataset.rendered === 'true')"))
        except TimeoutException:
            state = "chart not rendered"
    shown_error = d.execute_script("const e = document.querySelector('.error'); return e ? e.textContent : ''")
    check(f"{who}: {name} is drawn ({path})", state == "true", f"state {state}; {shown_error}")
    log = problems(d)
    check(f"{who}: {name} logs no JavaScript error and no CSP violation", not log, "; ".join(log))
    pdf = shoot(d, f"{who}-{name}")
    check(f"{who}: {name} prints to an A4 PDF", pdf.startswith(b"%PDF") and len(pdf) > 2000, f"{len(pdf)} bytes")
    return state == "true"


def texts(d, css):
    return [e.text for e in d.find_elements(By.CSS_SELECTOR, css)]


def api(d, path):
    """The read API as the signed-in browser sees it: [status, body]."""
    return d.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch(arguments[0], {credentials: 'same-origin'}).then(async r => done([r.status, await r.text()])).catch(e => done([0, String(e)]));",
        path)


def sign_in(d, token, who):
    d.get(f"{BASE}/console/login.html")
    WebDriverWait(d, 30).until(lambda x: x.find_elements(By.NAME, "token"))
    log = problems(d)
    check(f"{who}: the sign-in page logs no error", not log, "; ".join(log))
    shoot(d, f"{who}-login")
    d.find_element(By.NAME, "token").send_keys(token)
    d.find_element(By.CSS_SELECTOR, "form#login button[type=submit]").click()
    state = wait_ready(d)
    return state


def table_rows(d, table_id, key_attr):
    """{key: {data-col: text}} for the rows of a table drawn by ui.js."""
    return d.execute_script("""
        const out = {};
        for (const tr of document.querySelectorAll(`#${arguments[0]} tbody tr`)) {
            const cells = {};
            for (const td of tr.querySelectorAll('td[data-col]')) {
                const v = td.querySelector('.v');
                const b = td.querySelector('[data-class]');
                const t = td.querySelector('[data-trend]');
                const k = td.querySelector('[data-basis]');
                cells[td.dataset.col] = v ? v.textContent : td.textContent;
                if (b) cells['@class'] = b.dataset.class;
                if (t) cells['@trend'] = t.dataset.trend;
                if (td.querySelector('.cls-sym')) cells['@class-symbol'] = td.querySelector('.cls-sym').textContent;
                if (k) { cells['@basis'] = k.dataset.basis; cells['@basis-label'] = k.querySelector('.basis-tag').textContent; }
                const pw = td.querySelector('.plan-words');
                if (pw) cells['@plan-words'] = pw.textContent;
                const rd = td.querySelector('.reading');
                if (rd) cells['@reading'] = rd.title;
            }
            out[tr.getAttribute(arguments[1])] = cells;
        }
        return out;""", table_id, key_attr)


def check_readings(who, where, shown, want):
    """The basis, plan words, reading notes and the class or trend of every row
    against the view's columns; want: {indicator: dict of the view's columns}."""
    bad = [k for k, w in want.items() if k not in shown or shown[k].get("@basis") != w["basis"]
           or not shown[k].get("@basis-label", "").startswith(w["basis_zh"] or "") or (w["basis_en"] or "") not in shown[k].get("@basis-label", "")]
    check(f"{who}: {where}: the basis shown equals the view's basis and its labels on every row", not bad and want,
          "; ".join(f"{k}: shown {shown.get(k, {}).get('@basis')} {shown.get(k, {}).get('@basis-label')!r}, view {want[k]['basis']}" for k in bad[:3]))
    bad = [k for k, w in want.items() if k in shown and w["plan_words"] and w["plan_words"] not in shown[k].get("@plan-words", "")]
    check(f"{who}: {where}: the plan's words are shown where the view has them", not bad, f"{bad[:3]}")
    bad = [k for k, w in want.items() if k in shown and not all(x in shown[k].get("@reading", "") for x in (w["reading_zh"], w["reading_en"]) if x)]
    check(f"{who}: {where}: the reading notes (zh, en) are those of the view", not bad, f"{bad[:3]}")
    mon = {k: w for k, w in want.items() if w["class"] is None}
    bad = [k for k, w in mon.items() if k not in shown or shown[k].get("@trend") != (w["trend"] or "") or "@class" in shown[k] or "@class-symbol" in shown[k]]
    check(f"{who}: {where}: the {len(mon)} rows without a class show the view's trend and never a class symbol", not bad and mon,
          "; ".join(f"{k}: shown {shown.get(k)}, view trend {mon[k]['trend']}" for k in bad[:3]))
    bad = [k for k, w in mon.items() if k in shown and w["trend_growth"] is not None and w["trend"] and "%" not in shown[k].get("class", "")]
    check(f"{who}: {where}: a trend is shown with its growth rate", not bad, f"{bad[:3]}")
    bad = [k for k, w in want.items() if w["class"] is not None and (k not in shown or "@trend" in shown[k])]
    check(f"{who}: {where}: rows with a class show no trend badge", not bad, f"{bad[:3]}")


READING_COLUMNS = ["indicator", "class", "basis", "basis_zh", "basis_en", "plan_words", "reading_zh", "reading_en", "trend", "trend_growth"]


def view_rows(sql_from):
    return {r[0]: dict(zip(READING_COLUMNS, r)) for r in psql(f"select {', '.join(READING_COLUMNS)} {sql_from}")}


def evaluator(d):
    who = "evaluator"
    state = sign_in(d, os.environ["EVAL_TOKEN"], who)
    check(f"{who}: signing in with the token form opens the overview", state == "true" and re.search(r"/console/(index\.html)?$", d.current_url),
          f"state {state} at {d.current_url}")
    check(f"{who}: the navigation bar names the evaluator", "alice" in d.find_element(By.ID, "who").text, d.find_element(By.ID, "who").text)
    try:
        as_of = WebDriverWait(d, 20).until(lambda x: x.find_elements(By.ID, "data-as-of"))[0].text
    except TimeoutException:
        as_of = ""
    check(f"{who}: the navigation bar says how current the data is (data as of …, from /healthz)",
          re.search(r"data as of \d{4}-\d{2}-\d{2} \d{2}:\d{2}", as_of), as_of)
    session = api(d, "/api/v1/session")
    check(f"{who}: the session cookie is HttpOnly (not visible to scripts)", "session" not in d.execute_script("return document.cookie").lower() or
          d.execute_script("return document.cookie") == "", d.execute_script("return document.cookie"))

    # Overview
    if open_page(d, "index.html", "overview", who):
        want = {r[0]: r[1:] for r in psql("select indicator, class, actual_value from report.progress")}
        shown = table_rows(d, "progress-table", "data-indicator")
        check(f"{who}: overview lists every target of report.progress", set(shown) == set(want), f"shown {len(shown)}, view {len(want)}")
        bad = [k for k in want if k in shown and (shown[k].get("@class") != want[k][0] or not same_number(shown[k].get("actual_value", ""), want[k][1]))]
        check(f"{who}: overview's classes and latest values equal report.progress", not bad and shown,
              "; ".join(f"{k}: shown {shown[k]}, view {want[k]}" for k in bad[:3]))
        want_src = {r[0]: r[1] for r in psql("select indicator, source from report.progress"
                                             " where source is not null and (source <> 'ministry' or national_source is not null)")}
        shown_src = d.execute_script("return Object.fromEntries([...document.querySelectorAll('#progress-table tbody tr')]"
                                     ".map(tr => [tr.dataset.indicator, tr.querySelector('[data-source]')?.dataset.source]).filter(x => x[1]))")
        bad = [k for k in shown if shown_src.get(k) != want_src.get(k)]
        check(f"{who}: overview shows the source of each national figure as report.progress names it",
              not bad and any(k in want_src for k in shown), "; ".join(f"{k}: shown {shown_src.get(k)}, view {want_src.get(k)}" for k in bad[:3]))
        tile = lambda t: d.execute_script(f"const e = document.querySelector('#{t} [data-value]'); return e ? e.dataset.value : null")
        check(f"{who}: overview's overdue count equals report.overdue", tile("tile-overdue") == one("select count(*) from report.overdue"),
              f"shown {tile('tile-overdue')}")
        asof = one("select max(as_of_period) from report.progress")
        check(f"{who}: overview's complete reports of {asof} equal report.completeness",
              tile("tile-complete") == one(f"select count(*) from report.completeness where period = '{asof}' and missing = 0"), f"shown {tile('tile-complete')}")
        counts = dict(psql("select class, count(*) from report.progress where class is not null group by class"))
        bad = [c for c, n in counts.items() if tile(f"tile-class-{c}") != n]
        check(f"{who}: overview's count per class equals report.progress (rows with a class)", not bad and counts, f"{bad}: {counts}")
        mon = one("select count(*) from report.progress where basis = 'monitoring'")
        check(f"{who}: overview's monitoring tile counts report.progress's monitoring rows", tile("tile-monitoring") == mon and mon != "0", f"shown {tile('tile-monitoring')}, view {mon}")
        trends = dict(psql("select t, count(p.trend) from unnest(array['rising', 'stable', 'falling']) t left join report.progress p on p.trend = t and p.basis = 'monitoring' group by t"))
        shown_trends = d.execute_script("return Object.fromEntries([...document.querySelectorAll('#tile-monitoring [data-trend]')].map(e => [e.dataset.trend, e.dataset.value]))")
        check(f"{who}: overview's monitoring tile counts each trend as report.progress does", shown_trends == trends, f"shown {shown_trends}, view {trends}")
        check_readings(who, "overview", table_rows(d, "progress-table", "data-indicator"), view_rows("from report.progress"))
        order = d.execute_script("return [...document.querySelectorAll('#progress-table tbody tr')].map(tr => tr.dataset.indicator)")
        want_order = [r[0] for r in psql("select indicator from report.progress order by sort_key, indicator")]
        check(f"{who}: overview's rows are in the plan's order (sort_key)", order == want_order, f"shown {order[:5]}, view {want_order[:5]}")
        part = psql("select indicator, latest_period from report.progress where latest_period is not null")
        bad = [i for i, p in part if not d.find_elements(By.CSS_SELECTOR, f"#progress-table tr[data-indicator='{i}'] [data-latest-period='{p}']")]
        check(f"{who}: a part-reported later period is shown with its coverage ({len(part)} rows)", not bad, f"{bad[:3]}")
        legend_classes = d.execute_script("return [...document.querySelectorAll('#legend [data-class]')].map(e => e.dataset.class)")
        check(f"{who}: the legend shows not achieved (未实现) with its own symbol", "not_achieved" in legend_classes and
              d.execute_script("const e = document.querySelector('#legend [data-class=not_achieved]'); return e.textContent.includes('✗') && e.textContent.includes('未实现')"),
              f"{legend_classes}")
        nav = d.find_element(By.ID, "nav-releases").get_attribute("href")
        check(f"{who}: the navigation bar links to the releases list (/console/releases/)", nav.endswith("/console/releases/"), nav)
        href = d.find_element(By.CSS_SELECTOR, "#downloads a").get_attribute("href")
        status, head, body = d.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "fetch(arguments[0], {credentials: 'same-origin'}).then(async r => { const b = new Uint8Array(await r.arrayBuffer());"
            " done([r.status, Array.from(b.slice(0, 3)), new TextDecoder().decode(b)]); }).catch(e => done([0, [], String(e)]));", href)
        lines = body.splitlines()
        check(f"{who}: the overview's CSV download is report.progress with a BOM and a header",
              status == 200 and head == [0xEF, 0xBB, 0xBF] and lines and "indicator" in lines[0].split(",") and len(lines) - 1 == int(one("select count(*) from report.progress")),
              f"status {status}, {len(lines)} lines, starts {body[:40]!r}")
        worst = one("select class from report.progress where class not in ('achieved', 'on_track', 'insufficient_data') order by class limit 1")
        if worst:
            d.find_element(By.ID, f"tile-class-{worst}").click()
            shown = table_rows(d, "progress-table", "data-indicator")
            want = {r[0] for r in psql(f"select indicator from report.progress where class = '{worst}'")}
            check(f"{who}: clicking the {worst} tile lists exactly the {worst} targets", set(shown) == want, f"shown {sorted(shown)}, view {sorted(want)}")
            d.find_element(By.ID, f"tile-class-{worst}").click()

    # Scorecard
    if open_page(d, "scorecard.html", "scorecard", who):
        want = {(r[0], r[1]): r[2] for r in psql("select reporter, indicator, class from report.progress_by_reporter where class is not null")}
        cells = d.execute_script("""return [...document.querySelectorAll('#scorecard td.cell[data-class]')]
            .map(td => [td.closest('tr').dataset.reporter, td.dataset.indicator, td.dataset.class]);""")
        shown = {(r, i): c for r, i, c in cells}
        check(f"{who}: scorecard cells equal report.progress_by_reporter's classes (rows with a class)", shown == want and want,
              f"{len(shown)} cells, {len(want)} rows; differ: {[k for k in want if shown.get(k) != want[k]][:3]}")
        want_t = {(r[0], r[1]): r[2] or "" for r in psql("select reporter, indicator, trend from report.progress_by_reporter where class is null")}
        cells = d.execute_script("""return [...document.querySelectorAll('#scorecard td.cell[data-trend]')]
            .map(td => [td.closest('tr').dataset.reporter, td.dataset.indicator, td.dataset.trend, td.className]);""")
        shown_t = {(r, i): t for r, i, t, _ in cells}
        coloured = [c for c in cells if " c-" in f" {c[3]}"]
        check(f"{who}: scorecard's monitoring cells show report.progress_by_reporter's trends, in no class colour", shown_t == want_t and want_t and not coloured,
              f"{len(shown_t)} cells, {len(want_t)} rows; differ: {[k for k in want_t if shown_t.get(k) != want_t[k]][:3]}; coloured {coloured[:2]}")
        asked = d.execute_script("return performance.getEntriesByType('resource').map(e => e.name).filter(n => n.includes('/report/progress_by_reporter') && n.includes('limit='))")
        check(f"{who}: the scorecard asks report.progress_by_reporter only for the columns it shows (columns=)",
              asked and all("columns=" in u for u in asked), asked[:2])
        check(f"{who}: the scorecard pages by reporter (reporter.gte), not by OFFSET",
              asked and not any("offset=" in u for u in asked), asked[:2])
        r0 = psql("select reporter, indicator, unit_zh, period from report.progress_by_reporter where class is not null order by reporter, indicator limit 1")[0]
        title = d.execute_script(f"const td = document.querySelector('#scorecard tr[data-reporter=\"{r0[0]}\"] td.cell[data-indicator=\"{r0[1]}\"]'); return td ? td.title : ''")
        check(f"{who}: a scorecard cell's title still carries the row's unit and period", f"{r0[2] or ''} ({r0[3] or ''})" in title, title)
        if "not_achieved" in want.values():
            sym = d.execute_script("const td = document.querySelector('#scorecard td.cell[data-class=not_achieved]'); return td ? td.textContent : null")
            check(f"{who}: a not-achieved target has its own symbol on the scorecard", sym == "✗", sym)
        first = d.find_element(By.CSS_SELECTOR, "#scorecard th.ind")
        first.click()
        first.click()
        order = d.execute_script("return [...document.querySelectorAll('#scorecard tbody tr')].map(tr => tr.dataset.reporter)")
        check(f"{who}: sorting the scorecard by an indicator keeps every reporter", sorted(order) == sorted({k[0] for k in want}), f"{len(order)} rows")
        kind = one("select reporter_kind from report.progress_by_reporter group by 1 order by count(*) limit 1")
        Select(d.find_element(By.ID, "kind")).select_by_value(kind)
        want_reps = {r[0] for r in psql(f"select distinct reporter from report.progress_by_reporter where reporter_kind = '{kind}'")}
        try:
            WebDriverWait(d, 30).until(lambda x: set(x.execute_script("return [...document.querySelectorAll('#scorecard tbody tr')].map(tr => tr.dataset.reporter)")) == want_reps)
            ok(f"{who}: the scorecard's kind filter ({kind}) shows exactly those reporters")
        except TimeoutException:
            not_ok(f"{who}: the scorecard's kind filter ({kind}) shows exactly those reporters", f"want {sorted(want_reps)}")
        d.find_element(By.CSS_SELECTOR, "#scorecard td.cell[data-class]").click()
        WebDriverWait(d, 30).until(lambda x: "province.html" in x.current_url)
        ok(f"{who}: a scorecard cell opens the province page")
        wait_ready(d)
        problems(d)

    # Province
    code = os.environ["REP_CODE"]
    if open_page(d, f"province.html?reporter={code}", "province", who):
        want = {r[0]: r[1:] for r in psql(f"select indicator, class, actual_value from report.progress_by_reporter where reporter = '{code}'")}
        shown = table_rows(d, "progress-table", "data-indicator")
        bad = [k for k in want if k not in shown or shown[k].get("@class") != want[k][0] or not same_number(shown[k].get("actual_value", ""), want[k][1])]
        check(f"{who}: province {code}'s targets equal report.progress_by_reporter", not bad and set(shown) == set(want) and want,
              f"{len(shown)} shown, {len(want)} in the view; differ: {bad[:3]}")
        check_readings(who, f"province {code}", shown, view_rows(f"from report.progress_by_reporter where reporter = '{code}'"))
        missed = [r[0] for r in psql(f"select indicator from report.progress_by_reporter where reporter = '{code}' and class = 'not_achieved'")]
        check(f"{who}: province {code} has a not-achieved target (the missed 2020 target)", missed, "none in the view")
        bad = [i for i in missed if shown.get(i, {}).get("@class-symbol") != "✗" or "未实现" not in shown[i].get("class", "")]
        check(f"{who}: a not-achieved target shows 未实现 with its own symbol", not bad, f"{[(i, shown.get(i)) for i in bad[:2]]}")
        strip = dict(d.execute_script("return [...document.querySelectorAll('#heat-strip td[data-period]')].map(td => [td.dataset.period, td.textContent])"))
        comp = {r[0]: r[1] for r in psql(f"select period, completeness from report.completeness where reporter = '{code}'")}
        bad = [p for p in comp if p not in strip or strip[p] != f"{round(float(comp[p]) * 100)}%"]
        check(f"{who}: province {code}'s heat strip equals report.completeness", not bad and comp, f"differ: {[(p, strip.get(p), comp[p]) for p in bad[:3]]}")
        ids = d.execute_script("return [...document.querySelectorAll('#submissions-table td[data-col=id]')].map(td => td.textContent)")
        want_ids = [r[0] for r in psql(f"select id from report.submission_log where reporter = '{code}' order by received_at desc limit 15")]
        check(f"{who}: province {code}'s recent submissions are report.submission_log's, newest first", ids == want_ids, f"shown {ids}, view {want_ids}")
        links = dict(d.execute_script("return [...document.querySelectorAll('#submissions-table tbody tr')].map(tr => [tr.querySelector('td[data-col=id]').textContent, (tr.querySelector('a.receipt') || {}).href || ''])"))
        accepted = {r[0] for r in psql(f"select id from report.submission_log where reporter = '{code}' and outcome = 'accepted' order by received_at desc limit 15")}
        bad = [i for i, h in links.items() if (i in accepted) != h.endswith(f"/api/v1/submissions/{i}")]
        check(f"{who}: each accepted submission on the province page links its receipt, no other does", accepted and not bad, f"differ: {bad[:3]}")
        if accepted:
            sid = sorted(accepted)[0]
            status, body = api(d, f"/api/v1/submissions/{sid}")
            got = json.loads(body) if status == 200 else {}
            check(f"{who}: the receipt link answers the console session with that submission's signed receipt",
                  got.get("submission_id") == int(sid) and got.get("receipt", {}).get("signature"), f"status {status}: {body[:200]}")

    # Indicator: one province's series with its revision
    if open_page(d, f"indicator.html?code=incubators&reporter={code}", "indicator-province", who):
        want = {r[0]: r[1:] for r in psql(f"select period, value, revision_count from report.latest_values where indicator = 'incubators' and reporter = '{code}'")}
        shown = table_rows(d, "values-table", "data-period")
        bad = [p for p in want if p not in shown or not same_number(shown[p]["value"], want[p][0])]
        check(f"{who}: the indicator page's values equal report.latest_values", not bad and set(shown) == set(want) and want, f"differ: {bad[:3]}")
        rev = [p for p in want if int(want[p][1]) > 1]
        check(f"{who}: a revised value is marked", rev and all("▲" in shown[p]["revision_count"] for p in rev), f"revised {rev}")
        points = d.execute_script("const c = Chart.getChart(document.getElementById('chart')); return c.data.datasets[0].data.filter(v => v !== null).length")
        check(f"{who}: the chart draws every value of the series", points == len(want), f"{points} points, {len(want)} values")
        tv = one(f"select coalesce(target_value::text, 'none') from report.progress_by_reporter where indicator = 'incubators' and reporter = '{code}'")
        lines = d.execute_script("const c = Chart.getChart(document.getElementById('chart')); return c.data.datasets.filter(s => s.label.startsWith('目标')).length")
        check(f"{who}: a target line is drawn only for a target with a number", (lines > 0) == (tv not in (None, "none")), f"{lines} target lines, target value {tv}")
        bars = d.execute_script("const c = Chart.getChart(document.getElementById('bars')); return c.data.datasets[0].data.filter(v => v !== null).length")
        want_bars = one("select count(actual_value) from report.progress_by_reporter where indicator = 'incubators'")
        check(f"{who}: the bar chart has one bar per reporter with a value", str(bars) == want_bars, f"{bars} bars, {want_bars} values")
        asked = d.execute_script("return performance.getEntriesByType('resource').map(e => e.name).filter(n => n.includes('/report/progress_by_reporter') && n.includes('offset='))")
        check(f"{who}: the by-reporter table asks only for the columns it shows (columns=)", asked and all("columns=" in u for u in asked), asked[:2])
        clause = one("select clause from mestat.indicator where code = 'incubators'")
        check(f"{who}: the indicator page names the plan clause", d.find_element(By.ID, "clause").text == clause, d.find_element(By.ID, "clause").text)
    if open_page(d, "indicator.html", "indicators", who):
        shown = set(d.execute_script("return [...document.querySelectorAll('#indicators-table tbody tr')].map(tr => tr.dataset.indicator)"))
        want = {r[0] for r in psql("select indicator from report.progress")}
        check(f"{who}: the indicator list is every indicator of report.progress", shown == want, f"{len(shown)} shown, {len(want)} in the view")
    rng = one("select indicator from report.progress where target_kind = 'range' order by indicator limit 1")
    if rng and open_page(d, f"indicator.html?code={rng}", "indicator-national", who):
        band = d.execute_script("const c = Chart.getChart(document.getElementById('chart')); return c.data.datasets.filter(s => s.fill === '-1').length")
        check(f"{who}: a range target is drawn as a band", band >= 1, f"{band} filled datasets")
        versions = one(f"select count(distinct target_id) from report.progress_history where indicator = '{rng}' and reporter is null")
        n = len(d.find_elements(By.CSS_SELECTOR, "#versions-table tbody tr"))
        check(f"{who}: every target version is listed", str(n) == versions, f"{n} shown, {versions} in report.progress_history")

    # Reporting
    if open_page(d, "reporting.html", "reporting", who):
        shown = d.find_element(By.ID, "overdue-count").get_attribute("data-value")
        check(f"{who}: reporting's overdue total equals report.overdue", shown == one("select count(*) from report.overdue"), shown)
        first = d.execute_script("const tr = document.querySelector('#overdue-table tbody tr'); return tr ? [tr.dataset.reporter, tr.dataset.period, tr.querySelector('td[data-col=days_overdue]').textContent] : null")
        top = psql("select reporter, period, days_overdue from report.overdue order by days_overdue desc, reporter limit 1")
        check(f"{who}: the most overdue report and its days late equal report.overdue", (first is None and not top) or (top and first[:2] == top[0][:2] and same_number(first[2], top[0][2])),
              f"shown {first}, view {top}")
        cells = d.execute_script("return [...document.querySelectorAll('#heatmap td[data-period]')].map(td => [td.closest('tr').dataset.reporter, td.dataset.period, td.textContent])")
        comp = {(r[0], r[1]): r[2] for r in psql("select reporter, period, completeness from report.completeness where period_kind = 'quarter'")}
        bad = [c for c in cells if (c[0], c[1]) not in comp or c[2] != f"{round(float(comp[(c[0], c[1])]) * 100)}%"]
        check(f"{who}: the heat map's cells equal report.completeness", cells and not bad, f"{len(cells)} cells; differ: {bad[:3]}")
        years = d.execute_script("return [document.getElementById('from').value, document.getElementById('to').value]")
        want_n = one(f"select count(*) from report.completeness where period_kind = 'quarter' and period >= '{years[0]}Q1' and period <= '{years[1]}Q4'")
        check(f"{who}: the heat map has a cell for every row of report.completeness in {years[0]}–{years[1]}, read reporter by reporter",
              str(len(cells)) == want_n, f"{len(cells)} cells, {want_n} rows")
        # Page by page from a reporter (api.js reporterPage), with pages far
        # smaller than a reporter's rows (7) and holding a few reporters (40):
        # every row once, in order, as psql reads the view.
        want_rows = [f"{r}|{p}" for r, p in psql("select reporter, period from report.completeness where period_kind = 'quarter' order by reporter, period")]
        for limit in (7, 40):
            got = d.execute_async_script(
                "const done = arguments[arguments.length - 1];"
                "import('/console/js/api.js').then(async (api) => {"
                "  let rows = [], next = '', pages = 0;"
                "  do {"
                "    const p = await api.reporterPage('completeness', { period_kind: 'quarter', columns: ['reporter', 'period'], order: 'period', limit: arguments[0] }, next);"
                "    rows = rows.concat(p.rows.map((r) => `${r.reporter}|${r.period}`)); next = p.next; pages += 1;"
                "  } while (next && pages < 1000);"
                "  done([rows, pages]);"
                "}).catch((e) => done([String(e), 0]));", limit)
            check(f"{who}: reading report.completeness reporter by reporter in pages of {limit} gives every row once, in order ({got[1]} pages)",
                  got[0] == want_rows and want_rows, f"{len(got[0]) if isinstance(got[0], list) else got[0]} rows read, {len(want_rows)} in the view")
        first_q = one("select min(period) from report.completeness where period_kind = 'quarter'")
        Select(d.find_element(By.ID, "from")).select_by_value(first_q[:4])
        try:
            WebDriverWait(d, 30).until(lambda x: x.find_elements(By.CSS_SELECTOR, f"#heatmap td[data-period='{first_q}']"))
            ok(f"{who}: choosing an earlier year redraws the heat map from {first_q}")
        except TimeoutException:
            not_ok(f"{who}: choosing an earlier year redraws the heat map from {first_q}", "no cell for it")
        n = len(d.find_elements(By.CSS_SELECTOR, "#sources-table tbody tr"))
        check(f"{who}: every collector is listed", str(n) == one("select count(*) from report.collector_status"), f"{n} rows")
        shown = d.execute_script("return [...document.querySelectorAll('#cycle-table tbody tr')].map(tr => "
                                 "[tr.dataset.reporter, tr.dataset.period, tr.dataset.state, tr.querySelector('td[data-col=return_reason]').textContent])")
        want = psql("select reporter, period, state, coalesce(return_reason, '') from report.reporting_cycle "
                    "where period_kind = 'quarter' and state in ('complete', 'returned') order by period desc, reporter limit 200")
        check(f"{who}: the quarters awaiting acceptance or returned, with their reasons, equal report.reporting_cycle's ({len(want)})",
              want and shown == want, f"shown {shown[:3]}, view {want[:3]}")

    # Data quality league table
    if open_page(d, "quality.html", "quality", who):
        year = d.execute_script("return document.getElementById('year').value")
        want = psql(f"select reporter, rank_in_year, score, completeness, rule_violations from report.data_quality where year = {int(year or 0)} order by rank_in_year, reporter")
        shown = d.execute_script("return [...document.querySelectorAll('#quality-table tbody tr')].map(tr => [tr.dataset.reporter, tr.dataset.rank, tr.dataset.score, "
                                 "tr.querySelector('td[data-col=completeness]').textContent, tr.querySelector('td[data-col=rule_violations]').textContent])")
        check(f"{who}: the data quality table shows {year}, the latest year with values received",
              year == one("select max(year) from report.data_quality where received >= 1"), year)
        check(f"{who}: its rows, ranks and scores equal report.data_quality, in rank order",
              want and [r[:2] for r in shown] == [r[:2] for r in want]
              and all(same_number(str(a[2]), b[2]) for a, b in zip(shown, want)), f"shown {shown[:3]}, view {want[:3]}")
        bad = [(a, b) for a, b in zip(shown, want) if not same_number(a[3], None if b[3] is None else float(b[3]) * 100) or not same_number(a[4], b[4])]
        check(f"{who}: its completeness and rule violations equal report.data_quality", not bad and len(shown) == len(want), f"differ: {bad[:3]}")
        count_text = d.find_element(By.ID, "shown").text
        check(f"{who}: the page says how many reporters it shows", f"{len(want)} " in count_text and "undefined" not in count_text, count_text)
        first = one("select min(year) from report.data_quality")
        Select(d.find_element(By.ID, "year")).select_by_value(first)
        try:
            WebDriverWait(d, 30).until(lambda x: len(x.find_elements(By.CSS_SELECTOR, "#quality-table tbody tr"))
                                       == int(one(f"select count(*) from report.data_quality where year = {first}")))
            ok(f"{who}: choosing another year redraws the table from report.data_quality ({first})")
        except TimeoutException:
            not_ok(f"{who}: choosing another year redraws the table from report.data_quality ({first})", "row count differs")

    # Submission log
    if open_page(d, "submissions.html", "submissions", who):
        want = [r[0] for r in psql("select id from report.submission_log order by received_at desc, id desc limit 100")]
        shown = d.execute_script("return [...document.querySelectorAll('#submissions-table tbody tr')].map(tr => tr.dataset.id)")
        check(f"{who}: the submission log's first page is report.submission_log's newest 100, newest first", shown == want, f"{len(shown)} shown, {len(want)} in the view")
        older = int(one("select count(*) from report.submission_log")) > 100
        text = d.find_element(By.ID, "count").text
        check(f"{who}: the submission log says whether older submissions follow, without a total", ("还有更早的" in text) == older and ("没有更早的" in text) != older
              and d.find_element(By.ID, "older").get_attribute("disabled") != ("true" if older else None), text)
        first = d.execute_script("const tr = document.querySelector('#submissions-table tbody tr'); return tr ? tr.dataset.id : null")
        check(f"{who}: the newest submission comes first", first == one("select id from report.submission_log order by received_at desc, id desc limit 1"), first)
    if open_page(d, "submissions.html?outcome=rejected", "submissions-rejected", who):
        want = {r[0]: r[1] for r in psql("select id, error_summary from report.submission_log where outcome = 'rejected'")}
        shown = table_rows(d, "submissions-table", "data-id")
        check(f"{who}: refused submissions show the reason the province was given", want and {k: v["error_summary"] for k, v in shown.items()} == want,
              f"shown {shown}, view {want}")
        d.find_element(By.ID, "f-text").send_keys("negative")
        n = len(d.find_elements(By.CSS_SELECTOR, "#submissions-table tbody tr"))
        check(f"{who}: searching the log for 'negative' keeps the matching refusals", n == sum("negative" in (v or "") for v in want.values()), f"{n} rows")

    # The releases list, in the console: it carries the console's navigation.
    d.get(f"{BASE}/console/releases/")
    try:
        WebDriverWait(d, 30).until(lambda x: x.find_elements(By.CSS_SELECTOR, "#console-nav a#nav-index"))
        ok(f"{who}: the releases list in the console carries the console's navigation")
    except TimeoutException:
        not_ok(f"{who}: the releases list in the console carries the console's navigation", "no #console-nav")
    shoot(d, f"{who}-releases")
    problems(d)

    # Sign-out
    d.get(f"{BASE}/console/index.html")
    wait_ready(d)
    d.find_element(By.ID, "signout").click()
    WebDriverWait(d, 30).until(lambda x: "index.html" not in x.current_url)
    status = api(d, "/api/v1/session")[0]
    check(f"{who}: after signing out the API answers 401", status == 401, f"status {status}")
    problems(d)


def reporting_cycle(d, who, code):
    """The province page's reporting cycle against report.reporting_cycle: its
    quarters newest first with their state, a returned quarter's reason, who
    returned it and when; no other province's row or reason."""
    want = psql(f"select period, state, state_zh, coalesce(return_reason, ''), coalesce(returned_by, '') from report.reporting_cycle "
                f"where reporter = '{code}' and period_kind = 'quarter' order by period desc")
    shown = d.execute_script("return [...document.querySelectorAll('#cycle-table tbody tr')].map(tr => "
                             "[tr.dataset.period, tr.dataset.state, tr.querySelector('td[data-col=state]').textContent, "
                             "tr.querySelector('td[data-col=return_reason]').textContent])")
    check(f"{who}: the reporting cycle lists its {len(want)} quarters of report.reporting_cycle, newest first",
          want and [r[0] for r in shown] == [w[0] for w in want], f"shown {[r[0] for r in shown][:5]}, view {[w[0] for w in want][:5]}")
    bad = [(s, w) for s, w in zip(shown, want) if s[1] != w[1] or not s[2].startswith(w[2]) or s[3] != w[3]]
    check(f"{who}: each quarter's state (zh, with en) and return reason equal the view's", not bad and len(shown) == len(want), f"differ: {bad[:2]}")
    returned = [w for w in want if w[1] == "returned"]
    notes = d.execute_script("return [...document.querySelectorAll('#returned-notes .returned-note')].map(n => "
                             "[n.dataset.period, n.querySelector('.reason').textContent, n.textContent])")
    check(f"{who}: a returned quarter's reason is shown above the table, as the view has it",
          returned and [(n[0], n[1]) for n in notes] == [(w[0], w[3]) for w in returned], f"notes {notes}, view {returned}")
    bad = [n for n, w in zip(notes, returned) if w[4] not in n[2] or "退回" not in n[2] or "returned by" not in n[2]]
    check(f"{who}: the note says who returned it", not bad and notes, f"{bad[:2]}")
    foreign = [r[0] for r in psql(f"select return_reason from report.reporting_cycle where reporter <> '{code}' and return_reason is not null")]
    body = d.find_element(By.TAG_NAME, "body").text
    check(f"{who}: no other province's return reason is on its page ({len(foreign)} in the view)",
          foreign and not any(f in body for f in foreign), f"{[f for f in foreign if f in body][:2]}")
    asked = d.execute_script("return performance.getEntriesByType('resource').map(e => e.name).filter(n => n.includes('/report/reporting_cycle'))")
    check(f"{who}: the page asks report.reporting_cycle only for the columns it shows",
          asked and all("columns=" in a and "return_reason" in a and "events" not in a.split("columns=")[1].split("&")[0] for a in asked), f"{asked}")
    api_rows = json.loads(api(d, "/api/v1/report/reporting_cycle?limit=10000")[1])["rows"]
    check(f"{who}: reporting_cycle holds only its own rows in the read API", api_rows and {r["reporter"] for r in api_rows} == {code},
          f"{sorted({r['reporter'] for r in api_rows})[:5]}")


def province(d):
    code = os.environ["REP_CODE"]
    who = f"province-{code}"
    state = sign_in(d, os.environ["REP_TOKEN"], who)
    wait_ready(d)
    check(f"{who}: a province signing in lands on its own page", f"province.html?reporter={code}" in d.current_url, d.current_url)
    for view in ["progress_by_reporter", "completeness", "timeliness", "overdue", "latest_values", "submission_log", "collector_status"]:
        status, body = api(d, f"/api/v1/report/{view}?limit=10000")
        if status != 200:
            check(f"{who}: reading {view} from the console", status in (403, 404), f"status {status}")
            continue
        seen = {r.get("reporter") for r in json.loads(body)["rows"]}
        check(f"{who}: {view} holds only its own rows", seen <= {code}, f"reporters seen: {sorted(map(str, seen))[:5]}")
    if open_page(d, f"province.html?reporter={code}", "province", who):
        n = len(d.find_elements(By.CSS_SELECTOR, "#progress-table tbody tr"))
        check(f"{who}: its page shows its targets", str(n) == one(f"select count(*) from report.progress_by_reporter where reporter = '{code}'"), f"{n} rows")
    if open_page(d, f"province.html?reporter={code}", "province-cycle", who):
        reporting_cycle(d, who, code)
    if open_page(d, "scorecard.html", "scorecard", who):
        reps = set(d.execute_script("return [...document.querySelectorAll('#scorecard tbody tr')].map(tr => tr.dataset.reporter)"))
        check(f"{who}: the scorecard shows only itself", reps == {code}, sorted(reps))
    if open_page(d, "reporting.html", "reporting", who):
        reps = set(d.execute_script("return [...document.querySelectorAll('#heatmap tbody tr')].map(tr => tr.dataset.reporter)"))
        check(f"{who}: the heat map shows only itself", reps == {code}, sorted(reps))
        reps = set(d.execute_script("return [...document.querySelectorAll('#cycle-table tbody tr')].map(tr => tr.dataset.reporter)"))
        check(f"{who}: the quarters awaiting acceptance or returned are only its own", reps == {code}, sorted(reps))
    if open_page(d, "quality.html", "quality", who):
        reps = set(d.execute_script("return [...document.querySelectorAll('#quality-table tbody tr')].map(tr => tr.dataset.reporter)"))
        check(f"{who}: the data quality table shows only itself", reps == {code}, sorted(reps))
    if open_page(d, "submissions.html", "submissions", who):
        want = [r[0] for r in psql(f"select id from report.submission_log where reporter = '{code}' order by received_at desc, id desc limit 100")]
        shown = d.execute_script("return [...document.querySelectorAll('#submissions-table tbody tr')].map(tr => tr.dataset.id)")
        check(f"{who}: the submission log shows only its own submissions", shown == want and want, f"shown {shown[:5]}, view {want[:5]}")
    if open_page(d, f"province.html?reporter={code}", "province-receipts", who):
        href = d.execute_script("const a = document.querySelector('a.receipt'); return a ? a.getAttribute('href') : null")
        status, body = api(d, href) if href else (0, "no link")
        check(f"{who}: its own receipt opens from its page", status == 200 and json.loads(body).get("reporter") == code, f"link {href}, status {status}")
        foreign = one(f"select id from report.submission_log where reporter <> '{code}' and outcome = 'accepted' order by id limit 1")
        missing = one("select coalesce(max(id), 0) + 1000 from mestat.submission")
        a, b = api(d, f"/api/v1/submissions/{foreign}"), api(d, f"/api/v1/submissions/{missing}")
        problems(d)  # the browser logs these two 404s, which are asked for
        check(f"{who}: another province's receipt is a 404 like a missing one", foreign and a[0] == 404 and b[0] == 404
              and json.loads(a[1]).get("error") == json.loads(b[1]).get("error"), f"{a} / {b}")
    other = one(f"select reporter from report.progress_by_reporter where reporter <> '{code}' limit 1")
    if other and open_page(d, f"province.html?reporter={other}", "other-province", who):
        n = len(d.find_elements(By.CSS_SELECTOR, "#progress-table tbody tr"))
        check(f"{who}: another province's page shows none of its rows", n == 0, f"{n} rows of {other}")


def driver_log_tail(n=5):
    """The last lines chromedriver logged: why a session died, when its error says nothing."""
    try:
        with open(os.path.join(OUT, "chromedriver.log"), errors="replace") as f:
            return " | ".join(line.strip() for line in f.readlines()[-n:])
    except OSError as e:
        return f"(no chromedriver.log: {e})"


def main():
    # A timeout's SIGTERM still ends chromium and chromedriver (through the finally below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    # A Chromium that dies before the first page is shown (seen once in CI,
    # on a loaded machine: an empty WebDriverException, no screenshot) gets
    # one new session; once a check has been printed, a dead session is a
    # failure, so that no check is counted twice.
    for attempt in (1, 2):
        os.makedirs(PROFILE, exist_ok=True)
        d = browser()
        try:
            evaluator(d)
            province(d)
            return
        except (WebDriverException, urllib3.exceptions.HTTPError) as e:
            # chromedriver answers for a dead Chromium; a dead chromedriver answers nothing
            why = f"{type(e).__name__}: {getattr(e, 'msg', None) or e}; chromedriver: {driver_log_tail()}"
            if attempt == 1 and checks == 0:
                print(f"# the browser session ended before its first check ({' '.join(why.split())[:600]}); "
                      "starting a new one", flush=True)
                continue
            not_ok("the browser session runs to the end", why)
            return
        finally:
            d.quit()
            shutil.rmtree(PROFILE, ignore_errors=True)


main()
sys.exit(0)
