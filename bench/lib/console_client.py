#!/usr/bin/env python3
"""console_client.py - times read API calls the way the console makes them
(one keep-alive HTTPS connection, the session cookie as credential) and the
same views read with psql, and prints p50/p95 of each.

  console_client.py --port P --ca CA --cookie ID --n N --db DB CALLS_FILE

CALLS_FILE has one call a line: NAME|API_PATH|SQL (SQL is the plain view
query psql runs as the baseline). Prints one JSON object per call.
"""
import argparse, http.client, json, re, ssl, subprocess, sys, time


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--ca", required=True)
    ap.add_argument("--cookie", required=True)
    ap.add_argument("--n", type=int, default=50)
    ap.add_argument("--db", required=True)
    ap.add_argument("calls")
    a = ap.parse_args()
    ctx = ssl.create_default_context(cafile=a.ca)
    conn = http.client.HTTPSConnection(a.host, a.port, context=ctx)
    headers = {"Cookie": f"mestat_session={a.cookie}", "Accept": "application/json"}
    for line in open(a.calls, encoding="utf-8"):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, path, sql = line.split("|", 2)
        api, status, size = [], None, 0
        for i in range(a.n + 2):  # two warm-up requests
            t0 = time.perf_counter()
            conn.request("GET", path, headers=headers)
            r = conn.getresponse()
            body = r.read()
            dt = (time.perf_counter() - t0) * 1000
            status, size = r.status, len(body)
            if r.status != 200:
                print(json.dumps({"name": name, "error": f"{r.status}: {body[:200]!r}"}))
                break
            if i >= 2:
                api.append(dt)
        if status != 200:
            continue
        # Baseline: the plain view query, N times in one psql session, its \timing.
        script = "\\timing on\n" + "".join(f"{sql};\n" for _ in range(a.n + 2))
        out = subprocess.run(["psql", "-X", "-q", "-At", "-o", "/dev/null", "-U", "postgres", "-d", a.db],
                             input=script, capture_output=True, text=True).stdout
        base = [float(m) for m in re.findall(r"Time: ([0-9.]+) ms", out)][2:]
        if not base:
            print(json.dumps({"name": name, "error": "the baseline query gave no timing"}))
            continue
        print(json.dumps({"name": name, "path": path, "bytes": size, "n": len(api),
                          "p50_ms": round(pct(api, 50), 2), "p95_ms": round(pct(api, 95), 2),
                          "base_p50_ms": round(pct(base, 50), 2), "base_p95_ms": round(pct(base, 95), 2)}), flush=True)


if __name__ == "__main__":
    sys.exit(main())
