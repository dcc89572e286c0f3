#!/usr/bin/env python3
"""push_load.py - pushes prepared submissions to mestatd over HTTPS with
keep-alive from several threads, and reports rows/s and latency percentiles.

  push_load.py --host H --port P --ca CA --certs DIR --threads N FILES...
      closed loop: each thread sends its share of FILES back to back.
  push_load.py ... --rate R --seconds S FILES...
      open loop: R submissions per second in total for S seconds, FILES reused
      round-robin (each file is a body; its reporter's certificate is used).
      With --vary C, the Nth reuse of a file sends its values plus C + N
      (integers) or (C + N) / 100 (decimals): a revision of every row, not
      an idempotent replay of the same body.

Each FILE is named REPORTER-*.json; they are sent interleaved across reporters
(one of each reporter in turn), as provinces send concurrently; the client
certificate of REPORTER is
DIR/client-REPORTER.crt/.key. Prints one JSON line with the figures.
"""
import argparse, http.client, json, os, resource, ssl, sys, threading, time

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--ca", required=True)
    ap.add_argument("--certs", required=True)
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--rate", type=float, default=0)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--vary", type=int, default=None)
    ap.add_argument("--grace", type=float, default=None,
                    help="open loop: stop sending this long after the last submission was due; "
                         "the ones not sent count as slower than any sent")
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()

    bodies = []
    for f in a.files:
        rep = os.path.basename(f).split("-")[0]
        with open(f, "rb") as fh:
            body = fh.read()
        bodies.append((rep, body, len(json.loads(body)["values"])))
    # Interleave the provinces, as real traffic does: one reporter's
    # submissions are serialized by mestat.ingest_apply (its new/revised
    # judgement needs the reporter's committed values), so a queue of one
    # province's bodies sent by many threads at once would only wait.
    by_rep = {}
    for b in bodies:
        by_rep.setdefault(b[0], []).append(b)
    queues = [by_rep[r] for r in sorted(by_rep)]
    bodies = [q[i] for i in range(max(len(q) for q in queues)) for q in queues if i < len(q)]
    contexts = {}
    for rep in {b[0] for b in bodies}:
        ctx = ssl.create_default_context(cafile=a.ca)
        ctx.load_cert_chain(os.path.join(a.certs, f"client-{rep}.crt"), os.path.join(a.certs, f"client-{rep}.key"))
        contexts[rep] = ctx

    lat, rows, errors, lock = [], [0], {}, threading.Lock()
    unsent = [0]
    conns = {}

    def connect(tid, rep):
        c = conns[(tid, rep)] = http.client.HTTPSConnection(a.host, a.port, context=contexts[rep], timeout=60)
        return c

    def send(tid, rep, body, nrows, due=None):
        key = (tid, rep)
        t0 = time.perf_counter() if due is None else due
        for attempt in range(2):
            c = conns.get(key) or connect(tid, rep)
            try:
                c.request("POST", "/api/v1/submissions", body, {"Content-Type": "application/json"})
                r = c.getresponse()
                r.read()
            except (http.client.HTTPException, OSError):
                c.close()
                conns.pop(key, None)
                continue
            dt = time.perf_counter() - t0
            with lock:
                lat.append(dt)
                if r.status in (200, 201):
                    rows[0] += nrows
                else:
                    errors[r.status] = errors.get(r.status, 0) + 1
            return
        with lock:
            errors["connection"] = errors.get("connection", 0) + 1

    start = time.perf_counter()
    if a.rate <= 0:
        def worker(tid):
            for i in range(tid, len(bodies), a.threads):
                send(tid, *bodies[i])
        ts = [threading.Thread(target=worker, args=(t,)) for t in range(a.threads)]
    else:
        total = int(a.rate * a.seconds)
        if a.vary is not None:
            # Every body of the run made before the clock starts, so the
            # client spends nothing on JSON during it.
            def varied(b, cycle):
                doc = json.loads(b[1])
                for v in doc["values"]:
                    x = v["value"]
                    v["value"] = x + cycle if isinstance(x, int) else round(x + cycle / 100, 2)
                return (b[0], json.dumps(doc).encode(), b[2])
            bodies = [varied(bodies[i % len(bodies)], a.vary + i // len(bodies)) for i in range(total)]
        # Warm-up, not timed: each thread opens (TLS handshake with the
        # client certificate) the keep-alive connections it will use, as a
        # province's client holds its connection open between submissions.
        def warm(tid):
            for rep in {bodies[i % len(bodies)][0] for i in range(tid, total, a.threads)}:
                c = connect(tid, rep)
                c.request("GET", "/healthz")
                c.getresponse().read()
        ws = [threading.Thread(target=warm, args=(t,)) for t in range(a.threads)]
        for t in ws:
            t.start()
        for t in ws:
            t.join()
        start = time.perf_counter()
        # Latency counts from when a submission was due, not from when its
        # thread got round to sending it, so a slow answer that delays the
        # next ones is not hidden (no coordinated omission).
        def worker(tid):
            for i in range(tid, total, a.threads):
                due = start + i / a.rate
                now = time.perf_counter()
                if a.grace is not None and now > start + a.seconds + a.grace:
                    with lock:
                        unsent[0] += len(range(i, total, a.threads))
                    return
                if due > now:
                    time.sleep(due - now)
                send(tid, *bodies[i % len(bodies)], due=due)
        ts = [threading.Thread(target=worker, args=(t,)) for t in range(a.threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    wall = time.perf_counter() - start
    sent = len(lat)
    lat.sort()
    answered = lambda p: round(lat[min(sent - 1, int(p * sent))] * 1000, 2) if sent else float("nan")
    sent_p50, sent_p99 = answered(0.50), answered(0.99)
    lat += [float("inf")] * unsent[0]
    pct = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))] * 1000 if lat else float("nan")
    print(json.dumps({"submissions": sent, "unsent": unsent[0], "rows": rows[0], "seconds": round(wall, 3),
                      "rows_per_s": round(rows[0] / wall, 1), "subs_per_s": round(sent / wall, 1),
                      "p50_ms": round(pct(0.50), 2), "p95_ms": round(pct(0.95), 2), "p99_ms": round(pct(0.99), 2),
                      "max_ms": round(lat[-1] * 1000 if lat else float("nan"), 2), "errors": errors,
                      "connections": len(conns), "answered_p50_ms": sent_p50, "answered_p99_ms": sent_p99,
                      "client_cpu_s": round(sum(resource.getrusage(resource.RUSAGE_SELF)[:2]), 2)}))

if __name__ == "__main__":
    sys.exit(main())
