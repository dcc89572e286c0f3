#!/usr/bin/env python3
"""demo_table.py - print a psql --csv result as a table no wider than a
terminal line, counting Chinese characters as two columns.

  psql --csv -c '...' | demo_table.py [--width 100] [--sep N] [--shrink COLUMN[:MIN]]... [--own-line COLUMN]

Columns are separated by --sep spaces (2); numbers (cells that parse as
numbers, percentages or a/b counts) are right-aligned. When the table is too
wide, the --shrink columns (by header name), in the order given, are cut with
"…" down to MIN columns (default: their header's width) until it fits.
With --own-line, that column (a long name) is printed after the first column
on a line of its own, and the other columns on the next line, indented.
"""
import csv, re, sys, unicodedata

args = sys.argv[1:]
width, shrink, SEP, own = 100, [], 2, None
while args:
    a = args.pop(0)
    if a == "--width":
        width = int(args.pop(0))
    elif a == "--own-line":
        own = args.pop(0)
    elif a == "--sep":
        SEP = int(args.pop(0))
    elif a == "--shrink":
        name, _, least = args.pop(0).partition(":")
        shrink.append((name, int(least) if least else 0))
    else:
        sys.exit(f"demo_table.py: unknown argument {a}")

def cols(s):
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)

def cut(s, n):
    if cols(s) <= n:
        return s
    out = ""
    for ch in s:
        if cols(out + ch) > n - 1:
            break
        out += ch
    return out + "…"

NUM = re.compile(r"^[+-]?[0-9][0-9,]*(\.[0-9]+)?%?$|^[0-9]+/[0-9]+$")
rows = list(csv.reader(sys.stdin))
if not rows:
    sys.exit(0)
head, body = rows[0], rows[1:]
if own in head:
    # [first, own, rest...] → a line "first own", then "first-width blank, rest".
    j = head.index(own)
    w0 = max(cols(r[0]) for r in rows)
    rest = [i for i in range(1, len(head)) if i != j]
    sub = [[r[i] for i in rest] for r in rows]
    import io, subprocess
    buf = io.StringIO()
    csv.writer(buf).writerows(sub)
    opts = ["--width", str(width - w0 - SEP), "--sep", str(SEP)]
    for name, least in shrink:
        opts += ["--shrink", f"{name}:{least}"]
    out = subprocess.run([sys.executable, sys.argv[0]] + opts, input=buf.getvalue(), capture_output=True,
                         text=True, check=True).stdout.splitlines()
    pad = lambda v: v + " " * (w0 - cols(v))
    lines = [pad(head[0]) + " " * SEP + head[j], " " * (w0 + SEP) + out[0], "-" * w0 + " " * SEP + out[1]]
    for r, o in zip(body, out[2:]):
        lines.append(pad(r[0]) + " " * SEP + cut(r[j], width - w0 - SEP))
        lines.append(" " * (w0 + SEP) + o)
    print("\n".join(l.rstrip() for l in lines))
    sys.exit(0)
w = [max(cols(r[i]) for r in rows) for i in range(len(head))]
for name, least in shrink:
    if name not in head:
        continue
    i = head.index(name)
    over = sum(w) + SEP * (len(w) - 1) - width
    if over > 0:
        w[i] = max(cols(head[i]), least, w[i] - over)
right = [all(NUM.match(r[i]) or r[i] in ("", "—") for r in body) and any(r[i] for r in body) for i in range(len(head))]

def line(r):
    out = []
    for i, v in enumerate(r):
        v = cut(v, w[i])
        pad = " " * (w[i] - cols(v))
        out.append(pad + v if right[i] else v + pad)
    return (" " * SEP).join(out).rstrip()

print(line(head))
print((" " * SEP).join("-" * n for n in w))
for r in body:
    print(line(r))
