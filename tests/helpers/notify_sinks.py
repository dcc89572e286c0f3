#!/usr/bin/python3
"""Receivers for the notices of the integration tests, on loopback only.

  notify_sinks.py smtp PORT DIR CERT KEY SECONDS
      An SMTP server (Debian's python3-aiosmtpd) that requires STARTTLS with
      CERT/KEY and stores each message as DIR/NNNN.eml (the raw message, with
      an X-Rcpt-To line first).
  notify_sinks.py smtps PORT DIR CERT KEY SECONDS USER PASSWORD
      The same over implicit TLS (SMTPS), refusing mail without a login as
      USER with PASSWORD.
  notify_sinks.py webhook PORT DIR CERT KEY SECONDS
      An HTTPS server that stores each POST as DIR/NNNN.json ({path, headers,
      body}) and answers 200, or 500 when the path contains /fail.

Either stops by itself after SECONDS.
"""
import http.server
import itertools
import json
import os
import ssl
import sys
import threading
import time

mode, port, outdir, cert, key, seconds = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], float(sys.argv[6])
os.makedirs(outdir, exist_ok=True)
counter = itertools.count(1)
lock = threading.Lock()


def store(suffix, data):
    with lock:
        n = next(counter)
    tmp = os.path.join(outdir, ".%04d.tmp" % n)
    with open(tmp, "wb") as f:
        f.write(data)
    os.rename(tmp, os.path.join(outdir, "%04d.%s" % (n, suffix)))


ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
ctx.load_cert_chain(cert, key)

if mode in ("smtp", "smtps"):
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            store("eml", ("X-Rcpt-To: %s\r\n" % ",".join(envelope.rcpt_tos)).encode() + envelope.original_content)
            return "250 OK"

    if mode == "smtp":
        c = Controller(Handler(), hostname="127.0.0.1", port=port, tls_context=ctx, require_starttls=True)
    else:
        user, password = sys.argv[7].encode(), sys.argv[8].encode()

        def check(server, session, envelope, mechanism, auth_data):
            ok = auth_data.login == user and auth_data.password == password
            return AuthResult(success=ok, handled=ok)  # handled=False: the server answers 535 itself

        c = Controller(Handler(), hostname="127.0.0.1", port=port, ssl_context=ctx, authenticator=check,
                       auth_required=True, auth_require_tls=False)
    c.start()
    time.sleep(seconds)
    c.stop()
else:
    class Hook(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            store("json", json.dumps({"path": self.path, "headers": dict(self.headers.items()),
                                      "body": body.decode("utf-8", "replace")}).encode())
            code = 500 if "/fail" in self.path else 200
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"errcode":0}' if code == 200 else b'{"error":"failing on purpose"}')

        def log_message(self, *args):
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", port), Hook)
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    threading.Timer(seconds, srv.shutdown).start()
    srv.serve_forever()
