#!/usr/bin/env python3
"""idle_tls.py - holds many idle TLS connections to mestatd, then checks that
extra connections are refused cleanly and held ones still work.

  idle_tls.py PORT CA HOLD EXTRA PIDFILE

Opens HOLD connections (TLS handshake done, no request), prints mestatd's RSS
before and after (read from /proc/PID/status, PID from PIDFILE), opens EXTRA
more and sends a request on each (expecting 503), then sends a request on 20
of the held connections (expecting 200). Prints one JSON line. Bounded: every
step has a timeout; everything is closed at the end.
"""
import asyncio, json, ssl, sys, time

PORT, CA, HOLD, EXTRA, PIDFILE = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
REQ = b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n"

def rss_kb():
    pid = open(PIDFILE).read().strip()
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return -1

async def connect(ctx, sem):
    async with sem:
        try:
            return await asyncio.wait_for(asyncio.open_connection("127.0.0.1", PORT, ssl=ctx), 30)
        except (OSError, asyncio.TimeoutError, ssl.SSLError):
            return None

async def ask(conn):
    r, w = conn
    try:
        w.write(REQ)
        await w.drain()
        line = await asyncio.wait_for(r.readline(), 15)
        return int(line.split()[1]) if line.startswith(b"HTTP/") else 0
    except (OSError, asyncio.TimeoutError, ValueError, IndexError, ssl.SSLError):
        return 0

async def main():
    ctx = ssl.create_default_context(cafile=CA)
    sem = asyncio.Semaphore(100)
    before = rss_kb()
    t0 = time.time()
    held = [c for c in await asyncio.gather(*(connect(ctx, sem) for _ in range(HOLD))) if c]
    opened_s = time.time() - t0
    await asyncio.sleep(1)
    after = rss_kb()
    extra = [c for c in await asyncio.gather(*(connect(ctx, sem) for _ in range(EXTRA))) if c]
    extra_codes = await asyncio.gather(*(ask(c) for c in extra))
    held_codes = await asyncio.gather(*(ask(c) for c in held[:20]))
    for r, w in held + extra:
        w.close()
    print(json.dumps({
        "held": len(held), "open_seconds": round(opened_s, 1), "rss_before_kb": before, "rss_after_kb": after,
        "per_connection_kb": round((after - before) / max(len(held), 1), 1),
        "extra_503": sum(1 for c in extra_codes if c == 503), "extra_other": [c for c in extra_codes if c != 503][:10],
        "held_200": sum(1 for c in held_codes if c == 200),
    }))

asyncio.run(main())
