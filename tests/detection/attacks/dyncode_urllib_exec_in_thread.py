# technique: T1059.006 T1105
"""Download and run Python: urllib fetches source over HTTP, exec runs it in a worker thread (T1059.006, T1105).

The second stage comes from our loopback HTTP server; the script reads it
with urllib.request.urlopen and hands it to exec() inside a
threading.Thread, so the exec's call site is a thread function, not the
module's top level.

A good detector raises a high alert: code received from the network is
compiled and executed.
"""
import http.server
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

base, server = serve({"/update/check": b"import os\nmarker = os.path.join(os.path.expanduser('~'), '.stage2')\nwith open(marker, 'w') as f:\n    f.write(str(os.getpid()))\nprint('stage two ran in', os.getpid())\n"})
source = urllib.request.urlopen(base + "/update/check", timeout=5).read().decode()
worker = threading.Thread(target=exec, args=(source, {"__name__": "stage2"}))
worker.start()
worker.join(5)
server.shutdown()
