# technique: T1059.006 T1203 T1059.004
"""Pickle whose __reduce__ calls subprocess.getoutput (T1059.006, T1203, T1059.004).

The gadget is not os.system but subprocess.getoutput: a standard-library
helper that runs its argument through /bin/sh. Unpickling the bytes runs a
shell command; the object never has to be used.

A good detector raises a high alert: unpickling resolves a callable that
starts processes (find_class of subprocess.getoutput) and a shell starts
from inside pickle.loads.
"""
import pickle
import subprocess


class Report:
    def __reduce__(self):
        return (subprocess.getoutput, ("echo pickled command ran as $(id -u)",))


blob = pickle.dumps(Report(), protocol=4)
del Report
print(pickle.loads(blob))
