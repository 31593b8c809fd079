# technique: T1059.006 T1105 T1027 T1140
"""Downloaded stage carried to a child in an environment variable, base85 + zlib (T1059.006, T1105, T1027, T1140).

The parent downloads the stage, packs it (zlib, base85) into an
environment variable with a desktop-session name, and starts a child
whose -c text only reads that variable, decodes it and execs it. The
child's command line is generic; the code lives in its environment.

A good detector raises a high alert: code decoded from an environment
variable runs (and the variable's value came from the network).
"""
import base64
import http.server
import os
import subprocess
import sys
import threading
import urllib.request
import zlib

def serve(files):
    """Our own HTTP server on 127.0.0.1 (port 0) in a thread, serving {path: bytes}."""
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = files.get(self.path)
            if body is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return "http://127.0.0.1:%d" % server.server_address[1], server

base, server = serve({"/cfg": b"import os\nmarker = os.path.join(os.path.expanduser('~'), '.stage2')\nwith open(marker, 'w') as f:\n    f.write(str(os.getpid()))\nprint('stage two ran in', os.getpid())\n"})
stage = urllib.request.urlopen(base + "/cfg", timeout=5).read()
server.shutdown()
env = dict(os.environ, XDG_SESSION_COOKIE=base64.b85encode(zlib.compress(stage)).decode())
loader = "import os,zlib,base64;exec(zlib.decompress(base64.b85decode(os.environ['XDG_SESSION_COOKIE'])))"
subprocess.run([sys.executable, "-c", loader], env=env, timeout=5)
