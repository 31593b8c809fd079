# technique: T1564.001 T1036.005 T1105
"""Payload hidden in a dot-file under /dev/shm and executed (T1564.001, T1036.005).

Linux malware favours /dev/shm (tmpfs, often not scanned) and dot-names like
"/dev/shm/.x/.ICE-unix" for its binaries. The "payload" is downloaded from a
loopback HTTP server (the bytes of /bin/true served back), written with
os.open + os.write, chmod +x and executed with subprocess under the name
"[kworker/u8:1]" as argv[0]. Removed in finally.

A good detector raises a high alert: a file downloaded from the network is
made executable and run from a hidden / tmpfs location.
"""
import http.server, os, shutil, subprocess, threading, urllib.request, uuid

BIN = open("/bin/true", "rb").read()
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200); self.end_headers(); self.wfile.write(BIN)
    def log_message(self, *a): pass
srv = http.server.HTTPServer(("127.0.0.1", 0), H)
threading.Thread(target=srv.serve_forever, daemon=True).start()
d = f"/dev/shm/.{uuid.uuid4().hex[:6]}"
try:
    data = urllib.request.urlopen(f"http://127.0.0.1:{srv.server_address[1]}/x86_64", timeout=3).read()
    os.makedirs(d, mode=0o700)
    p = os.path.join(d, ".ICE-unix")
    fd = os.open(p, os.O_WRONLY | os.O_CREAT, 0o600); os.write(fd, data); os.close(fd)
    os.chmod(p, 0o755)
    subprocess.run(["[kworker/u8:1]"], executable=p, timeout=5)
except Exception:
    pass
finally:
    srv.shutdown(); shutil.rmtree(d, ignore_errors=True)
