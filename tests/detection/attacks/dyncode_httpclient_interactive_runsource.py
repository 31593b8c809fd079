# technique: T1059.006 T1105
"""Downloaded source run through code.InteractiveInterpreter().runsource (T1059.006, T1105).

http.client fetches the stage; instead of exec/eval in the script, the
REPL machinery of the code module compiles and runs it
(InteractiveInterpreter.runsource → codeop → exec in the code module), so
the executing call site is inside the standard library.

A good detector raises a high alert: code received from the network runs,
whichever standard-library function compiles it.
"""
import code
import http.client
import http.server
import threading

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

base, server = serve({"/s": b"import os\nmarker = os.path.join(os.path.expanduser('~'), '.stage2')\nwith open(marker, 'w') as f:\n    f.write(str(os.getpid()))\nprint('stage two ran in', os.getpid())\n"})
host, port = base[len("http://"):].split(":")
connection = http.client.HTTPConnection(host, int(port), timeout=5)
connection.request("GET", "/s")
source = connection.getresponse().read().decode()
connection.close()
code.InteractiveInterpreter().runsource(source, "<console>", "exec")
server.shutdown()
