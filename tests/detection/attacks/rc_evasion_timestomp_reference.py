# technique: T1070.006 T1036.005
# gap: setting a file's times is what rotation, backup and copy code does; Vigil records it at low severity only (precision)
"""Timestomping a dropped binary to match a system file (T1070.006).

Linux implants copy the atime/mtime of a legitimate binary (/bin/ls) onto
their dropped file so `ls -lt` does not show it as new (the `touch -r`
trick), here with os.stat(...).st_atime_ns/st_mtime_ns and os.utime(ns=...)
on a file dropped under ~/.local/bin with a system-looking name.

A good detector raises a medium or higher alert: a file's timestamps are set
to those of another file / into the past right after it was written.
"""
import os, shutil

dst_dir = os.path.join(os.path.expanduser("~"), ".local", "bin"); os.makedirs(dst_dir, exist_ok=True)
dst = os.path.join(dst_dir, "dbus-daemon-launch")
shutil.copyfile("/bin/true", dst); os.chmod(dst, 0o755)
ref = os.stat("/bin/ls")
os.utime(dst, ns=(ref.st_atime_ns, ref.st_mtime_ns))
os.utime(dst_dir, ns=(ref.st_atime_ns, ref.st_mtime_ns))
