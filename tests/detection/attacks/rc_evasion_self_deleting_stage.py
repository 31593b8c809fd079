# technique: T1070.004 T1059.006 T1105
"""A downloaded stage that deletes itself while running (T1070.004, T1105).

Droppers write the stage to disk only long enough to start it: the stage is
fetched from a loopback HTTP server, written to ~/.cache/.pip-<rand>.py,
started with the current interpreter, and its first action is
os.unlink(__file__) so nothing stays on disk; it then sleeps briefly as an
implant would keep running.

A good detector raises a medium or higher alert: a program deletes its own
file right after start / a downloaded script runs and removes itself.
"""
import http.server, os, subprocess, sys, threading, urllib.request, uuid

STAGE = b"import os, time\nos.unlink(__file__)\ntime.sleep(0.3)\n"
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200); self.end_headers(); self.wfile.write(STAGE)
    def log_message(self, *a): pass
srv = http.server.HTTPServer(("127.0.0.1", 0), H)
threading.Thread(target=srv.serve_forever, daemon=True).start()
d = os.path.join(os.path.expanduser("~"), ".cache"); os.makedirs(d, exist_ok=True)
p = os.path.join(d, f".pip-{uuid.uuid4().hex[:6]}.py")
try:
    open(p, "wb").write(urllib.request.urlopen(f"http://127.0.0.1:{srv.server_address[1]}/s", timeout=3).read())
    subprocess.run([sys.executable, p], timeout=5)
except Exception:
    pass
finally:
    srv.shutdown()
    if os.path.exists(p): os.unlink(p)
