# technique: T1059.006 T1105
"""Parent downloads, child runs it: sys.executable -c <downloaded source> (T1059.006, T1105).

The process that talks to the network never executes the stage: it passes
the downloaded text as the -c argument of a new interpreter. The child's
records show only "a -c command"; the parent's show only "a download and
a process start". The link is the data: the bytes downloaded are the
bytes on the child's command line.

A good detector raises a high alert: a command-line program (-c) whose text
was received from the network by its parent.
"""
import http.server
import subprocess
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

base, server = serve({"/api/v2/job": b"import os\nmarker = os.path.join(os.path.expanduser('~'), '.stage2')\nwith open(marker, 'w') as f:\n    f.write(str(os.getpid()))\nprint('stage two ran in', os.getpid())\n"})
source = urllib.request.urlopen(base + "/api/v2/job", timeout=5).read().decode()
server.shutdown()
subprocess.run([sys.executable, "-c", source], timeout=5)
