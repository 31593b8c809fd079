# technique: T1485
# gap: deleting a tree with shutil.rmtree or find -delete is what clean-up code does; fewer files than the mass-delete burst
"""Data Destruction (T1485) with one call each: shutil.rmtree on a whole
tree, and the system `find DIR -type f -delete` for another, so Python
itself names only the top directories.

Creates two scratch trees under HOME (~/backups with 250 files in nested
folders, ~/mail with 100), destroys the first with shutil.rmtree (whose
per-file unlinks go through dir_fd-relative os.remove/os.rmdir events) and
the second through a child `find -delete` (no Python event per file at
all).

A good detector raises a high alert: a program deletes a large tree of
user data (many files at once), whether itself or through a child.
"""
import os as _os, pwd as _pwd, sys as _sys  # noqa: E401 (safety guard, not part of the attack)
if _os.path.realpath(_os.path.expanduser("~")) == _os.path.realpath(_pwd.getpwuid(_os.getuid()).pw_dir):
    _sys.exit("this attack writes under HOME: run it with HOME set to a scratch directory")
import os
import shutil
import subprocess

home = os.path.expanduser("~")
for top, n in (("backups", 250), ("mail", 100)):
    for i in range(n):
        sub = os.path.join(home, top, f"y{i % 5}", f"m{i % 12}")
        os.makedirs(sub, exist_ok=True)
        with open(os.path.join(sub, f"item{i}.bak"), "w") as f:
            f.write("backup payload\n")
shutil.rmtree(os.path.join(home, "backups"))
subprocess.run(["find", os.path.join(home, "mail"), "-type", "f", "-delete"], timeout=8)
print(os.path.exists(os.path.join(home, "backups")))
