# technique: T1059.006 T1105
"""Downloaded stage written to a temporary file and loaded as a module by spec_from_file_location (T1059.006, T1105).

The stage goes to a tempfile.NamedTemporaryFile in /tmp with a .py
suffix, is loaded with importlib.util.spec_from_file_location +
module_from_spec + loader.exec_module (a module with a made-up name that
is never registered in sys.modules), and the file is deleted at once.

A good detector raises a high alert: a Python file written from a
download is loaded as code (from a world-writable directory).
"""
import http.server
import importlib.util
import tempfile
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

base, server = serve({"/m": b"import os\nmarker = os.path.join(os.path.expanduser('~'), '.stage2')\nwith open(marker, 'w') as f:\n    f.write(str(os.getpid()))\nprint('stage two ran in', os.getpid())\n"})
data = urllib.request.urlopen(base + "/m", timeout=5).read()
server.shutdown()
with tempfile.NamedTemporaryFile(suffix=".py", prefix="pip-build-", dir="/tmp") as tmp:
    tmp.write(data)
    tmp.flush()
    spec = importlib.util.spec_from_file_location("_pip_build_helper", tmp.name)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
