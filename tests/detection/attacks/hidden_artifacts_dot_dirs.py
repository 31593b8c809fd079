# technique: T1564.001
"""Hide Artifacts: Hidden Files and Directories (T1564.001): a staging
directory named "..." and one named ". " (dot space), and hidden files
in /dev/shm and /var/tmp.

Creates ~/.cache/.../ (three dots, looks like `..` in a listing) and
~/". "/ with os.mkdir, writes a payload into each, and drops a hidden
executable `.ICE-unix-lock` into /dev/shm and /var/tmp with
pathlib + chmod 0o755. The files outside HOME are removed at the end.

A good detector raises a medium alert: a program creates hidden
executables or deceptively named hidden directories (in shared temporary
directories in particular).
"""
import os as _os, pwd as _pwd, sys as _sys  # noqa: E401 (safety guard, not part of the attack)
if _os.path.realpath(_os.path.expanduser("~")) == _os.path.realpath(_pwd.getpwuid(_os.getuid()).pw_dir):
    _sys.exit("this attack writes under HOME: run it with HOME set to a scratch directory")
import os
from pathlib import Path

home = Path.home()
dots = home / ".cache" / "..."
dots.mkdir(parents=True, exist_ok=True)
(dots / ".x").write_bytes(b"\x7fELF stage2")
spacey = home / ". "
os.mkdir(spacey)
(spacey / "run").write_text("#!/bin/sh\nexit 0\n")
outside = []
try:
    for base in ("/dev/shm", "/var/tmp"):
        if os.access(base, os.W_OK):
            p = Path(base) / f".ICE-unix-lock-{os.getpid()}"
            p.write_text("#!/bin/sh\nexit 0\n")
            p.chmod(0o755)
            outside.append(p)
finally:
    for p in outside:
        p.unlink()
