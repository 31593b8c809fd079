# technique: T1070.006
"""Indicator Removal: Timestomp (T1070.006) through the system `touch`
tool: `touch -r /etc/passwd FILE` and `touch -d "2 years ago" FILE`.

The implant is written with pathlib, then two child processes rewrite
its times. The only record of the change is the child's command line:
Python makes no utime call.

A good detector raises a medium alert: touch is run with -r/-d on a file
the same program has just written.
"""
import os as _os, pwd as _pwd, sys as _sys  # noqa: E401 (safety guard, not part of the attack)
if _os.path.realpath(_os.path.expanduser("~")) == _os.path.realpath(_pwd.getpwuid(_os.getuid()).pw_dir):
    _sys.exit("this attack writes under HOME: run it with HOME set to a scratch directory")
import subprocess
from pathlib import Path

target = Path.home() / ".config" / "pulse" / "cookie-helper"
target.parent.mkdir(parents=True, exist_ok=True)
target.write_bytes(b"\x7fELF fake implant")
subprocess.run(["touch", "-r", "/etc/passwd", str(target)], timeout=5)
subprocess.run(["touch", "-d", "2 years ago", str(target.with_suffix(".bak"))], timeout=5)
subprocess.run(["touch", "-a", "-m", "-t", "202001010000", str(target)], timeout=5)
