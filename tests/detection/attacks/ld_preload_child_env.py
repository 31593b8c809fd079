# technique: T1574.006
"""Hijack Execution Flow: Dynamic Linker Hijacking (T1574.006):
LD_PRELOAD given to a child through subprocess's env.

Copies a harmless shared library of the system (libBrokenLocale, or libdl)
to ~/.cache/libgtk-fontcache.so, as an attacker would drop a hooking
library, and starts /bin/true and `id` with LD_PRELOAD pointing to it, so
the dynamic loader maps the dropped file into both children before their
own code. The copy stays in HOME.

A good detector raises a high alert: a child process is started with
LD_PRELOAD naming a library in a user-writable directory.
"""
import os as _os, pwd as _pwd, sys as _sys  # noqa: E401 (safety guard, not part of the attack)
if _os.path.realpath(_os.path.expanduser("~")) == _os.path.realpath(_pwd.getpwuid(_os.getuid()).pw_dir):
    _sys.exit("this attack writes under HOME: run it with HOME set to a scratch directory")
import glob
import os
import shutil
import subprocess

libs = sorted(glob.glob("/lib/*/libBrokenLocale.so.1") + glob.glob("/usr/lib/*/libBrokenLocale.so.1")
              + glob.glob("/lib/*/libdl.so.2"))
dest = os.path.join(os.path.expanduser("~"), ".cache", "libgtk-fontcache.so")
os.makedirs(os.path.dirname(dest), exist_ok=True)
shutil.copy(libs[0] if libs else "/bin/true", dest)
env = dict(os.environ, LD_PRELOAD=dest)
subprocess.run(["/bin/true"], env=env, timeout=5)
subprocess.run(["id"], env=env, timeout=5, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
