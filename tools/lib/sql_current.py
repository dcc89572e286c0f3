#!/usr/bin/env python3
"""sql_current.py - write the current definition of every function and view.

Reads sql/NNN_*.sql in name order, as the migration runner applies them, and
follows each CREATE [OR REPLACE] FUNCTION / VIEW, DROP FUNCTION / VIEW and
COMMENT ON FUNCTION / VIEW / COLUMN of a view. For every function and view
that exists at the end it writes sql/functions/NAME.sql or sql/views/NAME.sql
holding its last definition (as CREATE OR REPLACE, with the comment block that
stood above it) and the comments last set on it.

    sql_current.py SQL_DIR          write the files (overwrites them)
    sql_current.py --list SQL_DIR   print object -> file, write nothing

Run it once when moving definitions out of numbered migrations; afterwards
the files under sql/functions and sql/views are edited by hand and this
script is not needed again. Overloads of one name share a file.
"""
import os
import re
import sys


def statements(text):
    """Split SQL TEXT into (leading_comment, statement) pairs."""
    out = []
    i, n = 0, len(text)
    start = 0
    while i < n:
        c = text[i]
        if text.startswith('--', i):
            j = text.find('\n', i)
            i = n if j < 0 else j + 1
        elif text.startswith('/*', i):
            j = text.find('*/', i + 2)
            i = n if j < 0 else j + 2
        elif c == "'":
            i += 1
            while i < n:
                if text[i] == "'" and i + 1 < n and text[i + 1] == "'":
                    i += 2
                elif text[i] == "'":
                    i += 1
                    break
                else:
                    i += 1
        elif c == '"':
            j = text.find('"', i + 1)
            i = n if j < 0 else j + 1
        elif c == '$':
            m = re.match(r'\$([A-Za-z_][A-Za-z_0-9]*)?\$', text[i:])
            if m:
                tag = m.group(0)
                j = text.find(tag, i + len(tag))
                i = n if j < 0 else j + len(tag)
            else:
                i += 1
        elif c == ';':
            out.append(split_lead(text[start:i + 1]))
            i += 1
            start = i
        else:
            i += 1
    return out


def split_lead(chunk):
    """Separate the comment lines directly above a statement from it."""
    lines = chunk.lstrip('\n').split('\n')
    lead = []
    while lines and (lines[0].startswith('--') or not lines[0].strip()):
        lead.append(lines.pop(0))
    # only the comment block that touches the statement belongs to it
    block = []
    for line in reversed(lead):
        if not line.strip():
            break
        block.insert(0, line)
    return '\n'.join(block), '\n'.join(lines).strip()


NAME = r'((?:"[^"]+"|[A-Za-z_][A-Za-z_0-9]*)\.(?:"[^"]+"|[A-Za-z_][A-Za-z_0-9]*))'
CREATE = re.compile(r'create\s+(or\s+replace\s+)?(function|view)\s+' + NAME, re.I)
DROP = re.compile(r'drop\s+(function|view)\s+(if\s+exists\s+)?' + NAME, re.I)
RENAME = re.compile(r'alter\s+function\s+' + NAME + r'\s*\((.*?)\)\s*rename\s+to\s+([A-Za-z_][A-Za-z_0-9]*)', re.I | re.S)
COMMENT = re.compile(r'comment\s+on\s+(function|view|column)\s+' + NAME + r'(\.[A-Za-z_][A-Za-z_0-9]*)?', re.I)


def follow(sql_dir):
    """Return {(kind, name): {'def', 'lead', 'comments', 'first', 'last'}}."""
    objs = {}
    files = sorted(f for f in os.listdir(sql_dir) if re.match(r'\d{3}_.*\.sql$', f))
    for f in files:
        with open(os.path.join(sql_dir, f), encoding='utf-8') as fp:
            for lead, st in statements(fp.read()):
                m = CREATE.match(st)
                if m:
                    kind, name = m.group(2).lower(), m.group(3).lower()
                    o = objs.setdefault((kind, name), {'defs': [], 'comments': {}, 'first': f})
                    if kind == 'function':
                        sig = signature(st)
                        o['defs'] = [d for d in o['defs'] if d[0] != sig]
                        o['defs'].append((sig, lead, replaceable(st)))
                    else:
                        o['defs'] = [(None, lead, replaceable(st))]
                        o['comments'] = {}
                    o['last'] = f
                    continue
                m = DROP.match(st)
                if m:
                    kind, name = m.group(1).lower(), m.group(3).lower()
                    o = objs.get((kind, name))
                    if o is None:
                        continue
                    if kind == 'function' and '(' in st:
                        sig = signature(st)
                        o['defs'] = [d for d in o['defs'] if d[0] != sig]
                        for k in [k for k in o['comments'] if k[1] == sig]:
                            del o['comments'][k]
                    else:
                        o['defs'] = []
                        o['comments'] = {}
                    if not o['defs']:
                        del objs[(kind, name)]
                    continue
                m = RENAME.match(st)
                if m:
                    name, new = m.group(1).lower(), m.group(3).lower()
                    o = objs.get(('function', name))
                    sig = signature(st)
                    moved = [d for d in (o['defs'] if o else []) if d[0] == sig]
                    if not moved:
                        sys.exit(f'{f}: cannot follow: {st[:80]}')
                    o['defs'] = [d for d in o['defs'] if d[0] != sig]
                    if not o['defs']:
                        del objs[('function', name)]
                    newname = name.split('.', 1)[0] + '.' + new
                    text = re.sub(re.escape(name) + r'(?=\s*\()', newname, moved[0][2], count=1, flags=re.I)
                    n = objs.setdefault(('function', newname), {'defs': [], 'comments': {}, 'first': f})
                    n['defs'].append((sig, moved[0][1], text))
                    n['last'] = f
                    continue
                if re.match(r'alter\s+(function|view)', st, re.I):
                    sys.exit(f'{f}: cannot follow: {st[:80]}')
                m = COMMENT.match(st)
                if m:
                    kind, name = m.group(1).lower(), m.group(2).lower()
                    if kind == 'column':
                        rel = name
                        if ('view', rel) in objs:
                            objs[('view', rel)]['comments'][('column', m.group(3).lower())] = st
                        continue
                    o = objs.get((kind, name))
                    if o is not None:
                        sig = signature(st) if kind == 'function' else None
                        o['comments'][(kind, sig)] = st
    return objs


def signature(st):
    """The argument types of a function statement, roughly normalised."""
    m = re.search(r'\(', st)
    depth, i = 0, m.start()
    for j in range(i, len(st)):
        if st[j] == '(':
            depth += 1
        elif st[j] == ')':
            depth -= 1
            if depth == 0:
                args = st[i + 1:j]
                break
    parts = []
    for a in split_args(args):
        a = re.sub(r'\s+default\s+.*$|\s*=.*$', '', a.strip(), flags=re.I | re.S)
        words = a.split()
        if words and words[0].lower() in ('in', 'out', 'inout', 'variadic'):
            if words[0].lower() == 'out':
                continue
            words = words[1:]
        if len(words) > 1:
            words = words[1:]          # drop the parameter name
        parts.append(' '.join(words).lower())
    return ','.join(parts)


def split_args(args):
    out, depth, cur = [], 0, ''
    for c in args:
        if c == '(':
            depth += 1
        elif c == ')':
            depth -= 1
        if c == ',' and depth == 0:
            out.append(cur)
            cur = ''
        else:
            cur += c
    if cur.strip():
        out.append(cur)
    return out


def replaceable(st):
    return re.sub(r'^create\s+(?:or\s+replace\s+)?', 'create or replace ', st, count=1, flags=re.I)


def file_for(kind, name, objs):
    schema, base = name.split('.', 1)
    clash = [k for k in objs if k[0] == kind and k[1].split('.', 1)[1] == base and k[1] != name]
    stem = name if clash else base
    return os.path.join('functions' if kind == 'function' else 'views', stem + '.sql')


def render(kind, name, o):
    what = 'function' if kind == 'function' else 'view'
    first, last = o['first'], o['last']
    head = [f'-- {name}: the current definition of this {what}.',
            f'-- First created in {first}' + ('' if first == last else f', last changed in {last}') + '.',
            '-- Edit it here: the migration runner applies this file again when it changes',
            '-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or',
            '-- argument types needs a numbered migration that drops the old one first).',
            '',
            'set local role mestat_owner;',
            '']
    body = []
    for _sig, lead, st in o['defs']:
        if lead:
            body.append(lead)
        body.append(st)
        body.append('')
    for st in o['comments'].values():
        body.append(st)
    return '\n'.join(head + body).rstrip('\n') + '\n'


def main(argv):
    list_only = '--list' in argv
    args = [a for a in argv if a != '--list']
    if len(args) != 1:
        sys.exit(__doc__)
    sql_dir = args[0]
    objs = follow(sql_dir)
    for (kind, name), o in sorted(objs.items()):
        rel = file_for(kind, name, objs)
        if list_only:
            print(f'{kind} {name} -> {rel} ({len(o["defs"])} definition(s), last in {o["last"]})')
            continue
        path = os.path.join(sql_dir, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'w', encoding='utf-8') as fp:
            fp.write(render(kind, name, o))


if __name__ == '__main__':
    main(sys.argv[1:])
