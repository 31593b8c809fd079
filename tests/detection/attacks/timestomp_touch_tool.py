# technique: T1070.006
"""Indicator Removal: Timestomp (T1070.006) through the system `touch`
tool: `touch -r /etc/passwd FILE` and `touch -d "2 years ago" FILE`.

The implant is written with pathlib, then two child processes rewrite
its times. The only record of the change is the child's command line:
Python makes no utime call.

A good detector raises a medium alert: touch is run with -r/-d on a file
the same program has just written.
"""
import subprocess
from pathlib import Path

target = Path.home() / ".config" / "pulse" / "cookie-helper"
target.parent.mkdir(parents=True, exist_ok=True)
target.write_bytes(b"\x7fELF fake implant")
subprocess.run(["touch", "-r", "/etc/passwd", str(target)], timeout=5)
subprocess.run(["touch", "-d", "2 years ago", str(target.with_suffix(".bak"))], timeout=5)
subprocess.run(["touch", "-a", "-m", "-t", "202001010000", str(target)], timeout=5)
