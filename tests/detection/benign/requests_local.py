# requests (and urllib3) talking to a local http.server: GET, POST with JSON,
# a session with cookies, a redirect and streaming download to a file.
import http.server, json, os, threading

import requests


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def reply(self, status, body, headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path == "/old":
            self.reply(301, b"", [("Location", "/status")])
        elif self.path == "/status":
            self.reply(200, json.dumps({"ok": True, "cookie": self.headers.get("Cookie")}).encode(),
                       [("Content-Type", "application/json"), ("Set-Cookie", "session=abc")])
        else:
            self.reply(200, b"x" * 100000, [("Content-Type", "application/octet-stream")])

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.reply(201, json.dumps({"sum": sum(body["values"])}).encode(), [("Content-Type", "application/json")])


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
base = f"http://127.0.0.1:{server.server_address[1]}"
with requests.Session() as session:
    session.trust_env = False
    assert session.get(base + "/old", timeout=5).json()["ok"] is True
    assert session.get(base + "/status", timeout=5).json()["cookie"] == "session=abc"
    assert session.post(base + "/sum", json={"values": [1, 2, 3]}, timeout=5).json() == {"sum": 6}
    with session.get(base + "/file", stream=True, timeout=5) as response, \
            open(os.path.join(os.environ["BENIGN_WORKDIR"], "download.bin"), "wb") as out:
        for chunk in response.iter_content(8192):
            out.write(chunk)
assert os.path.getsize(os.path.join(os.environ["BENIGN_WORKDIR"], "download.bin")) == 100000
server.shutdown()
