# technique: T1070.006
# gap: setting a file's times is what rotation, backup and copy code does; Vigil records it at low severity only (precision)
"""Indicator Removal: Timestomp (T1070.006) with os.utime copying the
times of a system binary, and shutil.copystat from a reference file.

Drops an implant ~/.local/bin/dbus-helper, then sets its access and
modification times to those of /bin/ls (os.stat + os.utime(ns=...)), and
makes a second file's times match /etc/hostname with shutil.copystat,
then back-dates a third to 2019 with explicit seconds, so a listing by
time hides all three among old files.

A good detector raises a medium alert: a program sets a file's times to
values in the past / copied from another file right after writing it.
"""
import os as _os, pwd as _pwd, sys as _sys  # noqa: E401 (safety guard, not part of the attack)
if _os.path.realpath(_os.path.expanduser("~")) == _os.path.realpath(_pwd.getpwuid(_os.getuid()).pw_dir):
    _sys.exit("this attack writes under HOME: run it with HOME set to a scratch directory")
import os
import shutil
import time

home = os.path.expanduser("~")
d = os.path.join(home, ".local", "bin")
os.makedirs(d, exist_ok=True)
files = [os.path.join(d, n) for n in ("dbus-helper", "gvfsd-meta", "at-spi-bus")]
for p in files:
    with open(p, "w") as f:
        f.write("#!/bin/sh\nexit 0\n")
ref = os.stat("/bin/ls")
os.utime(files[0], ns=(ref.st_atime_ns, ref.st_mtime_ns))
shutil.copystat("/etc/hostname", files[1])
old = time.mktime((2019, 3, 14, 9, 26, 53, 0, 0, -1))
os.utime(files[2], (old, old))
print([time.ctime(os.stat(p).st_mtime) for p in files])
