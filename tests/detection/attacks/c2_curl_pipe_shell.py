# technique: T1105 T1059.004
"""curl … | sh in shell text: the download and the execution both happen outside Python (T1105, T1059.004).

The Python side only runs os.system("curl -fsSL http://127.0.0.1:PORT/install | sh").
curl fetches a script from our loopback server and sh runs it from the
pipe; the network connection is made by curl, so no socket event of
Python's shows it. The URL and the pipe into a shell are all there is.

A good detector raises a high alert: shell text that pipes a download
(curl/wget) into a shell.
"""
import http.server
import os
import threading

script = b"#!/bin/sh\necho installer ran as $(id -un)\n"


class Repo(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", str(len(script)))
        self.end_headers()
        self.wfile.write(script)

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Repo)
threading.Thread(target=server.serve_forever, daemon=True).start()
status = os.system("curl -fsSL --max-time 5 http://127.0.0.1:%d/install | sh" % server.server_address[1])
server.shutdown()
print("pipeline status", status)
