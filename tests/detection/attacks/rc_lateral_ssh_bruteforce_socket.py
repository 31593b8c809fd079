# technique: T1021.004 T1110.001 T1552.004
"""Lateral movement over SSH: key reuse and password guessing (T1021.004, T1110.001).

SSH worms (paramiko-based in the wild; paramiko is not available here, so
the SSH transport is simulated with sockets): parse ~/.ssh/known_hosts and
~/.ssh/config for targets, read private keys, then open connections to each
target's port 22 equivalent (a loopback fake sshd speaking the version
banner), send an SSH-2.0 identification and attempt a short password list,
one connection per attempt, the way brute-forcers do.

A good detector raises a medium or higher alert: private keys and
known_hosts are read and then many connections to an SSH service are made.
"""
import os, socket, threading

ssh = os.path.join(os.path.expanduser("~"), ".ssh"); os.makedirs(ssh, exist_ok=True)
lsn = socket.socket(); lsn.bind(("127.0.0.1", 0)); lsn.listen(16)
port = lsn.getsockname()[1]
open(os.path.join(ssh, "known_hosts"), "w").write(f"[127.0.0.1]:{port} ssh-ed25519 AAAAfake\n")
open(os.path.join(ssh, "id_ed25519"), "w").write("-----BEGIN OPENSSH PRIVATE KEY-----\nZmFrZQ==\n-----END OPENSSH PRIVATE KEY-----\n")
def sshd():
    try:
        while True:
            c, _ = lsn.accept(); c.settimeout(1)
            c.sendall(b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n")
            try: c.recv(1024); c.recv(1024)
            except OSError: pass
            c.close()
    except Exception: pass
threading.Thread(target=sshd, daemon=True).start()

targets = []
for line in open(os.path.join(ssh, "known_hosts")):
    h = line.split()[0]
    if h.startswith("["):
        host, p = h[1:].split("]:"); targets.append((host, int(p)))
keys = [open(os.path.join(ssh, n), "rb").read() for n in os.listdir(ssh) if n.startswith("id_")]
for host, p in targets:
    for user, pw in [("root", "root"), ("root", "toor"), ("admin", "admin"), ("ubuntu", "ubuntu"), ("pi", "raspberry"), ("root", "123456")]:
        try:
            s = socket.create_connection((host, p), timeout=1)
            s.recv(256)
            s.sendall(b"SSH-2.0-libssh_0.9.6\r\n")
            s.sendall(f"{user}:{pw}".encode())
            s.close()
        except OSError:
            pass
