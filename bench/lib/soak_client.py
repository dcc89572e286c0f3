#!/usr/bin/env python3
"""soak_client.py - many HTTPS clients push distinct submissions for a while
and keep a ledger of every acknowledged row, to compare with the database.

  soak_client.py --port P --ca CA --certs DIR --cells FILE --seconds S --threads N --ledger OUT

CELLS: lines "indicator period". Each thread plays one reporter (threads are
spread over the reporters with certificates in DIR) and sends 1-20 rows per
submission with values that never repeat, so every row is a new version.
The ledger has one line per acknowledged row: submission_id reporter
indicator period value. Prints a JSON summary.
"""
import argparse, glob, http.client, json, os, random, ssl, threading, time

ap = argparse.ArgumentParser()
ap.add_argument("--port", type=int, required=True)
ap.add_argument("--ca", required=True)
ap.add_argument("--certs", required=True)
ap.add_argument("--cells", required=True)
ap.add_argument("--seconds", type=float, default=60)
ap.add_argument("--threads", type=int, default=16)
ap.add_argument("--ledger", required=True)
a = ap.parse_args()

cells = [l.split() for l in open(a.cells) if l.strip()]
reporters = sorted(os.path.basename(p)[7:-4] for p in glob.glob(os.path.join(a.certs, "client-*.crt")))
lock = threading.Lock()
ledger = open(a.ledger, "w")
stats = {"sent": 0, "acked": 0, "rows_acked": 0, "unavailable": 0, "other": {}, "connection_errors": 0}
stop = time.time() + a.seconds

def worker(tid):
    rep = reporters[tid % len(reporters)]
    ctx = ssl.create_default_context(cafile=a.ca)
    ctx.load_cert_chain(os.path.join(a.certs, f"client-{rep}.crt"), os.path.join(a.certs, f"client-{rep}.key"))
    rnd = random.Random(tid)
    conn = None
    seq = 0
    while time.time() < stop:
        seq += 1
        rows = rnd.sample(cells, rnd.randint(1, 20))
        vals = [{"indicator": i, "period": p, "value": tid * 10**9 + seq * 100 + k} for k, (i, p) in enumerate(rows)]
        body = json.dumps({"reporter": rep, "values": vals})
        try:
            if conn is None:
                conn = http.client.HTTPSConnection("127.0.0.1", a.port, context=ctx, timeout=30)
            conn.request("POST", "/api/v1/submissions", body, {"Content-Type": "application/json"})
            r = conn.getresponse()
            data = r.read()
        except (OSError, http.client.HTTPException):
            if conn:
                conn.close()
            conn = None
            with lock:
                stats["connection_errors"] += 1
            time.sleep(0.2)
            continue
        with lock:
            stats["sent"] += 1
            if r.status == 201:
                sid = json.loads(data)["submission_id"]
                stats["acked"] += 1
                stats["rows_acked"] += len(vals)
                for v in vals:
                    ledger.write(f"{sid}\t{rep}\t{v['indicator']}\t{v['period']}\t{v['value']}\n")
            elif r.status == 503:
                stats["unavailable"] += 1
            else:
                stats["other"][r.status] = stats["other"].get(r.status, 0) + 1
        if r.status == 503:
            time.sleep(0.5)

ts = [threading.Thread(target=worker, args=(t,)) for t in range(a.threads)]
for t in ts:
    t.start()
for t in ts:
    t.join()
ledger.close()
print(json.dumps(stats))
