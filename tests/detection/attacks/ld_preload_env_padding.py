# technique: T1574.006
"""Hijack Execution Flow: Dynamic Linker Hijacking (T1574.006) with the
LD_PRELOAD entry buried after 100 filler variables in the child's
environment.

Audit records keep only the first 64 items of a container, so an
environment dict (subprocess.Popen's `env`, _posixsubprocess.fork_exec's
env list, os.execve's env) with 100 harmless variables before LD_PRELOAD
is recorded without it. The library is a copy of a harmless system
library in HOME; the children are /bin/true (subprocess) and /bin/true
by fork + os.execve.

A good detector raises a high alert: a child starts with LD_PRELOAD,
even when the variable lies beyond what a record of the environment
shows (it must look at the whole environment, not its rendering).
"""
import os as _os, pwd as _pwd, sys as _sys  # noqa: E401 (safety guard, not part of the attack)
if _os.path.realpath(_os.path.expanduser("~")) == _os.path.realpath(_pwd.getpwuid(_os.getuid()).pw_dir):
    _sys.exit("this attack writes under HOME: run it with HOME set to a scratch directory")
import glob
import os
import shutil
import subprocess

libs = sorted(glob.glob("/lib/*/libBrokenLocale.so.1") + glob.glob("/lib/*/libdl.so.2"))
lib = os.path.join(os.path.expanduser("~"), ".cache", "libnvidia-tls.so")
os.makedirs(os.path.dirname(lib), exist_ok=True)
shutil.copy(libs[0] if libs else "/bin/true", lib)
env = {f"XDG_FILLER_{i:03d}": "x" for i in range(100)}
env.update(os.environ)
env["LD_PRELOAD"] = lib
subprocess.run(["/bin/true"], env=env, timeout=5)
pid = os.fork()
if pid == 0:
    try:
        os.execve("/bin/true", ["true"], env)
    finally:
        os._exit(127)
os.waitpid(pid, 0)
