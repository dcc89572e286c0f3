#!/usr/bin/env python3
"""sql_literals.py - SQL text stays in the store: no C string literal that
reads as a SQL statement outside the files allowed to hold one.

    sql_literals.py ROOT DIR...

Every .c file under ROOT/DIR is read as the compiler reads it: comments and
preprocessor directives are set aside, and string literals written next to
each other (on one line or across lines, with only blanks and comments
between them) are one literal. A literal is SQL when, after optional blanks,
it starts with a statement keyword (SELECT, INSERT, UPDATE, DELETE, WITH,
COPY, SET, BEGIN, COMMIT, ROLLBACK, SAVEPOINT, RELEASE, LOCK, LISTEN,
NOTIFY, CALL, PREPARE, EXECUTE; any case) followed by more of the statement,
or when it is one of the statements that are whole in a word (BEGIN, COMMIT,
ROLLBACK). So "DELETE" (an HTTP method), "release.h" or "listen" (a
configuration key) are not SQL, and "DELETE FROM t" is. RELEASE without
SAVEPOINT counts in capitals only: "release published" is a log message.

The files allowed to hold SQL are named here, in ALLOWED: the store
(daemon/store*.c), the migration runner (daemon/migrate.c) and the database
pool (daemon/db.c). Prints one "ok - ..." or "not ok - ..." line per file
that holds a SQL literal (naming FILE:LINE of each), and a last line for the
tree. Exits 1 on any "not ok"."""
import argparse
import fnmatch
import os
import re
import sys

ALLOWED = ["daemon/store*.c", "daemon/migrate.c", "daemon/db.c"]

# Each keyword with the words that make it the start of a statement, so that
# prose ("release not published", "with the token ...") and single words
# ("DELETE", "listen") are not taken for SQL.
NAME = r'[\w."$]+'
END = r'\s*(?:;|$)'
STATEMENTS = [
    r'SELECT\s+\S',
    r'INSERT\s+INTO\b',
    r'UPDATE\s+(?:ONLY\s+)?%s(?:\s+(?:AS\s+)?\w+)?\s+SET\b' % NAME,
    r'DELETE\s+FROM\b',
    r'WITH\s+(?:RECURSIVE\s+)?%s\s*(?:\([^)]*\)\s*)?AS\b' % NAME,
    r'COPY\s*\(|COPY\s+%s\s*(?:\([^)]*\)\s*)?(?:FROM|TO)\b' % NAME,
    r'SET\s+(?:LOCAL\s+|SESSION\s+)?%s\s*(?:=|TO\b)' % NAME,
    r'SET\s+(?:TRANSACTION|CONSTRAINTS|ROLE|SESSION\s+AUTHORIZATION)\b',
    r'BEGIN(?:%s|\s+(?:TRANSACTION|WORK|ISOLATION|READ)\b)' % END,
    r'(?:COMMIT|ROLLBACK)(?:%s|\s+(?:TRANSACTION|WORK|PREPARED|AND|TO)\b)' % END,
    r'SAVEPOINT\s+%s%s' % (NAME, END),
    r'RELEASE\s+SAVEPOINT\s+%s%s' % (NAME, END),
    r'(?-i:RELEASE)\s+%s%s' % (NAME, END),  # "release published" is prose
    r'LOCK\s+(?:TABLE\s+)?%s\s*(?:;|$|,|IN\b)' % NAME,
    r'LISTEN\s+%s%s' % (NAME, END),
    r'NOTIFY\s+%s\s*(?:;|$|,)' % NAME,
    r'CALL\s+%s\s*\(' % NAME,
    r'PREPARE\s+%s\s*(?:\(|AS\b)' % NAME,
    r'EXECUTE\s+%s\s*(?:\(|;|$)' % NAME,
]
SQL = re.compile(r'\s*(?:%s)' % '|'.join('(?:%s)' % x for x in STATEMENTS), re.I | re.S)


def literals(text):
    """(line, value) of each string literal of C source TEXT, adjacent
    pieces joined; escapes are kept as written."""
    out = []
    i, n, line = 0, len(text), 1
    cur = None  # [line, pieces] of the literal being joined
    at_line_start = True
    while i < n:
        ch = text[i]
        if ch == "\n":
            line += 1
            at_line_start = True
            i += 1
            continue
        if ch in " \t\r\f\v":
            i += 1
            continue
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
            continue
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            line += text.count("\n", i, j)
            i = j
            continue
        if text.startswith("\\\n", i):  # a line continued (in a #define)
            line += 1
            i += 2
            continue
        if ch == "#" and at_line_start and re.match(r"#\s*include\b", text[i:i + 40]):
            # An #include names a file, not a string: skip it.
            j = i
            while True:
                k = text.find("\n", j)
                if k < 0:
                    k = n
                    break
                if text[k - 1] == "\\":
                    line += 1
                    j = k + 1
                    continue
                break
            i = k
            continue
        at_line_start = False
        if ch == '"' or ch == "'":
            j = i + 1
            while j < n and text[j] != ch:
                if text[j] == "\\":
                    j += 1
                if j < n and text[j] == "\n":
                    line += 1
                j += 1
            body = text[i + 1:j]
            i = j + 1
            if ch == "'":
                if cur:
                    out.append((cur[0], "".join(cur[1])))
                    cur = None
                continue
            if cur is None:
                cur = [line, []]
            cur[1].append(body)
            continue
        # Any other token ends the literal being joined.
        if cur:
            out.append((cur[0], "".join(cur[1])))
            cur = None
        m = re.match(r"[A-Za-z_0-9]+", text[i:i + 200])
        i += len(m.group(0)) if m else 1
    if cur:
        out.append((cur[0], "".join(cur[1])))
    return out


def sql_literals(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    return [(ln, v) for ln, v in literals(text) if SQL.match(v)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("root")
    ap.add_argument("dirs", nargs="+")
    a = ap.parse_args()
    bad = 0
    files = 0
    for d in a.dirs:
        for base, _, names in sorted(os.walk(os.path.join(a.root, d))):
            for name in sorted(names):
                if not name.endswith(".c"):
                    continue
                path = os.path.join(base, name)
                rel = os.path.relpath(path, a.root)
                files += 1
                if any(fnmatch.fnmatch(rel, g) for g in ALLOWED):
                    continue
                found = sql_literals(path)
                if not found:
                    continue
                where = ", ".join("%s:%d %s" % (rel, ln, v.strip()[:40]) for ln, v in found)
                bad += 1
                print("not ok - %s holds no SQL text (only %s may): %s" % (rel, " ".join(ALLOWED), where))
    if files == 0:
        print("not ok - the SQL literal check read C files: none under %s" % " ".join(a.dirs))
        return 1
    print("%s - SQL text only in %s (%d C files read)" % ("not ok" if bad else "ok", " ".join(ALLOWED), files))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
