# ops_docs.sh - the manual pages and the sample configuration keep up with
# the code: every key of daemon/config.c's tables is documented in
# mestatd.conf(5) with its default and reload flag and appears in
# etc/mestatd.conf; every HTTP route and metric family is in mestatd(8);
# both pages are well-formed and installed. Needs no daemon.
. "$TOP/tests/lib.sh"

man8=$TOP/docs/mestatd.8
man5=$TOP/docs/mestatd.conf.5

# The key tables, the sample and the page are compared by one Python
# script; it prints the ok / not ok lines itself.
python3 - "$TOP" <<'PY'
import re, sys

top = sys.argv[1]
src = open(f"{top}/daemon/config.c").read()
macros = {"SYSCONFDIR": "/etc", "DATADIR": "/usr/share"}

def table(name):
    m = re.search(r"static const struct key_def %s\[\] = \{(.*?)\n\};" % name, src, re.S)
    if not m:
        print(f"not ok - daemon/config.c has a table {name}: not found")
        sys.exit(0)
    keys = []
    # {"name", TYPE, OFFSET(field), DEFAULT, RELOAD, MIN, MAX}
    for e in re.finditer(r'\{"([a-z_]+)",\s*\w+,\s*\w+\([\w.]+\),\s*((?:\w+\s+)?"[^"]*"),\s*(true|false)', m.group(1)):
        d = e.group(2)
        mm = re.match(r'(?:(\w+)\s+)?"([^"]*)"', d)
        default = macros.get(mm.group(1), "") + mm.group(2) if mm.group(1) else mm.group(2)
        keys.append((e.group(1), default, e.group(3) == "true"))
    return keys

main_keys, source_keys = table("main_keys"), table("source_keys")
notify_keys = table("notify_keys")
n_entries = len(re.findall(r'^\s*\{"[a-z_]+",', src, re.M))
if n_entries != len(main_keys) + len(source_keys) + len(notify_keys):
    print(f"not ok - every entry of config.c's key tables is understood by this test: "
          f"{n_entries} entries, {len(main_keys) + len(source_keys) + len(notify_keys)} parsed")
else:
    print(f"ok - config.c's key tables read: {len(main_keys)} [mestatd] keys, {len(source_keys)} [source] keys")

def ok(name, good, why):
    print(f"ok - {name}" if good else f"not ok - {name}: {why}")

# mestatd.conf(5): a ".B key" entry in the right section, stating the
# default and "Reload: yes|no" as the table has them.
page = open(f"{top}/docs/mestatd.conf.5").read()
split = page.find(".SH THE [source NAME] SECTIONS")
parts = {"mestatd": page[:split] if split >= 0 else page, "source": page[split:] if split >= 0 else ""}
nstart = page.find(".SH THE [notify] SECTION")
nend = page.find("\n.SH ", nstart + 1) if nstart >= 0 else -1
parts["notify"] = page[nstart:nend] if nstart >= 0 else ""
ok("mestatd.conf(5) has a section for [notify]", nstart >= 0, "no '.SH THE [notify] SECTION'")
ok("mestatd.conf(5) has a section for [source NAME]", split >= 0, "no '.SH THE [source NAME] SECTIONS'")

def entry(text, key):
    m = re.search(r"^\.TP\n\.BI? \"?%s\"?(?: .*)?\n(.*?)(?=^\.(?:TP|SH|SS)\b|\Z)" % re.escape(key), text, re.S | re.M)
    return m.group(1) if m else None

def unroff(s):
    s = re.sub(r"^\.\w+ ?", "", s, flags=re.M)
    s = s.replace("\\-", "-").replace('"', "").replace("\n", " ")
    return re.sub(r"\\f[BIRP]", "", s)

for section, keys in (("mestatd", main_keys), ("source", source_keys), ("notify", notify_keys)):
    for key, default, reload in keys:
        e = entry(parts[section], key)
        where = {"mestatd": "[mestatd]", "source": "[source NAME]", "notify": "[notify]"}[section]
        if e is None:
            print(f"not ok - mestatd.conf(5) documents {where} key {key}: no '.TP / .B {key}' entry")
            continue
        text = unroff(e)
        want = "Reload: yes" if reload else "Reload: no"
        ok(f"mestatd.conf(5) says {want.lower()} for {where} {key}", want in text,
           f"config.c has reload={'true' if reload else 'false'}, the entry says: {text.strip()[:200]}")
        if default:
            good = re.search(r"Default: %s[ .]" % re.escape(default), text + " ")
        else:
            good = re.search(r"Default: (empty|none)", text)
        ok(f"mestatd.conf(5) gives the default of {where} {key} ({default or 'empty'})", good,
           f"the entry says: {text.strip()[:200]}")

# etc/mestatd.conf: every [mestatd] key at its default with its reload flag
# in the comment above; every [source] key in the commented source example.
sample = open(f"{top}/etc/mestatd.conf").read().splitlines()
cut = next((i for i, l in enumerate(sample) if re.match(r"#\s*\[source ", l)), len(sample))
for key, default, reload in main_keys:
    line = next((i for i, l in enumerate(sample[:cut]) if re.match(r"[;#]?\s*%s\s*=" % key, l)), None)
    if line is None:
        print(f"not ok - etc/mestatd.conf shows [mestatd] key {key}: no '{key} =' line")
        continue
    value = sample[line].split("=", 1)[1].strip()
    ok(f"etc/mestatd.conf shows {key} at its default", value == default,
       f"config.c default [{default}], the sample has [{value}]")
    flag = None
    for l in reversed(sample[:line]):
        m = re.search(r"reload: (yes|no)", l)
        if m:
            flag = m.group(1)
            break
    ok(f"etc/mestatd.conf marks {key} reload: {'yes' if reload else 'no'}", flag == ("yes" if reload else "no"),
       f"the nearest comment above says reload: {flag}")
nat = next((i for i, l in enumerate(sample) if re.match(r"[;#]?\s*\[notify\]", l)), len(sample))
for key, default, reload in notify_keys:
    line = next((i for i, l in enumerate(sample[nat:cut]) if re.match(r"[;#]?\s*%s\s*=" % key, l)), None)
    value = sample[nat + line].split("=", 1)[1].strip() if line is not None else None
    ok(f"etc/mestatd.conf shows [notify] key {key} at its default", value == default,
       f"config.c default [{default}], the sample has [{value}] after '[notify]'")
for key, default, reload in source_keys:
    good = any(re.match(r"#\s*%s\s*=" % key, l) for l in sample[cut:])
    ok(f"etc/mestatd.conf shows [source] key {key}", good, f"no '# {key} =' line after '# [source ...]'")

# mestatd(8): every route the daemon serves, and every metric family.
man8 = unroff(open(f"{top}/docs/mestatd.8").read())
routes = set()
for f in ("api.c", "daemon.c", "health.c", "metrics.c"):
    for m in re.finditer(r'http_route\(h, (?:true|false), "(\w+)", "([^"]+)"', open(f"{top}/daemon/{f}").read()):
        routes.add((m.group(1), m.group(2)))
for method, path in sorted(routes):
    ok(f"mestatd(8) documents {method} {path}", f"{method} {path}" in man8, "not mentioned")
families = set(re.findall(r'"(mestat_[a-z_]+)"', open(f"{top}/daemon/metrics.c").read()))
families |= set(re.findall(r"(mestat_[a-z_]+)(?:\{| %)", open(f"{top}/daemon/metrics.c").read()))
for fam in sorted(families):
    ok(f"mestatd(8) lists the metric {fam}", fam in man8, "not mentioned")
PY

# The options of mestatd's usage appear in the SYNOPSIS and OPTIONS.
synopsis=$(sed -n '/^\.SH SYNOPSIS/,/^\.SH DESCRIPTION/p' "$man8" | sed 's/\\-/-/g')
for opt in -c -t --migrate --version -h; do
	if grep -q -- "$opt" <<<"$synopsis"; then ok "mestatd(8) SYNOPSIS shows $opt"; else
		not_ok "mestatd(8) SYNOPSIS shows $opt" "not in the SYNOPSIS"
	fi
done
for s in SIGHUP SIGTERM shutdown_timeout READY=1 STATUS= RELOADING=1 "EXIT STATUS" FILES "SEE ALSO"; do
	if grep -q -- "$s" "$man8"; then ok "mestatd(8) covers $s"; else not_ok "mestatd(8) covers $s" "not mentioned"; fi
done

# Well-formed: mandoc's linter (tools/check installs mandoc), else groff's
# warnings; and man -l renders them.
for page in "$man8" "$man5"; do
	name=$(basename "$page")
	if command -v mandoc >/dev/null; then
		expect_eq "$name has no mandoc -T lint warnings" "" "$(mandoc -T lint -W warning "$page" 2>&1)"
	elif command -v groff >/dev/null; then
		expect_eq "$name has no groff -ww warnings" "" "$(groff -man -ww -z "$page" 2>&1)"
	else
		not_ok "$name is checked by a man page linter" "neither mandoc nor groff is installed"
	fi
	if command -v man >/dev/null; then
		out=$(MANWIDTH=80 man -l "$page" 2>&1 >/dev/null)
		expect_eq "$name renders with man -l without complaint" "" "$out"
	else
		ok "$name renders with man -l # SKIP no man"
	fi
done

# Installed by automake and shipped in the tarball.
man_line=$(sed -n '/^dist_man_MANS *=/,/[^\\]$/p' "$TOP/Makefile.am" | tr '\\\n' '  ')
expect_match "Makefile.am installs mestatd.8 (dist_man_MANS)" 'docs/mestatd\.8( |$)' "$man_line"
expect_match "Makefile.am installs mestatd.conf.5 (dist_man_MANS)" 'docs/mestatd\.conf\.5( |$)' "$man_line"
