#!/usr/bin/env python3
"""include_graph.py - the shape of the C tree: no include cycle among its
modules, and no C file over the line limit.

    include_graph.py [--max-lines N] [-I DIR]... [--allow MODULES]... ROOT DIR...

A module is a file's path without its extension (daemon/ingest.c and
daemon/ingest.h are the module daemon/ingest). Each `#include "..."` of a file
under ROOT/DIR is resolved as the compiler does (the including file's
directory, then each -I DIR relative to ROOT) and makes an edge from the
including module to the included one. --allow "A B" lets the cycle among
exactly the modules A and B stand (reported as known, so it stays in sight);
any other cycle, or one that grows beyond them, fails. Prints one "ok - ..." or
"not ok - ..." line per finding, as the integration tests do; exits 1 on any
"not ok"."""
import argparse
import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def c_files(root, dirs):
    for d in dirs:
        for base, _, names in os.walk(os.path.join(root, d)):
            for n in sorted(names):
                if n.endswith((".c", ".h")):
                    yield os.path.relpath(os.path.join(base, n), root)


def resolve(root, path, name, incdirs):
    for d in [os.path.dirname(path)] + incdirs:
        cand = os.path.normpath(os.path.join(d, name))
        if os.path.isfile(os.path.join(root, cand)):
            return cand
    return None  # a system or generated header: not ours to check


def module(path):
    return os.path.splitext(path)[0]


def cycles(graph):
    """The strongly connected components of more than one module (Tarjan),
    each with one cycle through it."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = set()
            while True:
                w = stack.pop()
                on.discard(w)
                comp.add(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append((comp, cycle_in(graph, comp)))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def cycle_in(graph, comp):
    """A shortest cycle through the first module of COMP (breadth first)."""
    start = min(comp)
    prev, queue = {start: None}, [start]
    while queue:
        v = queue.pop(0)
        for w in sorted(graph.get(v, ())):
            if w not in comp:
                continue
            if w == start:
                path = [v]
                while prev[path[-1]] is not None:
                    path.append(prev[path[-1]])
                return list(reversed(path)) + [start]
            if w not in prev:
                prev[w] = v
                queue.append(w)
    return sorted(comp)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--max-lines", type=int, default=800)
    ap.add_argument("-I", dest="incdirs", action="append", default=[])
    ap.add_argument("--allow", action="append", default=[])
    ap.add_argument("root")
    ap.add_argument("dirs", nargs="+")
    a = ap.parse_args()
    where = " ".join(d.rstrip("/") + "/" for d in a.dirs)
    graph, bad, longest, nfiles = {}, 0, ("", 0), 0
    for path in c_files(a.root, a.dirs):
        nfiles += 1
        with open(os.path.join(a.root, path), encoding="utf-8", errors="replace") as f:
            text = f.read()
        graph.setdefault(module(path), set())
        for name in INCLUDE.findall(text):
            target = resolve(a.root, path, name, a.incdirs)
            if target and module(target) != module(path):
                graph[module(path)].add(module(target))
        if path.endswith(".c"):
            n = text.count("\n")
            longest = max(longest, (path, n), key=lambda x: x[1])
            if n > a.max_lines:
                print(f"not ok - {path} is at most {a.max_lines} lines: it has {n}")
                bad += 1
    allowed = [set(x.split()) for x in a.allow]
    found = []
    for comp, c in cycles(graph):
        if comp in allowed:
            print(f"ok - the known include cycle {' -> '.join(c)} has not grown")
        else:
            found.append((comp, c))
    for comp, c in found:
        print(f"not ok - no include cycle among the modules of {where}: {' -> '.join(c)}"
              f" (the modules {', '.join(sorted(comp))} all include each other)")
        bad += 1
    if not found:
        edges = sum(len(v) for v in graph.values())
        print(f"ok - no include cycle among the modules of {where} ({len(graph)} modules, {edges} edges)")
    if longest[1] <= a.max_lines:
        print(f"ok - no C file in {where} is over {a.max_lines} lines "
              f"(the longest, {longest[0] or 'none'}, has {longest[1]}; {nfiles} files)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
