# technique: T1555 T1555.003 T1552.001
"""Credential stores from password managers and keyrings (T1555).

Linux stealers read ~/.local/share/keyrings/*.keyring (GNOME Keyring),
~/.password-store (pass), ~/.git-credentials, ~/.pypirc and the KDE
wallet directory. Paths are reached with os.walk from HOME and filtered by
name, the way "grabbers" sweep for loot. Fake files are planted first.

A good detector raises a high alert: keyring / password-store / credential
files are read in bulk.
"""
import os

home = os.path.expanduser("~")
for rel in (".local/share/keyrings/login.keyring", ".git-credentials", ".pypirc",
            ".password-store/email/work.gpg"):
    p = os.path.join(home, rel); os.makedirs(os.path.dirname(p), exist_ok=True)
    open(p, "wb").write(b"GnomeKeyring\n\0fake" if p.endswith("keyring") else b"https://u:fake@github.com\n")
wanted = (".keyring", ".gpg", "credentials", ".pypirc", ".kwl")
loot = {}
for root, dirs, files in os.walk(home):
    for n in files:
        if n.endswith(wanted) or n in (".git-credentials", ".pypirc"):
            with open(os.path.join(root, n), "rb") as f:
                loot[os.path.join(root, n)] = f.read()
