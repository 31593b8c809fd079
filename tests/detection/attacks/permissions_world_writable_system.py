# technique: T1222.002
"""File and Directory Permissions Modification: Linux (T1222.002):
world-writable modes on system paths, by pathlib.chmod, os.fchmod and
`chmod -R a+w`.

Creates new, uniquely named objects in system locations (a directory in
/usr/local/lib, a file in /etc/cron.d, a directory in /usr/local/bin) and
makes them world-writable: Path.chmod(0o777), os.fchmod(fd, 0o666), and a
child `chmod -R a+rwx`. Existing files are never touched; everything is
removed in `finally`.

A good detector raises a medium or high alert: a file or directory under
a system path is made writable by every user.
"""
import os
import shutil
import subprocess
import uuid
from pathlib import Path

tag = uuid.uuid4().hex[:8]
lib = Path(f"/usr/local/lib/vendor-plugins-{tag}")
cron = f"/etc/cron.d/.placeholder-{tag}"
bindir = f"/usr/local/bin/.tools-{tag}"
try:
    lib.mkdir()
    lib.chmod(0o777)
    fd = os.open(cron, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.fchmod(fd, 0o666)
    os.close(fd)
    os.mkdir(bindir)
    subprocess.run(["chmod", "-R", "a+rwx", bindir], timeout=5)
except OSError as e:
    print("not permitted:", e)
finally:
    if lib.exists():
        lib.rmdir()
    if os.path.exists(cron):
        os.remove(cron)
    shutil.rmtree(bindir, ignore_errors=True)
