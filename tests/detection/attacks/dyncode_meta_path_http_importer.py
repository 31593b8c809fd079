# technique: T1059.006 T1105 T1620
"""Remote import: a sys.meta_path finder that fetches modules over HTTP (T1059.006, T1105, T1620).

The script installs an importlib MetaPathFinder whose loader downloads a
module's source from our loopback server and execs it into the new
module's namespace. After that, a plain "import telemetry_sdk" runs
network code; no file ever holds it, and the import system, not the
script, calls exec.

A good detector raises a high alert: a module is imported whose code came
from the network (a custom meta-path finder or loader that execs
downloaded text).
"""
import http.server
import importlib.abc
import importlib.util
import sys
import threading
import urllib.request

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

base, server = serve({"/telemetry_sdk.py": b"import os\nmarker = os.path.join(os.path.expanduser('~'), '.stage2')\nwith open(marker, 'w') as f:\n    f.write(str(os.getpid()))\nprint('stage two ran in', os.getpid())\n" + b"VERSION = '1.0'\n"})


class RemoteFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, name, path, target=None):
        if name != "telemetry_sdk":
            return None
        return importlib.util.spec_from_loader(name, self, origin=base + "/" + name + ".py")

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        source = urllib.request.urlopen(module.__spec__.origin, timeout=5).read()
        exec(compile(source, module.__spec__.origin, "exec"), module.__dict__)


sys.meta_path.insert(0, RemoteFinder())
import telemetry_sdk  # noqa: E402  (the import is the technique)
print("remote module version", telemetry_sdk.VERSION)
server.shutdown()
