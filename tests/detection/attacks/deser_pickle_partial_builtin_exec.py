# technique: T1059.006 T1203
"""Pickle that calls builtins.exec through functools.partial (T1059.006, T1203).

The reduce tuple is (functools.partial(exec, SOURCE), ()): the unpickler
rebuilds a partial object around the exec builtin, then calls it with no
arguments. The code string sits in the partial's state, set by BUILD,
not in the REDUCE arguments.

A good detector raises a high alert: unpickling resolves builtins.exec
(or eval/compile) and code runs inside pickle.loads.
"""
import builtins
import functools
import pickle

SOURCE = "import os\nprint('partial exec in', os.getpid(), os.uname().nodename)\n"


class Settings:
    def __reduce__(self):
        return (functools.partial(builtins.exec, SOURCE, {}), ())


blob = pickle.dumps(Settings(), protocol=2)
del Settings
pickle.loads(blob)
