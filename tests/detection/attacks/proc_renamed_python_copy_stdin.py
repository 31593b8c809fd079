# technique: T1059.006 T1036.003
"""Renamed copy of the Python interpreter fed its program on stdin (T1059.006, T1036.003).

The script copies /usr/bin/python3.X (the running version) to $HOME/.cache/systemd-journal
and runs it with subprocess, giving it the program through a pipe on
standard input ("-"). Neither the command line nor the file name betrays
Python or the code; the copied interpreter has no audit hook.

A good detector raises a medium or higher alert: a Python program runs a
copy of an interpreter under another name (the executable's content is a
known interpreter), here with code on stdin.
"""
import os
import shutil
import subprocess
import sys

cache = os.path.join(os.path.expanduser("~"), ".cache")
os.makedirs(cache, exist_ok=True)
copy = os.path.join(cache, "systemd-journal")
shutil.copyfile(shutil.which(f"python{sys.version_info[0]}.{sys.version_info[1]}", path="/usr/bin"), copy)
os.chmod(copy, 0o755)
program = b"import os\nprint('copied interpreter pid', os.getpid())\n"
result = subprocess.run([copy, "-"], input=program, capture_output=True, timeout=5)
print(result.returncode, result.stdout.decode().strip())
os.unlink(copy)
