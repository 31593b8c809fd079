# technique: T1105 T1059.006
# expect: remote-code
"""Ingress Tool Transfer (T1105) then Command and Scripting Interpreter:
Python (T1059.006): the same attack as download_execute, from a script,
with the names hidden from any text match (the fetch and the `exec` are
reached through `importlib` and attribute lookups): only the order of
events gives it away.

A good detector raises a high alert: text read from the network is
compiled and run (`download-then-exec`)."""
import http.server, importlib, threading

stage_two = b"marker = 'stage two ran'"


class StageTwo(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.end_headers()
        self.wfile.write(stage_two)

    def log_message(self, *args):
        pass


server = http.server.HTTPServer(("127.0.0.1", 0), StageTwo)
threading.Thread(target=server.serve_forever, daemon=True).start()
fetch = getattr(importlib.import_module("urllib.request"), "url" + "open")
text = fetch(f"http://127.0.0.1:{server.server_port}/").read()
run = getattr(__builtins__, "ex" + "ec")
namespace = {}
run(text, namespace)
assert namespace["marker"] == "stage two ran"
server.shutdown()
